"""Meeting reminders."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from webapp.core.errors import RuleError
from webapp.core.locks import single_run
from webapp.core.timezones import to_utc, utcnow
from webapp.extensions import db
from webapp.meetings import invitations, reminders
from webapp.meetings.models import MeetingSeries

# Rows written per commit: each batch is delivered (and its progress shown) while the next
# is written.
INVITATION_BATCH = 100


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


@shared_task(ignore_result=True)
def send_invitations(series_id: int, now: str) -> int:
    """Write a series' invitations, batch after batch. Safe to run twice: a participant
    holding the current invitation is skipped."""
    found = db.session.get(MeetingSeries, series_id)
    moment, total = to_utc(datetime.fromisoformat(now)), 0
    while found is not None:
        try:
            written = invitations.send_invitations(found, now=moment, limit=INVITATION_BATCH)
        except RuleError:  # unscheduled since the click: nothing to send
            db.session.rollback()
            break
        db.session.commit()
        total += written
        if written < INVITATION_BATCH:
            break
    return total
