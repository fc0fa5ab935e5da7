"""A focal point's home page shows their states' standing and what waits for them."""

from __future__ import annotations

from datetime import timedelta

from tests.querycount import count_queries
from webapp.core.timezones import utcnow
from webapp.directory import refresh
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
