"""Builders for the meetings tests: a series with its occurrences, participants, and the
links in the mail they receive."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from webapp.extensions import db
from webapp.meetings import invitations, participants, series
from webapp.meetings.models import SCHEDULED, MeetingSeries, Participant

# Frozen clock for the services, which are given `now`; meetings are after the real
# clock too, for the pages, which read it.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LINK = re.compile(r"http://localhost(/\S+)")


def make_series(organizer: object, **fields: object) -> MeetingSeries:
    """A saved series (a one-off unless `rule` is given), every occurrence scheduled."""
    schedule = fields.pop("schedule", True)
    data = series.SeriesInput(
        title=fields.pop("title", "Border cooperation meeting"),
        first_start=fields.pop("first_start", datetime(2027, 5, 4, 10, 0)),
        first_end=fields.pop("first_end", datetime(2027, 5, 4, 17, 0)),
        zone=fields.pop("zone", "America/Bogota"),
        rule=fields.pop("rule", ""),
        venue=fields.pop("venue", series.Venue(address="OAS Building, Washington")),
        **fields,
    )
    made = series.create_series(data, organizer=organizer)
    if schedule:
        for occurrence in made.occurrences:
            occurrence.status = SCHEDULED
    db.session.commit()
    return made


def guest(target: object, organizer: object, email: str, **fields: object) -> Participant:
    person = participants.add_guest(
        target,
        participants.GuestInput(
            email=email,
            name=fields.pop("name", "Ana Pérez"),
            role=fields.pop("role", "delegate"),
            **fields,
        ),
        by=organizer,
    )
    db.session.commit()
    return person


def invite(target: object, now: datetime = NOW) -> None:
    """Send the invitation to whoever of `target` has not had it yet: reminders go only to
    those invited."""
    invitations.send_invitations(target, now=now)
    db.session.commit()


def links_in(text: str) -> list[str]:
    return LINK.findall(text)
