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
    if found is None:
        return 0
    moment, total = to_utc(datetime.fromisoformat(now)), 0
    # The list is read once and written a slice at a time (each slice loaded by id), not
    # read again in full for each batch; a last pass finds anyone added meanwhile.
    ids = [person.id for person in invitations.invitees(found)]
    slices = [
        ids[start : start + INVITATION_BATCH] for start in range(0, len(ids), INVITATION_BATCH)
    ]
    for among in [*slices, None]:
        try:
            total += invitations.send_invitations(found, now=moment, among=among)
        except RuleError:  # unscheduled since the click: nothing to send
            db.session.rollback()
            break
        db.session.commit()
    return total
