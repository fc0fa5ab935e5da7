"""A series page's table of meetings is kept between requests and follows any change it
shows, made in any process; who manages sees the links, others never get them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import make_series
from tests.querycount import count_queries
from webapp.core import freshness
from webapp.extensions import db
from webapp.meetings.models import CANCELLED, Occurrence


@pytest.fixture()
def series_url(user):
    freshness.touch(db.session, "meetings")  # the row the migration makes
    db.session.commit()
    meeting = make_series(user("organizer"), rule="FREQ=YEARLY;COUNT=2", is_public=True)
    return f"/meetings/{meeting.id}"


def test_the_table_is_reused_while_nothing_changes(client, login, user, series_url):
    login(user("organizer"))
    with count_queries() as first:
        client.get(series_url)
    with count_queries() as again:
        assert "2 meetings" in client.get(series_url).get_data(as_text=True)
    assert again.count < first.count


def test_a_meeting_cancelled_by_another_process_shows_at_once(
    another_app, client, login, user, series_url
):
    login(user("organizer"))
    assert ">cancelled<" not in client.get(series_url).get_data(as_text=True)
    with another_app().app_context():
        first = db.session.scalar(sa.select(Occurrence).order_by(Occurrence.id))
        first.status = CANCELLED
        first.starts_at += timedelta(hours=1)
        db.session.commit()
    assert ">cancelled<" in client.get(series_url).get_data(as_text=True)


def test_those_who_do_not_manage_never_get_the_kept_links(
    client, login, user, member_state, series_url
):
    edit = (
        f'href="/meetings/occurrences/{db.session.scalar(sa.select(sa.func.min(Occurrence.id)))}"'
    )
    login(user("organizer"))
    assert edit in client.get(series_url).get_data(as_text=True)
    login(user("focal_point", states=[member_state("BR")]))  # sees it: a public series
    page = client.get(series_url)
    assert page.status_code == 200 and edit not in page.get_data(as_text=True)
