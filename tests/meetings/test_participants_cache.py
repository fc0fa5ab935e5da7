"""The participants table is kept between requests and dropped after any change it
shows: an answer given in another web process, a meeting moved, a state renamed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, make_series
from tests.querycount import count_queries
from webapp import create_app
from webapp.core import freshness
from webapp.core.reference import MemberState
from webapp.extensions import db
from webapp.meetings.models import ACCEPTED, Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def page(organizer, login, member_state):
    freshness.touch(db.session, "meetings")  # the row the migration makes
    db.session.commit()
    meeting = make_series(organizer, rule="FREQ=YEARLY;COUNT=2")
    guest(meeting, organizer, "ana@customs.example", member_state=member_state("BR"))
    guest(meeting.occurrences[1], organizer, "luis@police.example")
    login(organizer)
    return f"/meetings/{meeting.id}/participants"


def test_the_table_is_reused_while_nothing_changes(client, page):
    with count_queries() as first:
        client.get(page)
    with count_queries() as again:
        assert "ana@customs.example" in client.get(page).get_data(as_text=True)
    assert again.count < first.count


def test_an_answer_recorded_by_another_process_shows_at_once(app, client, page):
    assert '<strong data-count="accepted">0</strong>' in client.get(page).get_data(as_text=True)
    # Another web process: its own application, engine and connections, same database.
    other = create_app({k: v for k, v in app.config.items() if k.isupper()})
    with other.app_context():
        person = db.session.scalar(
            sa.select(Participant).where(Participant.email == "ana@customs.example")
        )
        person.answer = ACCEPTED
        db.session.commit()
        db.engine.dispose()
    app.extensions["celery"].set_default()
    assert '<strong data-count="accepted">1</strong>' in client.get(page).get_data(as_text=True)


def test_a_moved_meeting_and_a_renamed_state_show_at_once(client, page, organizer):
    before = client.get(page).get_data(as_text=True)
    assert "Brazil" in before
    only = db.session.scalar(sa.select(Participant).where(Participant.occurrence_id.is_not(None)))
    only.occurrence.starts_at += timedelta(days=40)
    only.occurrence.ends_at += timedelta(days=40)
    db.session.scalar(sa.select(MemberState).where(MemberState.code == "BR")).name_en = "Brasil"
    db.session.commit()
    after = client.get(page).get_data(as_text=True)
    assert "Brasil" in after and after != before


def test_the_forms_in_the_kept_table_carry_each_sessions_own_token(app, page, organizer):
    import re

    from tests.signin import sign_in

    app.config["WTF_CSRF_ENABLED"] = True
    tokens = []
    for _browser in range(2):  # two sessions: the second is served the kept table
        browser = app.test_client()
        sign_in(browser, organizer)
        html = browser.get(page).get_data(as_text=True)
        assert "__puerto_csrf_field__" not in html
        found = set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html))
        assert len(found) == 1  # the send form's and every row's remove form: the same
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]
