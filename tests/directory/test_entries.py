"""Entries of the directory: creating, editing and withdrawing, and who may."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from webapp.core.audit import history
from webapp.directory.models import ACTIVE, WITHDRAWN, PointOfContact
from webapp.extensions import db


def _form(agency_id: int, **overrides: object) -> dict[str, object]:
    data = {
        "name": "Ana Souza",
        "title": "Inspector",
        "agency_id": str(agency_id),
        "email": "ana.souza@receita.example.br",
        "phones": "(11) 2345-6789",
        "languages": ["pt", "es"],
        "designation": "primary",
        "source_reference": "NV-123/2025",
        "source_date": "2025-01-15",
        "visibility": "member_states",
    }
    data.update(overrides)
    return data


def test_focal_point_creates_an_entry_for_their_state(
    agency, area, client, user, login, member_state
):
    brazil = member_state("BR")
    receita = agency(brazil, "Receita Federal")
    customs = area("customs")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        "/directory/contacts/new?state=BR", data=_form(receita.id, areas=[str(customs.id)])
    )

    assert response.status_code == 302
    entry = db.session.scalar(sa.select(PointOfContact))
    assert entry.name == "Ana Souza"
    assert entry.member_state_id == brazil.id
    assert entry.areas == [customs]
    assert entry.languages == "pt,es"
    assert entry.source_date == date(2025, 1, 15)
    assert entry.status == ACTIVE


def test_phones_are_stored_in_e164_with_the_state_as_default_region(
    agency, client, user, login, member_state
):
    brazil = member_state("BR")
    receita = agency(brazil, "Receita Federal")
    login(user("focal_point", states=[brazil]))

    client.post(
        "/directory/contacts/new?state=BR",
        data=_form(receita.id, phones="(11) 2345-6789\n+52 55 1234 5678"),
    )

    entry = db.session.scalar(sa.select(PointOfContact))
    assert entry.phones == "+551123456789,+525512345678"


def test_phones_are_shown_in_international_format(contact, client, user, login, member_state):
    brazil = member_state("BR")
    entry = contact(brazil, phones="+551123456789")
    login(user("organizer"))

    page = client.get(f"/directory/contacts/{entry.id}").get_data(as_text=True)

    assert "+55 11 2345-6789" in page


def test_an_invalid_phone_number_is_refused_with_a_message(
    agency, client, user, login, member_state
):
    brazil = member_state("BR")
    receita = agency(brazil, "Receita Federal")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        "/directory/contacts/new?state=BR", data=_form(receita.id, phones="12345")
    )

    assert response.status_code == 400
    assert "is not a valid phone number" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PointOfContact.id))) == 0


def test_an_invalid_email_is_refused_with_a_message(agency, client, user, login, member_state):
    brazil = member_state("BR")
    receita = agency(brazil, "Receita Federal")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        "/directory/contacts/new?state=BR", data=_form(receita.id, email="ana@@receita")
    )

    assert response.status_code == 400
    assert "“ana@@receita” is not an email address: it has more than one @ sign." in (
        response.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(sa.func.count(PointOfContact.id))) == 0


def test_the_form_shows_every_field_error_at_once(agency, client, user, login, member_state):
    brazil = member_state("BR")
    receita = agency(brazil, "Receita Federal")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        "/directory/contacts/new?state=BR",
        data=_form(receita.id, email="ana@@receita", phones="12", source_date="2999-01-01"),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "it has more than one @ sign" in page
    assert "is not a valid phone number" in page
    assert "date cannot be in the future" in page
    assert db.session.scalar(sa.select(sa.func.count(PointOfContact.id))) == 0


def test_an_unknown_language_code_is_refused(agency, client, user, login, member_state):
    brazil = member_state("BR")
    receita = agency(brazil, "Receita Federal")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        "/directory/contacts/new?state=BR", data=_form(receita.id, languages=["pt", "xx"])
    )

    assert response.status_code == 400
    assert "is not a language code" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PointOfContact.id))) == 0


def test_an_agency_of_another_state_is_refused(agency, client, user, login, member_state):
    brazil, mexico = member_state("BR"), member_state("MX")
    aduana = agency(mexico, "Aduana de México")
    login(user("focal_point", states=[brazil]))

    response = client.post("/directory/contacts/new?state=BR", data=_form(aduana.id))

    assert response.status_code == 400
    assert "Choose an agency of Brazil" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PointOfContact.id))) == 0


def test_a_focal_point_cannot_create_an_entry_for_another_state(
    agency, client, user, login, member_state
):
    brazil, mexico = member_state("BR"), member_state("MX")
    aduana = agency(mexico, "Aduana de México")
    login(user("focal_point", states=[brazil]))

    response = client.post("/directory/contacts/new?state=MX", data=_form(aduana.id))

    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(PointOfContact.id))) == 0


def test_a_focal_point_cannot_open_the_form_for_another_state(client, user, login, member_state):
    member_state("BR"), member_state("MX")
    login(user("focal_point", states=[member_state("BR")]))

    assert client.get("/directory/contacts/new?state=MX").status_code == 403


def test_a_focal_point_cannot_edit_another_states_entry(
    contact, client, user, login, member_state
):
    brazil, mexico = member_state("BR"), member_state("MX")
    entry = contact(mexico, name="Luis Pérez")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        f"/directory/contacts/{entry.id}/edit", data=_form(entry.agency_id, name="Changed")
    )

    assert response.status_code == 403
    db.session.refresh(entry)
    assert entry.name == "Luis Pérez"


def test_a_focal_point_cannot_withdraw_another_states_entry(
    contact, client, user, login, member_state
):
    brazil, mexico = member_state("BR"), member_state("MX")
    entry = contact(mexico)
    login(user("focal_point", states=[brazil]))

    response = client.post(f"/directory/contacts/{entry.id}/withdraw")

    assert response.status_code == 403
    db.session.refresh(entry)
    assert entry.status == ACTIVE


def test_an_organizer_edits_any_states_entry(contact, client, user, login, member_state):
    mexico = member_state("MX")
    entry = contact(mexico, name="Luis Pérez", phones="+525512345678")
    login(user("organizer"))

    response = client.post(
        f"/directory/contacts/{entry.id}/edit",
        data=_form(entry.agency_id, name="Luis Pérez García", phones="55 1234 5678"),
    )

    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.name == "Luis Pérez García"
    assert entry.phones == "+525512345678"


def test_finance_may_view_but_not_edit(contact, client, user, login, member_state):
    entry = contact(member_state("MX"))
    login(user("finance"))

    assert client.get(f"/directory/contacts/{entry.id}").status_code == 200
    assert client.get(f"/directory/contacts/{entry.id}/edit").status_code == 403


def test_saving_an_entry_stamps_today_as_last_verified(contact, client, user, login, member_state):
    brazil = member_state("BR")
    entry = contact(brazil, last_verified_on=date(2020, 1, 1))
    login(user("focal_point", states=[brazil]))

    client.post(f"/directory/contacts/{entry.id}/edit", data=_form(entry.agency_id))

    db.session.refresh(entry)
    assert entry.last_verified_on > date(2020, 1, 1)


def test_withdrawing_keeps_the_entry_in_history(contact, client, user, login, member_state):
    brazil = member_state("BR")
    entry = contact(brazil)
    login(user("focal_point", states=[brazil]))

    response = client.post(f"/directory/contacts/{entry.id}/withdraw")

    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.status == WITHDRAWN
    assert entry.withdrawn_at is not None
    assert history("PointOfContact", entry.id)[-1].changes["status"] == [ACTIVE, WITHDRAWN]


def test_a_withdrawn_entry_is_hidden_from_participants(contact, client, user, login, member_state):
    entry = contact(member_state("BR"), status=WITHDRAWN)
    login(user("participant"))

    assert client.get(f"/directory/contacts/{entry.id}").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(contact, client, member_state):
    entry = contact(member_state("BR"))

    response = client.get(f"/directory/contacts/{entry.id}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_secretariat_only_entry_is_hidden_from_other_states_focal_points(
    contact, client, user, login, member_state
):
    entry = contact(member_state("MX"), visibility="secretariat")
    login(user("focal_point", states=[member_state("BR")]))

    assert client.get(f"/directory/contacts/{entry.id}").status_code == 404


def test_a_secretariat_only_entry_is_shown_to_its_states_focal_point(
    contact, client, user, login, member_state
):
    mexico = member_state("MX")
    entry = contact(mexico, visibility="secretariat")
    login(user("focal_point", states=[mexico]))

    assert client.get(f"/directory/contacts/{entry.id}").status_code == 200


def test_an_agency_is_created_for_the_focal_points_state(
    agency, client, user, login, member_state
):
    brazil = member_state("BR")
    login(user("focal_point", states=[brazil]))

    response = client.post(
        "/directory/agencies/new?state=BR",
        data={"name": "Polícia Federal", "acronym": "PF", "kind": "police"},
    )

    assert response.status_code == 302
    made = agency(brazil, "Polícia Federal")
    assert (made.acronym, made.kind) == ("PF", "police")


def test_an_agency_cannot_be_created_for_another_state(client, user, login, member_state):
    member_state("MX")
    login(user("focal_point", states=[member_state("BR")]))

    response = client.post(
        "/directory/agencies/new?state=MX", data={"name": "Aduana", "kind": "customs"}
    )

    assert response.status_code == 403


def test_an_agency_name_is_unique_within_its_state(agency, client, user, login, member_state):
    brazil = member_state("BR")
    agency(brazil, "Receita Federal")
    login(user("organizer"))

    response = client.post(
        "/directory/agencies/new?state=BR", data={"name": "receita federal", "kind": "customs"}
    )

    assert response.status_code == 400
    assert "already has an agency named" in response.get_data(as_text=True)


def test_the_edit_form_shows_the_current_values(contact, client, user, login, member_state):
    brazil = member_state("BR")
    entry = contact(brazil, name="Ana Souza", phones="+551123456789", languages="pt")
    login(user("focal_point", states=[brazil]))

    page = client.get(f"/directory/contacts/{entry.id}/edit").get_data(as_text=True)

    assert 'value="Ana Souza"' in page
    assert "+55 11 2345-6789" in page
    assert '<input type="checkbox" name="languages" value="pt" checked>' in page


def test_someone_keeping_several_states_chooses_one_first(client, user, login, member_state):
    login(user("organizer"))
    member_state("BR"), member_state("MX")

    page = client.get("/directory/contacts/new").get_data(as_text=True)

    assert "Choose a member state" in page
    assert "/directory/contacts/new?state=MX" in page


def test_a_focal_point_of_one_state_goes_straight_to_its_form(
    agency, client, user, login, member_state
):
    brazil = member_state("BR")
    agency(brazil, "Receita Federal")
    login(user("focal_point", states=[brazil]))

    page = client.get("/directory/contacts/new").get_data(as_text=True)

    assert "New entry for Brazil" in page
    assert "Receita Federal" in page


def test_the_agencies_page_lists_a_states_agencies(contact, client, user, login, member_state):
    brazil = member_state("BR")
    contact(brazil, agency_name="Receita Federal")
    login(user("focal_point", states=[brazil]))

    page = client.get("/directory/agencies").get_data(as_text=True)

    assert "Agencies of Brazil" in page
    assert "Receita Federal" in page


def test_an_agency_of_another_state_cannot_be_edited(agency, client, user, login, member_state):
    aduana = agency(member_state("MX"), "Aduana")
    login(user("focal_point", states=[member_state("BR")]))

    response = client.post(
        f"/directory/agencies/{aduana.id}/edit", data={"name": "Changed", "kind": "customs"}
    )

    assert response.status_code == 403
    db.session.refresh(aduana)
    assert aduana.name == "Aduana"


def test_a_withdrawn_entry_cannot_be_edited(contact, client, user, login, member_state):
    brazil = member_state("BR")
    entry = contact(brazil, name="Gone", status=WITHDRAWN)
    login(user("focal_point", states=[brazil]))

    response = client.post(
        f"/directory/contacts/{entry.id}/edit", data=_form(entry.agency_id, name="Back")
    )

    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.name == "Gone"


def test_editing_keeps_a_retired_area_on_offer(area, contact, client, user, login, member_state):
    brazil = member_state("BR")
    old = area("old_area", "Retired area")
    old.is_active = False
    db.session.commit()
    entry = contact(brazil, areas=[old])
    login(user("organizer"))

    page = client.get(f"/directory/contacts/{entry.id}/edit").get_data(as_text=True)

    assert f'<input type="checkbox" name="areas" value="{old.id}" checked> Retired area' in page


def test_the_official_languages_are_offered_first(app):
    from webapp.directory.fields import language_choices

    assert [code for code, _ in language_choices("en")[:4]] == ["en", "es", "fr", "pt"]
