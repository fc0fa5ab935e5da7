"""Contributions: the weekly digest of overdue instalments."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from webapp.contributions import digest
from webapp.core.locks import single_run
from webapp.core.timezones import utcnow
from webapp.extensions import db


@shared_task(ignore_result=True)
def send_overdue_instalments_digest(today: str | None = None) -> int:
    """Mail finance staff the instalments past due. `today` (ISO date) is for tests and
    catching up; beat passes nothing. Safe twice: one message per person and week."""
    with single_run("contributions-overdue-digest", seconds=1800) as mine:
        if not mine:
            return 0
        day = date.fromisoformat(today) if today else utcnow().date()
        written = digest.send_overdue_digest(day)
        db.session.commit()
        return written
