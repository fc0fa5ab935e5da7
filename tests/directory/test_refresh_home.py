"""A focal point's home page shows their states' standing and what waits for them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.core import freshness
from webapp.core.timezones import utcnow
from webapp.directory import refresh
from webapp.directory.models import RefreshRequest
from webapp.extensions import db


def test_a_focal_point_sees_their_states_and_their_open_requests(
    contact, app, client, login, user, member_state
):
    brazil, mexico = member_state("BR"), member_state("MX")
    contact(brazil, verified=utcnow().date() - timedelta(days=400))
    focal = user("focal_point", states=[brazil])
    refresh.send_due_requests(utcnow())
    db.session.commit()
    login(focal)
    page = client.get("/").get_data(as_text=True)
    assert "Your member states in the Directory" in page
    assert "Brazil" in page and "Mexico" not in page
    assert "1 refresh request is waiting for your answer." in page
    assert mexico.id


def test_secretariat_staff_do_not_get_the_focal_point_panel(app, client, login, user):
    login(user("admin", "organizer"))
    assert "Your member states in the Directory" not in client.get("/").get_data(as_text=True)


def test_the_panel_costs_the_same_queries_for_one_entry_or_many(
    contact, app, client, login, user, member_state
):
    brazil = member_state("BR")
    login(user("focal_point", states=[brazil]))
    contact(brazil)
    with count_queries() as few:
        client.get("/")
    for _ in range(30):
        contact(brazil)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count


def test_the_waiting_requests_are_counted_once_while_nothing_changes(
    contact, client, login, user, member_state
):
    freshness.touch(db.session, "directory")  # the row the migration makes
    brazil = member_state("BR")
    contact(brazil, verified=utcnow().date() - timedelta(days=400))
    focal = user("focal_point", states=[brazil])
    refresh.send_due_requests(utcnow())
    db.session.commit()
    login(focal)
    client.get("/")
    with count_queries() as again:
        page = client.get("/").get_data(as_text=True)
    assert "1 refresh request is waiting for your answer." in page
    assert again.count == 2  # who is signed in, and the directory's token


def test_an_answer_given_in_another_process_clears_the_waiting_request_at_once(
    changed_by_another_process, contact, client, login, user, member_state
):
    freshness.touch(db.session, "directory")
    brazil = member_state("BR")
    contact(brazil, verified=utcnow().date() - timedelta(days=400))
    focal = user("focal_point", states=[brazil])
    refresh.send_due_requests(utcnow())
    db.session.commit()
    login(focal)
    assert "1 refresh request is waiting" in client.get("/").get_data(as_text=True)
    with changed_by_another_process():
        waiting = db.session.scalar(sa.select(RefreshRequest))
        refresh.answer_request(waiting, refresh.ANSWERS[0], utcnow())
    assert "waiting for your answer" not in client.get("/").get_data(as_text=True)


def test_a_new_request_shows_at_once(contact, client, login, user, member_state):
    freshness.touch(db.session, "directory")
    brazil = member_state("BR")
    contact(brazil, verified=utcnow().date() - timedelta(days=400))
    focal = user("focal_point", states=[brazil])
    db.session.commit()
    login(focal)
    assert "waiting for your answer" not in client.get("/").get_data(as_text=True)
    refresh.send_due_requests(utcnow())
    db.session.commit()
    assert "1 refresh request is waiting" in client.get("/").get_data(as_text=True)
