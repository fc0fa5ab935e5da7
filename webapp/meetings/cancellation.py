"""Cancelling a whole series in one action: every occurrence still to come is cancelled
(the past ones, held or not, stay as they were), and each invited participant gets one
CANCEL for the series' UID with a higher SEQUENCE; someone invited to one of the
cancelled occurrences only gets a CANCEL for that occurrence."""

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
        if person.series_id:
            # The whole series: its master, without RECURRENCE-ID, at the raised SEQUENCE.
            event = replace(calendar.series_events(series, me)[0], exdates=())
        else:
            event = calendar.occurrence_event(person.occurrence, me)
        message_id = mailer.compose(
            invitations.CANCEL,
            mailer.Recipient(person.email, person.name, person.language, person.timezone),
            subject=lambda: _("Cancelled: %(title)s", title=series.title),
            template="meetings/mail/series_cancelled",
            key=f"meeting-series-cancel:{person.id}:{event.uid}:{event.sequence}",
            context={"series": series, "participant": person},
            reply_to=series.organizer.email if series.organizer else None,
            calendar=("CANCEL", calendar.cancel([event], dtstamp=now)),
        )
        if message_id is not None:
            person.last_message_id = message_id
            written += 1
    return written
