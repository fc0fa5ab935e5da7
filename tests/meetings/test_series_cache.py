"""A series page (what the series is, its funding, its table of meetings) is kept between
requests and follows any change it shows, made in any process, and only those: an
account's sign-in or a participant's answer leaves it in place. Who manages sees the
links, others never get them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, make_series
from tests.querycount import count_queries
from webapp.accounts.models import User
from webapp.contributions import budgets
from webapp.contributions.models import MEETING_SERIES
from webapp.core import freshness
from webapp.core.reference import MemberState
from webapp.core.timezones import utcnow
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.meetings.models import ACCEPTED, CANCELLED, MeetingSeries, Occurrence, Participant
from webapp.meetings.series_cache import SCHEDULE, SERIES_PAGE


@pytest.fixture()
def series_url(user, member_state, area):
    for name in (SCHEDULE, SERIES_PAGE):
        freshness.touch(db.session, name)  # the rows the migration makes
    db.session.commit()
    meeting = make_series(
        user("organizer"),
        rule="FREQ=YEARLY;COUNT=2",
        is_public=True,
        member_states=[member_state("JM")],
        topics=[area("customs")],
    )
    return f"/meetings/{meeting.id}"


def test_the_table_is_reused_while_nothing_changes(client, login, user, series_url):
    login(user("organizer"))
    with count_queries() as first:
        client.get(series_url)
    with count_queries() as again:
        assert "2 meetings" in client.get(series_url).get_data(as_text=True)
    assert again.count < first.count


def test_a_meeting_cancelled_by_another_process_shows_at_once(
    changed_by_another_process, client, login, user, series_url
):
    login(user("organizer"))
    assert ">cancelled<" not in client.get(series_url).get_data(as_text=True)
    with changed_by_another_process():
        first = db.session.scalar(sa.select(Occurrence).order_by(Occurrence.id))
        first.status = CANCELLED
        first.starts_at += timedelta(hours=1)
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


def test_a_sign_in_or_an_answer_in_another_process_leaves_the_kept_page(
    changed_by_another_process, client, login, user, series_url
):
    organizer = user("organizer", email="olga@secretariat.example")
    meeting = db.session.scalar(sa.select(MeetingSeries))
    guest(meeting, organizer, "ana@customs.example")
    db.session.commit()
    login(organizer)
    client.get(series_url)
    with count_queries() as kept:
        client.get(series_url)
    with changed_by_another_process():
        someone = db.session.scalar(sa.select(User).where(User.email == organizer.email))
        someone.last_login_at = utcnow()  # what signing in writes
        person = db.session.scalar(sa.select(Participant))
        person.answer = ACCEPTED
    with count_queries() as after:
        client.get(series_url)
    assert after.count == kept.count


def test_what_the_series_is_follows_each_change_made_by_another_process(
    changed_by_another_process, client, login, user, series_url
):
    login(user("organizer"))
    assert "Jamaica" in client.get(series_url).get_data(as_text=True)
    changes = [
        (MeetingSeries, MeetingSeries.id > 0, "description", "Second round of the dialogue."),
        (MemberState, MemberState.code == "JM", "name_en", "Jamaica (renamed)"),
        (Area, Area.code == "customs", "name_en", "Customs (renamed)"),
    ]
    for model, which, column, value in changes:
        client.get(series_url)  # kept
        with changed_by_another_process():
            setattr(db.session.scalar(sa.select(model).where(which)), column, value)
        assert value in client.get(series_url).get_data(as_text=True)


def test_a_series_deleted_by_another_process_is_no_longer_found(
    changed_by_another_process, client, login, user, series_url
):
    login(user("organizer"))
    assert client.get(series_url).status_code == 200  # kept
    with changed_by_another_process():
        db.session.delete(db.session.scalar(sa.select(MeetingSeries)))
    assert client.get(series_url).status_code == 404


def test_a_budget_set_by_another_process_shows_at_once(
    changed_by_another_process, client, login, user, series_url
):
    organizer = user("organizer")
    login(organizer)
    assert "No budget set" in client.get(series_url).get_data(as_text=True)
    with changed_by_another_process():
        budgets.set_budget(
            earmark_kind=MEETING_SERIES,
            earmark_label="",
            earmark_series=db.session.scalar(sa.select(MeetingSeries.id)),
            amount="1000",
            by=db.session.merge(organizer),
        )
    page = client.get(series_url).get_data(as_text=True)
    assert "No budget set" not in page and "1,000.00" in page
