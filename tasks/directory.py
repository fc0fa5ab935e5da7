"""The directory's refresh cycle."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from webapp.core.locks import single_run
from webapp.core.timezones import to_utc, utcnow
from webapp.directory import refresh


@shared_task(ignore_result=True)
def run_refresh_cycle(now: str | None = None) -> dict[str, int]:
    """Send due refresh requests, reminders and escalations. `now` (ISO 8601; UTC when it
    names no zone) is for tests and catching up; beat passes nothing."""
    with single_run("directory-refresh-cycle", seconds=1800) as mine:
        if not mine:
            return {}
        moment = to_utc(datetime.fromisoformat(now)) if now else utcnow()
        return refresh.run_cycle(moment).as_dict()
