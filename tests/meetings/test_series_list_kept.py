"""The meetings list, as those who manage see it, is kept between requests; it follows any
change made in any process, and the clock: once the next meeting it shows has started,
the list shows the one after."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import make_series
from tests.querycount import count_queries
from webapp.core import freshness
from webapp.core.timezones import utcnow
from webapp.extensions import db
from webapp.meetings.models import Occurrence
from webapp.meetings.series_cache import SCHEDULE, series_list


@pytest.fixture()
def organizer(user):
    freshness.touch(db.session, SCHEDULE)  # the row the migration makes
    db.session.commit()
    return user("organizer")


def test_the_list_is_reused_while_nothing_changes(client, login, organizer):
    make_series(organizer, title="Port security dialogue")
    login(organizer)
    with count_queries() as first:
        client.get("/meetings/")
    with count_queries() as again:
        assert "Port security dialogue" in client.get("/meetings/").get_data(as_text=True)
    assert again.count < first.count


def test_a_series_made_or_renamed_by_another_process_shows_at_once(
    changed_by_another_process, client, login, organizer
):
    made = make_series(organizer, title="Port security dialogue")
    login(organizer)
    client.get("/meetings/")
    with changed_by_another_process():
        db.session.scalar(sa.select(Occurrence)).series.title = "Border dialogue"
    page = client.get("/meetings/").get_data(as_text=True)
    assert "Border dialogue" in page and "Port security dialogue" not in page
    with changed_by_another_process():
        make_series(db.session.merge(organizer), title="Firearms working group")
    page = client.get("/meetings/").get_data(as_text=True)
    assert "Firearms working group" in page and f"/meetings/{made.id}" in page


def test_once_the_next_meeting_has_started_the_list_shows_the_one_after(app, organizer):
    first = datetime(2027, 5, 4, 10, 0)
    make_series(organizer, title="Port security dialogue", first_start=first,
                first_end=first + timedelta(hours=7), rule="FREQ=YEARLY;COUNT=2")  # fmt: skip
    starts = sorted(db.session.scalars(sa.select(Occurrence.starts_at)))
    with app.test_request_context("/meetings/"):
        before = str(series_list(organizer, utcnow(), 1, manages=True))
        after = str(series_list(organizer, starts[0] + timedelta(minutes=1), 1, manages=True))
        again = str(series_list(organizer, starts[0] + timedelta(minutes=2), 1, manages=True))
    assert "May 4, 2027" in before and "2028" not in before
    assert "May 4, 2028" in after and "May 4, 2027" not in after
    assert again == after
