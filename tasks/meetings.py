"""Meeting reminders."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from webapp.core.locks import single_run
from webapp.core.timezones import to_utc, utcnow
from webapp.extensions import db
from webapp.meetings import reminders


@shared_task(ignore_result=True)
def send_meeting_reminders(now: str | None = None) -> int:
    """Write the reminders due now. `now` (ISO 8601; UTC when it names no zone) is for
    tests and catching up; beat passes nothing."""
    with single_run("meeting-reminders", seconds=1800) as mine:
        if not mine:
            return 0
        moment = to_utc(datetime.fromisoformat(now)) if now else utcnow()
        written = reminders.send_due_reminders(moment)
        db.session.commit()
        return written
