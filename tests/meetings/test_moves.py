"""A moved meeting says so on the organizer's pages: "moved from X to Y", in the viewer's
language and zone and in the venue's, on the series' list of meetings and on the
meeting's own page, with the history of every move."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.meetings.support import make_series
from tests.querycount import count_queries
from webapp.extensions import db
from webapp.meetings.models import OccurrenceMove
from webapp.meetings.series import wall_clock


@pytest.fixture()
def organizer(user):
    return user(
        "organizer",
        email="organizer@secretariat.example",
        name="Olga Organizer",
        timezone="Europe/Madrid",
        language="en",
    )


@pytest.fixture()
def meeting(organizer):
    """A one-off in Santiago, 4 May 2027 10:00 (UTC-4), 16:00 in Madrid (UTC+2)."""
    return make_series(
        organizer, zone="America/Santiago", first_start=datetime(2027, 5, 4, 10, 0),
        first_end=datetime(2027, 5, 4, 12, 0),
    )  # fmt: skip


def _move(client, occurrence, starts: str, ends: str, **extra: str):
    data = {
        "title": "",
        "status": occurrence.status,
        "starts": starts,
        "ends": ends,
        "zone": occurrence.zone,
        "venue_address": occurrence.venue_address,
        "host_state": "0",
        "online_url": "",
        "reminders": "",
        "overlap_reason": "",
        **extra,
    }
    return client.post(f"/meetings/occurrences/{occurrence.id}", data=data)


def test_moving_a_meeting_keeps_where_it_was_and_who_moved_it(client, login, organizer, meeting):
    occurrence = meeting.occurrences[0]
    login(organizer)
    response = _move(client, occurrence, "2027-05-06T15:00", "2027-05-06T17:00")
    assert response.status_code == 302
    (move,) = db.session.scalars(sa.select(OccurrenceMove)).all()
    assert move.occurrence_id == occurrence.id
    assert (move.from_starts_at, move.from_ends_at) == (
        datetime(2027, 5, 4, 14, 0, tzinfo=UTC),
        datetime(2027, 5, 4, 16, 0, tzinfo=UTC),
    )
    assert (move.to_starts_at, move.to_ends_at) == (
        datetime(2027, 5, 6, 19, 0, tzinfo=UTC),
        datetime(2027, 5, 6, 21, 0, tzinfo=UTC),
    )
    assert move.from_zone == move.to_zone == "America/Santiago"
    assert move.moved_by_id == organizer.id and move.moved_at is not None


def test_a_change_that_is_not_a_move_records_none(client, login, organizer, meeting):
    occurrence = meeting.occurrences[0]
    login(organizer)
    _move(client, occurrence, "2027-05-04T10:00", "2027-05-04T12:00", title="Renamed")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OccurrenceMove)) == 0
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Moved from" not in page


def test_the_list_of_meetings_says_moved_from_and_to_in_the_viewers_zone_and_the_venues(
    client, login, organizer, meeting
):
    login(organizer)
    _move(client, meeting.occurrences[0], "2027-05-06T15:00", "2027-05-06T17:00")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert (
        "Moved from May 4, 2027, 4:00\u202fPM (Europe/Madrid) "
        "to May 6, 2027, 9:00\u202fPM (Europe/Madrid)."
    ) in page
    assert (
        "At the venue: from May 4, 2027, 10:00\u202fAM (America/Santiago) "
        "to May 6, 2027, 3:00\u202fPM (America/Santiago)."
    ) in page


def test_the_meetings_page_lists_every_earlier_time_in_the_viewers_language(
    client, login, user, meeting
):
    reader = user("organizer", timezone="America/Santiago", language="es")
    login(reader)
    occurrence = meeting.occurrences[0]
    _move(client, occurrence, "2027-05-06T15:00", "2027-05-06T17:00")
    _move(client, occurrence, "2027-05-07T09:00", "2027-05-07T11:00")
    page = client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    first = "Trasladada del 4 may 2027, 10:00 (America/Santiago) al 6 may 2027, 15:00"
    second = "Trasladada del 6 may 2027, 15:00 (America/Santiago) al 7 may 2027, 9:00"
    assert first in page and second in page
    assert page.index(second) < page.index(first)  # the latest first
    # The viewer reads the venue's zone: no second line for the same times.
    assert "En la sede: del" not in page
    listing = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert second in listing and first not in listing  # the list shows the last move


def test_the_list_of_meetings_reads_the_moves_in_a_fixed_number_of_queries(
    client, login, organizer
):
    login(organizer)
    counts = []
    for size in (2, 8):
        made = make_series(
            organizer, zone="America/Santiago", first_start=datetime(2027, 1, 5, 10, 0),
            first_end=datetime(2027, 1, 5, 12, 0), rule=f"FREQ=MONTHLY;COUNT={size}",
        )  # fmt: skip
        for occurrence in made.occurrences:
            start, _ = wall_clock(occurrence)
            later = start.replace(hour=11)
            _move(client, occurrence, f"{later:%Y-%m-%dT%H:%M}", f"{later:%Y-%m-%d}T13:00")
        db.session.expire_all()
        with count_queries() as counted:
            page = client.get(f"/meetings/{made.id}").get_data(as_text=True)
        assert page.count("Moved from") == size
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
