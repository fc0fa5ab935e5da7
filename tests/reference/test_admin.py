"""The admin pages that maintain the reference data."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.core.reference import ACTIVE, SUSPENDED, MemberState, Organization, PermanentObserver
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.reference.services import load_reference_data

LISTS = [
    "/admin/reference/",
    "/admin/reference/observers",
    "/admin/reference/organizations",
    "/admin/reference/areas",
]
NAMES = {
    "name_en": "Australia",
    "name_es": "Australia",
    "name_fr": "Australie",
    "name_pt": "Austrália",
}


def state(code: str) -> MemberState:
    return db.session.scalar(sa.select(MemberState).where(MemberState.code == code))


def form_of(row, **changes) -> dict[str, object]:
    """The edit form as a browser would send it back, with `changes`."""
    fields = {
        "name_en": row.name_en,
        "name_es": row.name_es,
        "name_fr": row.name_fr,
        "name_pt": row.name_pt,
    }
    if isinstance(row, MemberState):
        fields |= {
            "status": row.status,
            "status_since": row.status_since.isoformat() if row.status_since else "",
            "joined_on": row.joined_on.isoformat() if row.joined_on else "",
        }
    fields |= changes
    return {k: v for k, v in fields.items() if v is not None}


@pytest.mark.parametrize("url", LISTS)
def test_reference_pages_are_refused_to_other_roles(client, user, login, url):
    login(user("organizer", "finance", "focal_point", "participant"))
    assert client.get(url).status_code == 403


def test_reference_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/reference/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_navigation_offers_reference_data_to_admins(admin):
    assert b'href="/admin/reference/"' in admin.get("/").data


def test_navigation_hides_reference_data_from_organizers(client, user, login):
    login(user("organizer"))
    assert b'href="/admin/reference/"' not in client.get("/").data


@pytest.mark.parametrize("url", LISTS)
def test_lists_use_the_same_number_of_queries_whatever_the_number_of_rows(admin, url):
    def queries() -> int:
        db.session.expire_all()  # the test shares the request's session: start cold
        with count_queries() as statements:
            assert admin.get(url).status_code == 200
        return statements.count

    admin.get(url)  # the first request of a session does more
    few = queries()
    load_reference_data()
    db.session.commit()
    assert queries() == few


def test_member_states_are_listed_by_name_in_the_viewers_language(admin, loaded):
    page = admin.get("/admin/reference/", headers={"Accept-Language": "fr"}).text
    assert "États-Unis" in page
    # Sorted without regard to accents: États-Unis comes before Grenade.
    assert page.index("Équateur") < page.index("États-Unis") < page.index("Grenade")


def test_member_state_list_shows_the_status_with_its_date(admin, loaded):
    page = admin.get("/admin/reference/").text
    row = page[page.index("Venezuela") :]
    assert "Withdrawn" in row[:400]
    assert "Apr 27, 2019" in row[:400]


def test_admin_suspends_a_member_state_from_a_date(admin, loaded):
    chile = state("CL")
    response = admin.post(
        f"/admin/reference/member-states/{chile.id}",
        data=form_of(chile, status=SUSPENDED, status_since="2030-01-02"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (state("CL").status, state("CL").status_since) == (SUSPENDED, date(2030, 1, 2))


def test_suspending_without_a_date_is_refused(admin, loaded):
    chile = state("CL")
    response = admin.post(
        f"/admin/reference/member-states/{chile.id}",
        data=form_of(chile, status=SUSPENDED, status_since=""),
    )
    assert "Give the date this status took effect." in response.text
    db.session.expire_all()
    assert state("CL").status == ACTIVE


def test_a_status_outside_the_list_is_refused(admin, loaded):
    chile = state("CL")
    response = admin.post(
        f"/admin/reference/member-states/{chile.id}", data=form_of(chile, status="expelled")
    )
    assert "Choose a value from the list." in response.text
    db.session.expire_all()
    assert state("CL").status == ACTIVE


def test_a_status_cannot_start_before_the_state_joined(admin, loaded):
    canada = state("CA")
    response = admin.post(
        f"/admin/reference/member-states/{canada.id}",
        data=form_of(canada, status=SUSPENDED, status_since="1980-01-01"),
    )
    assert "before the state joined" in response.text


def test_an_empty_name_is_refused_next_to_the_field(admin, loaded):
    chile = state("CL")
    response = admin.post(
        f"/admin/reference/member-states/{chile.id}", data=form_of(chile, name_fr="  ")
    )
    assert response.status_code == 200
    assert 'id="name_fr-error"' in response.text
    assert "Enter the name in French." in response.text
    db.session.expire_all()
    assert state("CL").name_fr == "Chili"


def test_the_edit_page_shows_who_changed_what(admin, loaded):
    chile = state("CL")
    admin.post(
        f"/admin/reference/member-states/{chile.id}", data=form_of(chile, name_en="Chile (R)")
    )
    page = admin.get(f"/admin/reference/member-states/{chile.id}").text
    assert "History" in page
    assert "<td>Person 1</td>" in page  # the person by name, not by email
    assert "admin1@example.org" not in page
    assert "<del>Chile</del> → <ins>Chile (R)</ins>" in page


def test_an_unknown_row_is_not_found(admin):
    assert admin.get("/admin/reference/member-states/999").status_code == 404


def test_admin_adds_a_permanent_observer(admin):
    response = admin.post("/admin/reference/observers/new", data={"code": "au", **NAMES})
    assert response.status_code == 302
    australia = db.session.scalar(sa.select(PermanentObserver))
    assert (australia.code, australia.name_en) == ("AU", "Australia")


def test_admin_adds_the_european_union_as_an_observer(admin):
    admin.post("/admin/reference/observers/new", data={"code": "EU", **NAMES, "is_active": "y"})
    assert db.session.scalar(sa.select(PermanentObserver.code)) == "EU"


def test_an_observer_code_must_be_a_country_code(admin):
    response = admin.post("/admin/reference/observers/new", data={"code": "ZZ", **NAMES})
    assert "two-letter ISO 3166-1 country code" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PermanentObserver)) == 0


def test_an_observer_code_must_be_unique(admin, loaded):
    response = admin.post("/admin/reference/observers/new", data={"code": "es", **NAMES})
    assert "Another permanent observer already has this code." in response.text


def test_a_member_state_cannot_be_an_observer(admin, loaded):
    response = admin.post("/admin/reference/observers/new", data={"code": "BR", **NAMES})
    assert "This code belongs to a member state." in response.text


def test_an_observer_keeps_its_own_code_when_edited(admin, loaded):
    spain = db.session.scalar(sa.select(PermanentObserver).where(PermanentObserver.code == "ES"))
    response = admin.post(
        f"/admin/reference/observers/{spain.id}",
        data=form_of(spain, code="ES", name_en="Kingdom of Spain"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PermanentObserver, spain.id).name_en == "Kingdom of Spain"


def test_admin_deactivates_an_observer(admin, loaded):
    spain = db.session.scalar(sa.select(PermanentObserver).where(PermanentObserver.code == "ES"))
    admin.post(f"/admin/reference/observers/{spain.id}", data=form_of(spain, code="ES"))
    db.session.expire_all()
    assert db.session.get(PermanentObserver, spain.id).is_active is False


def test_admin_adds_an_organization(admin):
    response = admin.post(
        "/admin/reference/organizations/new",
        data={"acronym": "OSCE", "scope": "regional", "is_active": "y", **NAMES},
    )
    assert response.status_code == 302
    osce = db.session.scalar(sa.select(Organization))
    assert (osce.acronym, osce.scope, osce.is_active) == ("OSCE", "regional", True)


def test_an_organization_acronym_must_be_unique(admin, loaded):
    response = admin.post(
        "/admin/reference/organizations/new",
        data={"acronym": "interpol", "scope": "international", **NAMES},
    )
    assert "Another organization already has this acronym." in response.text


def test_an_organization_scope_must_come_from_the_list(admin):
    response = admin.post(
        "/admin/reference/organizations/new",
        data={"acronym": "OSCE", "scope": "galactic", **NAMES},
    )
    assert "Choose a value from the list." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_admin_adds_an_area(admin):
    response = admin.post(
        "/admin/reference/areas/new",
        data={"code": "maritime_security", "position": "110", "is_active": "y", **NAMES},
    )
    assert response.status_code == 302
    area = db.session.scalar(sa.select(Area))
    assert (area.code, area.position, area.is_active) == ("maritime_security", 110, True)


def test_an_area_code_must_be_a_lowercase_identifier(admin):
    response = admin.post(
        "/admin/reference/areas/new", data={"code": "Maritime security", "position": "1", **NAMES}
    )
    assert "Use lowercase letters, digits and underscores" in response.text


def test_an_area_code_must_be_unique(admin, loaded):
    response = admin.post(
        "/admin/reference/areas/new", data={"code": "customs", "position": "1", **NAMES}
    )
    assert "Another area already has this code." in response.text


def test_the_new_observer_form_offers_the_four_names(admin):
    page = admin.get("/admin/reference/observers/new").text
    for label in ("Name in English", "Name in Spanish", "Name in French", "Name in Portuguese"):
        assert label in page
