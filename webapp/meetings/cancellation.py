"""Cancelling a whole series in one action: every occurrence still to come is cancelled
(the past ones, held or not, stay as they were), and each participant invited to the
series gets one message for the series' UID with a higher SEQUENCE; someone invited to
one of the cancelled occurrences only gets a CANCEL for that occurrence.

What the series' invitees get, and why:
- When some of its occurrences are kept (held, past or under way), the series *ends*:
  a METHOD:REQUEST with the same UID, a higher SEQUENCE, the RRULE bounded by UNTIL at
  the last kept occurrence's original start (COUNT dropped), the earlier EXDATEs and the
  kept overrides. A METHOD:CANCEL without RECURRENCE-ID would remove the whole event,
  held meetings included, from every attendee's calendar (RFC 5546 3.2.5).
- Not one CANCEL carrying a VEVENT with RECURRENCE-ID per cancelled occurrence, which
  RFC 5546 allows: Outlook applies an override reliably only when the message holds just
  that VEVENT (CALENDAR.md), so each cancelled occurrence would need a message of its
  own: dozens per person for a long series, each a chance for one to be missed.
- Ending with UNTIL is what the clients themselves do and therefore what they all read:
  Outlook's "end the series" on a meeting with past occurrences sends an update with a
  new end date, Thunderbird's "delete this and all future occurrences" writes UNTIL,
  and sabre/dav (Nextcloud's iTIP broker) turns such an edit into a REQUEST of the full
  event for every attendee who remains.
- When nothing of the series is kept (it had not started), a plain series CANCEL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.core import mailer
from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings import calendar, invitations
from webapp.meetings.models import CANCELLED, HELD, MeetingSeries, Occurrence, Participant


def to_cancel(series: MeetingSeries, *, now: datetime) -> list[Occurrence]:
    """The occurrences a cancellation of the series would cancel: those not started."""
    return [
        o for o in series.occurrences if o.starts_at > now and o.status not in (CANCELLED, HELD)
    ]


def cancel_series(series: MeetingSeries, *, now: datetime) -> list[Occurrence]:
    """Cancel every occurrence still to come; raise the SEQUENCE of each and of the
    series. Returns the occurrences cancelled; refuses when there is none."""
    cancelled = to_cancel(series, now=now)
    if not cancelled:
        raise RuleError(_("No meeting of this series is still to come."))
    for occurrence in cancelled:
        occurrence.status = CANCELLED
        occurrence.sequence += 1
    series.sequence += 1
    return cancelled


def send_series_cancel(
    series: MeetingSeries, cancelled: list[Occurrence], *, now: datetime
) -> int:
    """One CANCEL per invited participant (none to the organizers). Returns how many."""
    ids = [o.id for o in cancelled]
    people = db.session.scalars(
        sa.select(Participant)
        .where(
            sa.or_(Participant.series_id == series.id, Participant.occurrence_id.in_(ids)),
            Participant.removed_at.is_(None),
            Participant.invited_sequence.is_not(None),
        )
        .order_by(Participant.id)
    ).all()
    organizers = {person.email.lower() for person in series.organizers}
    written = 0
    for person in people:
        if person.email.lower() in organizers:
            continue
        me = (calendar.attendee(person),)
        ended = calendar.ended_series_events(series, me) if person.series_id else None
        if ended:
            # The series ends at its last kept occurrence: the past stays in calendars.
            event, content = ended[0], ("REQUEST", calendar.request(ended, dtstamp=now))
        else:
            if person.series_id:
                # The whole series: its master, without RECURRENCE-ID, at the raised SEQUENCE.
                event = replace(calendar.series_events(series, me)[0], exdates=())
            else:
                event = calendar.occurrence_event(person.occurrence, me)
            content = ("CANCEL", calendar.cancel([event], dtstamp=now))
        message_id = mailer.compose(
            invitations.CANCEL,
            mailer.Recipient(person.email, person.name, person.language, person.timezone),
            subject=lambda: _("Cancelled: %(title)s", title=series.title),
            template="meetings/mail/series_cancelled",
            key=f"meeting-series-cancel:{person.id}:{event.uid}:{event.sequence}",
            context={"series": series, "ended": bool(ended)},
            reply_to=series.organizer.email if series.organizer else None,
            calendar=content,
        )
        if message_id is not None:
            person.last_message_id = message_id
            if ended:
                person.invited_sequence = invitations.current_sequence(person)
            written += 1
    return written
