"""A change of a series' rule from a date on, as attendees' calendars see it.

The rule in force becomes a part of the series (`series.change_rule`): its calendar event
keeps its UID and is *ended* by a METHOD:REQUEST with a higher SEQUENCE and its RRULE
bounded by UNTIL at its last occurrence before the change, so the meetings it gave before
then stay in every calendar. The new rule is a new event with a UID of its own, sent as
an invitation by `invitations.send_series_update`. This is how the clients themselves
split a series ("this and following events" in Outlook, Google and Thunderbird), and it
is the only way RFC 5545 allows: one VEVENT has one RRULE, and a REQUEST with a new RRULE
under the old UID would replace the whole event, earlier meetings included. When the
part kept no meeting (the change starts before its first), its event gets a CANCEL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.core import mailer
from webapp.extensions import db
from webapp.meetings import calendar, invitations
from webapp.meetings.models import MeetingSeries, Participant, SeriesPart


def send_part_endings(series: MeetingSeries, part: SeriesPart, *, now: datetime) -> int:
    """One message per participant invited to the series (none to the organizers): the
    ended part as a REQUEST, or a CANCEL when it kept nothing. Returns how many."""
    people = db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.series_id == series.id,
            Participant.removed_at.is_(None),
            Participant.invited_sequence.is_not(None),
        )
        .order_by(Participant.id)
    ).all()
    organizers = {person.email.lower() for person in series.organizers}
    starts = series.first_start.replace(tzinfo=ZoneInfo(series.zone)).astimezone(UTC)
    written = 0
    for person in people:
        if person.email.lower() in organizers:
            continue
        events = calendar.part_events(part, series, (calendar.attendee(person),))
        if part.until is None:
            content = ("CANCEL", calendar.cancel(events[:1], dtstamp=now))
        else:
            content = ("REQUEST", calendar.request(events, dtstamp=now))

        def context(person: Participant = person) -> dict[str, object]:
            return {
                "series": series,
                "participant": person,
                "kept": part.until is not None,
                "from_when": invitations.when(starts, person.timezone),
            }

        message_id = mailer.compose(
            invitations.UPDATE,
            mailer.Recipient(person.email, person.name, person.language, person.timezone),
            subject=lambda: _("Updated: %(title)s", title=series.title),
            template="meetings/mail/rule_changed",
            key=f"meeting-rule-change:{person.id}:{part.uid}:{part.sequence}",
            context=context,
            reply_to=series.organizer.email if series.organizer else None,
            calendar=content,
        )
        if message_id is not None:
            person.last_message_id = message_id
            written += 1
    return written
