"""Reminder emails at each occurrence's offsets (the series' default, or the
occurrence's own), to participants who have not declined, in their language and zone.

Never twice: each reminder is recorded under a key of participant, occurrence, offset and
start, in the same transaction as its outbox row, so a second run finds it; moving the
meeting changes the start and so the key. Late ones go out while the meeting has not
started; none after. Only the latest due offset is sent: two at once would say the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.core import mailer
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.models import (
    DECLINED,
    DELEGATED,
    SCHEDULED,
    MeetingSeries,
    Occurrence,
    Participant,
    ReminderSent,
    offsets_list,
)

# No offset reaches further back than this (see series._check_offsets).
LONGEST_OFFSET = timedelta(days=366)


def _key(participant: Participant, occurrence: Occurrence, offset: int) -> str:
    return f"{participant.id}:{occurrence.id}:{offset}:{occurrence.starts_at:%Y%m%dT%H%MZ}"


def due_occurrences(now: datetime) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(
                Occurrence.status == SCHEDULED,
                Occurrence.starts_at > now,
                Occurrence.starts_at <= now + LONGEST_OFFSET,
            )
            .order_by(Occurrence.starts_at)
        )
    )


def send_due_reminders(now: datetime) -> int:
    """Write every reminder due at `now` that was not written before. Returns how many."""
    due: dict[int, tuple[Occurrence, int]] = {}
    for occurrence in due_occurrences(now):
        passed = [
            o for o in occurrence.offsets if occurrence.starts_at - timedelta(minutes=o) <= now
        ]
        if passed:
            due[occurrence.id] = (occurrence, min(passed))
    if not due:
        return 0
    done = set(
        db.session.scalars(
            sa.select(ReminderSent.key).where(ReminderSent.occurrence_id.in_(list(due)))
        )
    )
    series_ids = {occurrence.series_id for occurrence, _ in due.values()}
    people = db.session.scalars(
        sa.select(Participant).where(
            sa.or_(
                Participant.occurrence_id.in_(list(due)),
                Participant.series_id.in_(series_ids),
            ),
            Participant.removed_at.is_(None),
            Participant.answer.not_in((DECLINED, DELEGATED)),
        )
    ).all()
    by_series: dict[int, list[Participant]] = {}
    by_occurrence: dict[int, list[Participant]] = {}
    for person in people:
        if person.series_id:
            by_series.setdefault(person.series_id, []).append(person)
        else:
            by_occurrence.setdefault(person.occurrence_id, []).append(person)
    # The reminders' records go in together at the end, not one flush per outbox row.
    with db.session.no_autoflush:
        written = _write(due, done, by_occurrence, by_series)
    db.session.flush()
    return written


def _write(
    due: dict[int, tuple[Occurrence, int]],
    done: set[str],
    by_occurrence: dict[int, list[Participant]],
    by_series: dict[int, list[Participant]],
) -> int:
    written = 0
    for occurrence, offset in due.values():
        for person in by_occurrence.get(occurrence.id, []) + by_series.get(
            occurrence.series_id, []
        ):
            key = _key(person, occurrence, offset)
            if key in done:
                continue
            _remind(person, occurrence, key)
            written += 1
    return written


def _remind(person: Participant, occurrence: Occurrence, key: str) -> None:
    db.session.add(ReminderSent(key=key, occurrence_id=occurrence.id))
    series: MeetingSeries = occurrence.series
    mailer.compose(
        invitations.REMINDER,
        mailer.Recipient(person.email, person.name, person.language, person.timezone),
        subject=lambda: _("Reminder: %(title)s", title=occurrence.title),
        template="meetings/mail/reminder",
        key=f"meeting-reminder:{key}",
        context=lambda: {
            "participant": person,
            "occurrence": occurrence,
            "here": invitations.when(occurrence.starts_at, person.timezone),
            "venue": invitations.when(occurrence.starts_at, occurrence.zone),
            "answer_url": invitations.answer_url(person),
        },
        reply_to=series.organizer.email if series.organizer else None,
    )


__all__ = ["offsets_list", "send_due_reminders"]
