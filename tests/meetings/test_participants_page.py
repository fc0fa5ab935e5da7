"""Adding people from the directory, on its own page, as an organizer and a focal point
drive it: people offered by member state, area and agency, a page at a time, added one by
one or all at once; each participant's role, language and time zone corrected after the
guess on the participants page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, make_series
from webapp.extensions import db
from webapp.meetings.models import Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def directory(member_state, area, contact):
    """Mexico: two customs officers and one police officer; Brazil: one customs officer."""
    mx, br = member_state("MX"), member_state("BR")
    customs, police = area("customs"), area("law_enforcement")
    people = {
        "mario": contact(mx, name="Mario Ruiz", areas=[customs]),
        "lucia": contact(mx, name="Lucía Gómez", areas=[customs]),
        "pedro": contact(
            mx, name="Pedro Sáenz", areas=[police], agency_name="Policía Federal", kind="police"
        ),
        "joao": contact(br, name="João Lima", areas=[customs]),
    }
    return mx, br, customs, police, people


def _offered(page: str, people: dict) -> set[str]:
    return {key for key, person in people.items() if person.name in page}


def test_the_directory_offer_narrows_by_state_area_and_agency(client, login, organizer, directory):
    mx, br, customs, _, people = directory
    meeting = make_series(organizer, member_states=[mx, br])
    login(organizer)
    base = f"/meetings/{meeting.id}/participants/add"
    assert _offered(client.get(base).get_data(as_text=True), people) == set(people)
    by_state = client.get(f"{base}?state={mx.id}").get_data(as_text=True)
    assert _offered(by_state, people) == {"mario", "lucia", "pedro"}
    by_area = client.get(f"{base}?state={mx.id}&area={customs.id}").get_data(as_text=True)
    assert _offered(by_area, people) == {"mario", "lucia"}
    agency = people["pedro"].agency_id
    by_agency = client.get(f"{base}?agency={agency}").get_data(as_text=True)
    assert _offered(by_agency, people) == {"pedro"}


@pytest.mark.parametrize("query", ["?state=abc&area=-1", "?agency=99999999999999", "?state="])
def test_a_filter_that_cannot_be_read_shows_everyone_offered(
    client, login, organizer, directory, query
):
    _, _, _, _, people = directory
    meeting = make_series(organizer)
    login(organizer)
    response = client.get(f"/meetings/{meeting.id}/participants/add{query}")
    assert response.status_code == 200
    assert _offered(response.get_data(as_text=True), people) == set(people)


def test_everyone_listed_is_added_at_once_and_only_them(client, login, organizer, directory):
    mx, _, customs, _, _ = directory
    meeting = make_series(organizer, member_states=[mx])
    login(organizer)
    response = client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"everyone": "y", "state": str(mx.id), "area": str(customs.id), "role": "delegate"},
    )
    assert response.status_code == 302
    added = db.session.scalars(sa.select(Participant.name).order_by(Participant.name)).all()
    assert added == ["Lucía Gómez", "Mario Ruiz"]


def test_adding_nobody_is_refused_with_a_message(client, login, organizer, directory):
    meeting = make_series(organizer)
    login(organizer)
    response = client.post(f"/meetings/{meeting.id}/participants/add", data={"role": "delegate"})
    assert response.status_code == 400
    assert "Choose at least one person." in response.get_data(as_text=True)


def test_a_focal_point_is_offered_and_adds_only_people_of_their_states(
    client, login, user, organizer, directory
):
    mx, br, _, _, people = directory
    meeting = make_series(organizer, member_states=[mx, br])
    login(user("focal_point", states=[br]))
    page = client.get(f"/meetings/{meeting.id}/participants/add").get_data(as_text=True)
    assert _offered(page, people) == {"joao"}
    # Asking for another state's people shows none of them, and "everyone" adds none.
    asked = client.get(f"/meetings/{meeting.id}/participants/add?state={mx.id}")
    assert _offered(asked.get_data(as_text=True), people) == set()
    client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"everyone": "y", "state": str(mx.id), "role": "delegate"},
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0
    client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"everyone": "y", "role": "delegate"},
    )
    assert db.session.scalars(sa.select(Participant.name)).all() == ["João Lima"]


def test_an_organizer_corrects_a_participants_role_language_and_zone(
    client, login, organizer, member_state
):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example", member_state=member_state("MX"))
    assert (person.language, person.timezone) == ("es", "America/Mexico_City")
    login(organizer)
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    edit = f"/meetings/{meeting.id}/participants/{person.id}/edit"
    assert edit in page and "America/Mexico_City" in page
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, data={"role": "observer", "language": "en", "timezone": "America/Tijuana"}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.role, person.language, person.timezone) == (
        "observer",
        "en",
        "America/Tijuana",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"role": "observer", "language": "en", "timezone": "Mars/Olympus"},
        {"role": "observer", "language": "xx", "timezone": "America/Tijuana"},
        {"role": "king", "language": "en", "timezone": "America/Tijuana"},
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(client, login, organizer, data):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example", timezone="America/Bogota")
    login(organizer)
    response = client.post(f"/meetings/{meeting.id}/participants/{person.id}/edit", data=data)
    assert response.status_code == 400
    db.session.refresh(person)
    assert (person.role, person.timezone) == ("delegate", "America/Bogota")


def test_only_organizers_edit_participants(client, login, user, organizer, member_state):
    br = member_state("BR")
    meeting = make_series(organizer, member_states=[br])
    person = guest(meeting, organizer, "ana@customs.example")
    login(user("focal_point", states=[br]))
    edit = f"/meetings/{meeting.id}/participants/{person.id}/edit"
    assert client.get(edit).status_code == 403
    other = make_series(organizer)
    login(organizer)
    assert client.get(f"/meetings/{other.id}/participants/{person.id}/edit").status_code == 404


def test_a_refused_choice_shows_the_people_chosen_still_ticked(
    client, login, organizer, directory
):
    _, _, _, _, people = directory
    meeting = make_series(organizer)
    login(organizer)
    chosen = people["lucia"].id
    response = client.post(
        f"/meetings/{meeting.id}/participants/add",
        data={"contacts": [str(chosen)], "role": "no-such-role"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'value="{chosen}" checked>' in page
    assert page.count(" checked>") == 1
