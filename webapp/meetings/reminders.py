"""Reminder emails at each occurrence's offsets (the series' default, or the
occurrence's own), to the participants invited who have not declined (nor sent a colleague
instead), in their language and zone. Someone added but not yet sent the invitation hears
nothing: the organizer has not decided to invite them.

Never twice: each reminder is recorded under a key of participant, occurrence, offset and
start, in the same transaction as its outbox row, so a second run finds it; moving the
meeting changes the start and so the key. Late ones go out while the meeting has not
started; none after. Only the latest due offset is sent: two at once would say the same.

Set-based: one query finds the occurrences with an offset passed; then, per batch of
occurrences, one query loads them (with what the mail needs), one the reminders already
written and one the participants; the messages are written `WRITE_BATCH` at a time, one
INSERT for the outbox rows and one for their records. The number of queries grows with
the batches, never with the reminders one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload, selectinload

from webapp.core import mailer
from webapp.core.outbox import Email
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
# Occurrences loaded together, and messages written together.
OCCURRENCE_BATCH = 200
WRITE_BATCH = 500


@dataclass(frozen=True)
class _Due:
    occurrence_id: int
    series_id: int
    offset: int


def _key(participant: Participant, occurrence: Occurrence, offset: int) -> str:
    return f"{participant.id}:{occurrence.id}:{offset}:{occurrence.starts_at:%Y%m%dT%H%MZ}"


def due(now: datetime) -> list[_Due]:
    """Each scheduled occurrence not yet started with an offset passed at `now`, and the
    latest such offset. One query, of ids and offsets only."""
    rows = db.session.execute(
        sa.select(
            Occurrence.id,
            Occurrence.series_id,
            Occurrence.starts_at,
            Occurrence.reminder_offsets,
            MeetingSeries.reminder_offsets,
        )
        .join(MeetingSeries, MeetingSeries.id == Occurrence.series_id)
        .where(
            Occurrence.status == SCHEDULED,
            Occurrence.starts_at > now,
            Occurrence.starts_at <= now + LONGEST_OFFSET,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    found = []
    for occurrence_id, series_id, starts_at, own, of_series in rows:
        offsets = offsets_list(own if own is not None else of_series)
        passed = [o for o in offsets if starts_at - timedelta(minutes=o) <= now]
        if passed:
            found.append(_Due(occurrence_id, series_id, min(passed)))
    return found


def send_due_reminders(
    now: datetime, *, occurrence_batch: int = OCCURRENCE_BATCH, write_batch: int = WRITE_BATCH
) -> int:
    """Write every reminder due at `now` that was not written before. Returns how many."""
    found = due(now)
    written, pending = 0, []
    for start in range(0, len(found), occurrence_batch):
        for email, occurrence_id in _batch(found[start : start + occurrence_batch]):
            pending.append((email, occurrence_id))
            if len(pending) >= write_batch:
                written += _write(pending)
                pending = []
    if pending:
        written += _write(pending)
    return written


def _batch(batch: list[_Due]) -> Iterable[tuple[Email, int]]:
    """The reminders not yet written for these occurrences, rendered."""
    ids = [d.occurrence_id for d in batch]
    occurrences = {
        o.id: o
        for o in db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.id.in_(ids))
            .options(
                # What the mail needs: the series' title and its organizer's address.
                selectinload(Occurrence.series).options(
                    lazyload(MeetingSeries.member_states),
                    lazyload(MeetingSeries.topics),
                    selectinload(MeetingSeries.organizers),
                )
            )
        ).unique()
    }
    done = set(
        db.session.scalars(sa.select(ReminderSent.key).where(ReminderSent.occurrence_id.in_(ids)))
    )
    people = db.session.scalars(
        sa.select(Participant)
        .where(
            sa.or_(
                Participant.occurrence_id.in_(ids),
                Participant.series_id.in_({d.series_id for d in batch}),
            ),
            Participant.removed_at.is_(None),
            # Only those invited: someone added but not yet sent the invitation (the
            # organizer has not decided to invite them) hears nothing of the meeting.
            Participant.invited_sequence.is_not(None),
            Participant.answer.not_in((DECLINED, DELEGATED)),
        )
        .order_by(Participant.id)
    ).all()
    by_series: dict[int, list[Participant]] = {}
    by_occurrence: dict[int, list[Participant]] = {}
    for person in people:
        if person.series_id:
            by_series.setdefault(person.series_id, []).append(person)
        else:
            by_occurrence.setdefault(person.occurrence_id, []).append(person)
    for item in batch:
        occurrence = occurrences[item.occurrence_id]
        invited = by_occurrence.get(item.occurrence_id, []) + by_series.get(item.series_id, [])
        for person in invited:
            key = _key(person, occurrence, item.offset)
            if key not in done:
                yield _render(person, occurrence, key), occurrence.id


def _write(pending: list[tuple[Email, int]]) -> int:
    """One INSERT for the outbox rows, one for the records of the rows written (a row
    another run wrote meanwhile is skipped by its idempotency key)."""
    written = mailer.compose_many([email for email, _ in pending])
    records = [
        {"key": email.idempotency_key.removeprefix("meeting-reminder:"), "occurrence_id": oid}
        for email, oid in pending
        if email.idempotency_key in written
    ]
    if records:
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(ReminderSent).values(records).on_conflict_do_nothing())
    return len(records)


def _render(person: Participant, occurrence: Occurrence, key: str) -> Email:
    series: MeetingSeries = occurrence.series
    return mailer.render(
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
