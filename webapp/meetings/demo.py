"""Demo meetings for `flask demo load`: a yearly hemispheric series with participants from
the directory, a one-off bilateral meeting, and another organization's activity."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.reference import MemberState, Organization
from webapp.directory.models import Area, PointOfContact
from webapp.extensions import db
from webapp.meetings import activities, participants, series
from webapp.meetings.models import SCHEDULED, MeetingSeries

ANNUAL = "Annual meeting of customs and law-enforcement authorities"
BILATERAL = "Mexico-Guatemala border crossings"


def load(organizer_email: str, today: date) -> None:
    """Create the demo meetings unless they exist. The caller commits."""
    organizer = db.session.scalar(sa.select(User).where(User.email == organizer_email))
    if organizer is None or db.session.scalar(
        sa.select(MeetingSeries.id).where(MeetingSeries.title == ANNUAL)
    ):
        return
    states = {s.code: s for s in db.session.scalars(sa.select(MemberState))}
    areas = list(db.session.scalars(sa.select(Area).order_by(Area.position).limit(2)))
    may = datetime(today.year + 1, 5, 12, 9, 0)
    annual = series.create_series(
        series.SeriesInput(
            title=ANNUAL,
            description="Cooperation at borders and ports of entry.",
            scope="hemispheric",
            first_start=may,
            first_end=may + timedelta(hours=8),
            zone="America/Panama",
            rule="FREQ=YEARLY;COUNT=3",
            topics=areas,
            venue=series.Venue("OAS Building, Panama City", states.get("PA"), "", ["en", "es"]),
        ),
        organizer=organizer,
    )
    for occurrence in annual.occurrences:
        occurrence.status = SCHEDULED
    contacts = list(db.session.scalars(sa.select(PointOfContact).limit(6)))
    participants.add_contacts(annual, contacts, role="delegate", by=organizer)
    pair = [states[c] for c in ("MX", "GT") if c in states]
    start = datetime.combine(today + timedelta(days=45), datetime.min.time()).replace(hour=10)
    series.create_series(
        series.SeriesInput(
            title=BILATERAL,
            scope="bilateral",
            first_start=start,
            first_end=start + timedelta(hours=3),
            zone="America/Mexico_City",
            member_states=pair,
            venue=series.Venue("", None, "https://meet.example.org/mx-gt", ["es"]),
        ),
        organizer=organizer,
    )
    unodc = db.session.scalar(sa.select(Organization).order_by(Organization.id).limit(1))
    if unodc is not None:
        activities.add_activity(
            activities.ActivityInput(
                organization=unodc,
                title="Regional workshop on container control",
                starts_on=may.date() - timedelta(days=2),
                ends_on=may.date() - timedelta(days=1),
                place="Panama City",
                topics=areas[:1],
            ),
            by=organizer,
        )
