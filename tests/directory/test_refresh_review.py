"""The review page behind the signed link, and a focal point's list of open requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.directory.fixtures import NOW, TODAY
from tests.querycount import count_queries
from webapp.core import tokens
from webapp.core.audit import AuditEntry
from webapp.core.timezones import in_zone, utcnow
from webapp.directory import refresh, refresh_mail
from webapp.directory.models import WITHDRAWN
from webapp.extensions import db

OLD = TODAY - timedelta(days=183)


@pytest.fixture()
def asked(contact, requests_of, member_state, user):
    """Brazil, two entries due for review, one focal point asked."""
    br = member_state("BR")
    entries = [contact(br, verified=OLD, name=n) for n in ("Ana Souza", "Bruno Lima")]
    person = user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    [request] = requests_of(br)
    return {
        "state": br,
        "entries": entries,
        "person": person,
        "request": request,
        "url": f"/directory/refresh/{refresh_mail.review_token(request)}",
    }


def audit_for(entry):
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.entity_type == "PointOfContact", AuditEntry.entity_id == entry.id
            )
        )
    )


def test_the_review_page_lists_the_state_entries_without_signing_in(client, asked):
    response = client.get(asked["url"])
    assert response.status_code == 200
    assert b"Ana Souza" in response.data
    assert b"Bruno Lima" in response.data
    assert b"Confirm all as still correct" in response.data


def test_the_review_page_does_not_list_withdrawn_entries(contact, client, asked):
    contact(asked["state"], verified=OLD, status=WITHDRAWN, name="Carla Gone")
    assert b"Carla Gone" not in client.get(asked["url"]).data


def test_opening_the_review_page_changes_nothing(client, asked):
    client.get(asked["url"])
    db.session.expire_all()
    assert asked["request"].answered_at is None
    assert {e.last_verified_on for e in asked["entries"]} == {OLD}


def test_confirming_stamps_every_entry_as_verified_today(app, client, asked):
    response = client.post(asked["url"], data={"answer": "confirmed"})
    assert response.status_code == 302
    db.session.expire_all()
    today = in_zone(utcnow(), app.config["DEFAULT_TIMEZONE"]).date()
    assert {e.last_verified_on for e in asked["entries"]} == {today}
    assert asked["request"].answer == "confirmed"
    assert asked["request"].answered_at is not None


def test_confirming_is_audited_with_the_focal_point_as_actor(client, asked):
    client.post(asked["url"], data={"answer": "confirmed"})
    [*_, last] = audit_for(asked["entries"][0])
    assert last.actor_id == asked["person"].id
    assert last.actor_label == asked["person"].email
    assert "last_verified_on" in last.changes


def test_answering_with_corrections_is_recorded_as_corrected(client, asked):
    client.post(asked["url"], data={"answer": "corrected"})
    db.session.expire_all()
    assert asked["request"].answer == "corrected"
    assert asked["request"].answered_by_id == asked["person"].id


def test_the_page_thanks_the_focal_point_after_answering(client, asked):
    response = client.post(asked["url"], data={"answer": "confirmed"}, follow_redirects=True)
    assert b"2 entries are confirmed as correct today" in response.data
    assert b"This request has been answered" in response.data


def test_an_answer_that_is_not_offered_is_refused_and_changes_nothing(client, asked):
    response = client.post(asked["url"], data={"answer": "everything"})
    assert response.status_code == 400
    assert b"Choose an answer." in response.data
    db.session.expire_all()
    assert asked["request"].answered_at is None
    assert {e.last_verified_on for e in asked["entries"]} == {OLD}


def test_a_second_answer_changes_nothing(client, asked):
    client.post(asked["url"], data={"answer": "confirmed"})
    response = client.post(asked["url"], data={"answer": "corrected"}, follow_redirects=True)
    assert b"already been answered" in response.data
    db.session.expire_all()
    assert asked["request"].answer == "confirmed"


def test_an_expired_link_shows_a_clear_page(app, client, asked):
    app.config["REFRESH_LINK_MAX_AGE_SECONDS"] = -1
    response = client.get(asked["url"])
    assert response.status_code == 410
    assert b"This link has expired" in response.data


def test_posting_to_an_expired_link_changes_nothing(app, client, asked):
    app.config["REFRESH_LINK_MAX_AGE_SECONDS"] = -1
    assert client.post(asked["url"], data={"answer": "confirmed"}).status_code == 410
    db.session.expire_all()
    assert asked["request"].answered_at is None


def test_a_tampered_link_shows_a_clear_page(client, asked):
    response = client.get(asked["url"][:-3] + "abc")
    assert response.status_code == 404
    assert b"This link is not valid" in response.data


def test_a_token_signed_for_another_purpose_is_not_accepted(client, asked):
    token = tokens.sign("invitation", {"request": asked["request"].id})
    assert client.get(f"/directory/refresh/{token}").status_code == 404


def test_a_link_to_a_request_that_does_not_exist_is_not_valid(client, asked):
    token = tokens.sign(refresh_mail.TOKEN_PURPOSE, {"request": 999_999})
    assert client.get(f"/directory/refresh/{token}").status_code == 404


def test_a_link_held_by_someone_no_longer_focal_point_is_refused(client, asked):
    asked["person"].role_names = {"participant"}
    db.session.commit()
    response = client.get(asked["url"])
    assert response.status_code == 403
    assert b"no longer valid" in response.data


def test_a_signed_in_focal_point_sees_edit_links_on_the_review_page(client, login, asked):
    login(asked["person"])
    response = client.get(asked["url"])
    edit = f"/directory/contacts/{asked['entries'][0].id}/edit"
    assert edit.encode() in response.data


def test_a_visitor_who_is_not_signed_in_sees_no_edit_links(client, asked):
    response = client.get(asked["url"])
    assert b"/edit" not in response.data


def test_a_focal_point_sees_their_open_requests(client, login, asked):
    login(asked["person"])
    response = client.get("/directory/refresh-requests")
    assert response.status_code == 200
    assert b"Brazil" in response.data
    assert b"/directory/refresh/" in response.data


def test_the_open_requests_page_is_in_the_focal_point_navigation(client, login, asked):
    login(asked["person"])
    assert b'href="/directory/refresh-requests"' in client.get("/").data


def test_answered_requests_are_not_listed_as_open(client, login, asked):
    # Signed in first: the test's app context (and Flask-Login's cached user in `g`)
    # lives across requests.
    login(asked["person"])
    client.post(asked["url"], data={"answer": "confirmed"})
    response = client.get("/directory/refresh-requests")
    assert b"No open requests" in response.data


def test_a_focal_point_does_not_see_another_person_requests(client, login, user, asked):
    other = user("focal_point", states=[asked["state"]])
    login(other)
    assert b"/directory/refresh/" not in client.get("/directory/refresh-requests").data


@pytest.mark.parametrize("role", ["admin", "organizer", "participant"])
def test_only_focal_points_open_the_requests_page(client, login, user, role):
    login(user(role))
    assert client.get("/directory/refresh-requests").status_code == 403


def test_the_review_page_issues_a_fixed_number_of_queries(area, contact, client, asked):
    client.get(asked["url"])
    db.session.expire_all()
    with count_queries() as few:
        client.get(asked["url"])
    for n in range(15):
        contact(asked["state"], verified=OLD, areas=(area(f"area{n % 4}"),))
    db.session.expire_all()
    with count_queries() as many:
        assert b"17 entries" in client.get(asked["url"]).data
    assert many.count == few.count
