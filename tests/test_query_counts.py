"""Each main page issues the same, pinned number of SQL statements at 50 and at 500
contacts (6 and 30 meeting series, 150 and 2,000 participants, 60 and 800 receipts): a
change that adds a query per row (or per state, agency, series...) fails here.
Counted with nothing kept from earlier requests (webapp.core.freshness), the whole work.

The data comes from `flask demo scale`'s fillers at two volumes; the pages are requested
signed in, as each role that uses them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.querycount import count_queries
from tests.signin import session_key_for
from webapp.accounts.models import User
from webapp.contributions.models import Receipt
from webapp.core import freshness
from webapp.core.reference import MemberState
from webapp.directory.models import PointOfContact
from webapp.extensions import db
from webapp.meetings.models import CalendarSubscription, MeetingSeries, Occurrence
from webapp.scale import Volumes, fill

SIZES = {
    "small": Volumes(
        agencies=80,
        contacts=50,
        audit_entries=100,
        outbox_messages=20,
        meeting_series=6,
        occurrences=30,
        participants=150,
        busiest_series_participants=30,
        pledges=15,
        receipts=60,
    ),
    "large": Volumes(
        agencies=400,
        contacts=500,
        audit_entries=2_000,
        outbox_messages=200,
        meeting_series=30,
        occurrences=300,
        participants=2_000,
        busiest_series_participants=300,
        pledges=100,
        receipts=800,
    ),
}

# page: (who, path, statements). Paths name `{state}`, `{area}`, `{contact}`.
PAGES = {
    "home, admin": ("admin", "/", 1),
    "home, organizer": ("organizer", "/", 1),
    "home, finance": ("finance", "/", 1),
    "home, participant": ("participant", "/", 1),
    "home, focal point": ("focal1.mx", "/", 10),  # kept: 2
    "directory": ("admin", "/directory/", 7),  # kept: 2
    "directory, filtered": ("admin", "/directory/?state={state}&area={area}", 7),
    "directory, text": ("admin", "/directory/?q=ar", 7),
    "directory, last page": ("admin", "/directory/?page=1000", 7),
    "directory, focal point": ("focal1.mx", "/directory/?kind=customs", 7),
    "coverage, admin": ("admin", "/directory/coverage", 10),
    "coverage, focal point": ("focal1.mx", "/directory/coverage", 10),
    "a contact": ("admin", "/directory/contacts/{contact}", 6),  # kept: 2
    "agencies": ("admin", "/directory/agencies?state={state}", 5),
    "agencies, focal point": ("focal1.mx", "/directory/agencies", 5),
    "refresh requests": ("focal1.mx", "/directory/refresh-requests", 3),  # kept: 2
    "meetings, organizer": ("organizer", "/meetings/", 4),  # kept: 2
    "meetings, participant": ("participant", "/meetings/", 3),
    "a meeting series": ("organizer", "/meetings/{series}", 8),  # kept: 2
    "a meeting": ("organizer", "/meetings/occurrences/{occurrence}", 6),  # kept: 2
    "participants": ("organizer", "/meetings/{series}/participants", 12),  # kept: 2
    "add from the directory": ("organizer", "/meetings/{series}/participants/add", 13),  # kept: 2
    "calendar feed": (None, "/meetings/feed/{feed}.ics", 14),
    "contributions report": ("finance", "/contributions/", 15),
    "a donor": ("finance", "/contributions/donors/{donor}", 15),
}


def statements(app: Flask, client: FlaskClient, volumes: Volumes, who: str, path: str) -> int:
    list(fill(11, date(2026, 6, 1), volumes))
    db.session.commit()
    # The busiest state, and one of its entries with its first area: no filter is empty.
    state, contact = db.session.execute(
        sa.select(MemberState.code, sa.func.min(PointOfContact.id))
        .join(PointOfContact.member_state)
        .group_by(MemberState.code)
        .order_by(sa.func.count().desc(), MemberState.code)
        .limit(1)
    ).one()
    area = db.session.get(PointOfContact, contact).areas[0].code
    # The busiest series (its first meeting), the participant's feed, the busiest donor.
    series = db.session.scalar(sa.select(sa.func.min(MeetingSeries.id)))
    occurrence = db.session.scalar(
        sa.select(sa.func.min(Occurrence.id)).where(Occurrence.series_id == series)
    )
    feed = db.session.scalar(sa.select(CalendarSubscription.token))
    donor = db.session.scalar(
        sa.select(Receipt.donor_id)
        .group_by(Receipt.donor_id)
        .order_by(sa.func.count().desc(), Receipt.donor_id)
        .limit(1)
    )
    if who is not None:
        user = db.session.scalar(sa.select(User).where(User.email == f"{who}@scale.example.org"))
        with client.session_transaction() as session:
            session["_user_id"] = session_key_for(user)
            session["_fresh"] = True
    url = path.format(
        state=state,
        area=area,
        contact=contact,
        series=series,
        occurrence=occurrence,
        feed=feed,
        donor=donor,
    )
    assert client.get(url).status_code == 200  # templates compiled
    # Results kept between requests are dropped, so that the whole work is counted.
    for name in freshness.watched_names():
        freshness.touch(db.session, name)
    db.session.commit()
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("size", SIZES)
def test_a_main_page_issues_a_fixed_number_of_queries(app, client, page, size):
    who, path, expected = PAGES[page]
    assert statements(app, client, SIZES[size], who, path) == expected
