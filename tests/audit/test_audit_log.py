"""The audit page: who changed what across the platform, filtered by person, kind of
record, member state and date, people shown by name, paged with a flat query count."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.accounts.models import User
from webapp.audit import services
from webapp.core.audit import AuditEntry, acting_as
from webapp.extensions import db


@pytest.fixture()
def admin(user, login):
    person = user("admin", name="Alicia Admin", email="alicia@example.org")
    login(person)
    return person


def rename(person, name, actor):
    with acting_as(actor.id, actor.email):
        person.name = name
        db.session.commit()


def rows_of(page: str) -> int:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return body.count("<tr>")


def test_the_audit_page_is_for_admins_only(client, user, login):
    login(user("organizer"))
    assert client.get("/admin/audit").status_code == 403


def test_it_shows_who_changed_what_with_people_by_name(client, admin, user):
    person = user("participant", name="Old Name")
    rename(person, "New Name", admin)
    page = client.get(f"/admin/audit?kind=User&actor={admin.id}").get_data(as_text=True)
    assert "Alicia Admin" in page
    assert "alicia@example.org" not in page
    assert f"Account #{person.id}" in page
    assert "Old Name → New Name" in page


def test_it_filters_by_person(client, admin, user):
    other = user("admin", name="Bruno Boss")
    person = user("participant")
    rename(person, "By Alicia", admin)
    rename(person, "By Bruno", other)
    page = client.get(f"/admin/audit?actor={other.id}").get_data(as_text=True)
    assert "By Alicia → By Bruno" in page and "→ By Alicia" not in page


def test_it_filters_by_kind_of_record(client, admin, user, member_state):
    br = member_state("BR")
    with acting_as(admin.id, admin.email):
        br.name_en = "Brasil"
        db.session.commit()
    page = client.get("/admin/audit?kind=MemberState").get_data(as_text=True)
    assert "Member state #" in page and "Account #" not in page


def test_it_filters_by_member_state(client, admin, user, member_state):
    br, mx = member_state("BR"), member_state("MX")
    brazilian = user("focal_point", states=[br], name="Bea")
    mexican = user("focal_point", states=[mx], name="Mateo")
    rename(brazilian, "Bea Souza", admin)
    rename(mexican, "Mateo Ruiz", admin)
    page = client.get(f"/admin/audit?state={br.id}").get_data(as_text=True)
    assert "Bea Souza" in page and "Mateo Ruiz" not in page


def test_it_filters_by_date(client, admin, user):
    person = user("participant")
    rename(person, "Renamed", admin)
    db.session.execute(
        sa.update(AuditEntry.__table__)
        .where(AuditEntry.entity_id == person.id, AuditEntry.entity_type == "User")
        .values(at=datetime(2024, 3, 10, 15, 0, tzinfo=UTC))
    )
    db.session.commit()
    hit = client.get("/admin/audit?since=2024-03-10&until=2024-03-10").get_data(as_text=True)
    miss = client.get("/admin/audit?since=2024-03-11").get_data(as_text=True)
    assert "Renamed" in hit and "Renamed" not in miss


def test_a_date_that_is_not_a_date_is_ignored_with_a_message(client, admin):
    response = client.get("/admin/audit?since=yesterday")
    assert response.status_code == 200
    assert "Not a valid date value." in response.get_data(as_text=True)


def test_it_is_paged(client, admin, user, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 3)
    person = user("participant")
    for n in range(7):
        rename(person, f"Name {n}", admin)
    first = client.get("/admin/audit?kind=User").get_data(as_text=True)
    assert rows_of(first) == 3 and "Page 1 of" in first
    last = client.get("/admin/audit?kind=User&page=99").get_data(as_text=True)
    assert "Name 0" in last


def test_the_query_count_does_not_grow_with_the_entries(client, admin, user):
    def cost() -> int:
        with count_queries() as queries:
            assert client.get("/admin/audit").status_code == 200
        return queries.count

    few = user("participant")
    rename(few, "One", admin)
    before = cost()
    for n in range(12):
        rename(user("participant", name=f"P{n}"), f"Q{n}", user("admin", name=f"Admin {n}"))
    assert cost() == before


def test_changes_outside_a_request_show_their_label(client, admin, user):
    person = user("participant")
    with acting_as(None, "flask users create-admin"):
        person.name = "From the command line"
        db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "flask users create-admin" in page


def test_entries_come_newest_first(client, admin, user):
    person = user("participant")
    rename(person, "First", admin)
    rename(person, "Second", admin)
    page = client.get(f"/admin/audit?kind=User&actor={admin.id}").get_data(as_text=True)
    assert page.index("First → Second") < page.index("→ First")
    assert db.session.get(User, person.id).name == "Second"
