"""The search page: filters, visibility, pagination, and a fixed number of queries."""

from __future__ import annotations

from tests.querycount import count_queries
from webapp.directory.models import WITHDRAWN


def _names(client, query: str = "") -> str:
    return client.get(f"/directory/{query}").get_data(as_text=True)


def test_participants_see_entries_shared_with_all_member_states(
    contact, client, user, login, member_state
):
    contact(member_state("MX"), name="Shared Sharon")
    contact(member_state("MX"), name="Hidden Hugo", visibility="secretariat")
    login(user("participant"))

    page = _names(client)

    assert "Shared Sharon" in page
    assert "Hidden Hugo" not in page


def test_focal_points_see_all_of_their_own_states_entries(
    contact, client, user, login, member_state
):
    brazil = member_state("BR")
    contact(brazil, name="Own Secret Olga", visibility="secretariat")
    contact(member_state("MX"), name="Foreign Secret Felix", visibility="secretariat")
    login(user("focal_point", states=[brazil]))

    page = _names(client)

    assert "Own Secret Olga" in page
    assert "Foreign Secret Felix" not in page


def test_the_secretariat_sees_secretariat_only_entries(contact, client, user, login, member_state):
    contact(member_state("MX"), name="Hidden Hugo", visibility="secretariat")
    login(user("finance"))

    assert "Hidden Hugo" in _names(client)


def test_withdrawn_entries_leave_the_list(contact, client, user, login, member_state):
    contact(member_state("MX"), name="Gone Gabriel", status=WITHDRAWN)
    login(user("admin"))

    assert "Gone Gabriel" not in _names(client)


def test_a_signed_in_user_without_a_role_is_refused(client, user, login):
    login(user())

    assert client.get("/directory/").status_code == 403


def test_filter_by_state(contact, client, user, login, member_state):
    contact(member_state("BR"), name="Brazilian Bruno")
    contact(member_state("MX"), name="Mexican Marta")
    login(user("organizer"))

    page = _names(client, "?state=MX")

    assert "Mexican Marta" in page
    assert "Brazilian Bruno" not in page


def test_filter_by_agency_kind(contact, client, user, login, member_state):
    brazil = member_state("BR")
    contact(brazil, name="Customs Carla", agency_name="Receita", kind="customs")
    contact(brazil, name="Police Paulo", agency_name="Polícia Federal", kind="police")
    login(user("organizer"))

    page = _names(client, "?kind=police")

    assert "Police Paulo" in page
    assert "Customs Carla" not in page


def test_filter_by_area(area, contact, client, user, login, member_state):
    brazil = member_state("BR")
    contact(brazil, name="Drugs Diana", areas=[area("drugs")])
    contact(brazil, name="Firearms Fabio", areas=[area("firearms")])
    login(user("organizer"))

    page = _names(client, "?area=drugs")

    assert "Drugs Diana" in page
    assert "Firearms Fabio" not in page


def test_filter_by_language(contact, client, user, login, member_state):
    brazil = member_state("BR")
    contact(brazil, name="French Francine", languages="pt,fr")
    contact(brazil, name="Only Otto", languages="pt")
    login(user("organizer"))

    page = _names(client, "?language=fr")

    assert "French Francine" in page
    assert "Only Otto" not in page


def test_free_text_ignores_case_and_accents(contact, client, user, login, member_state):
    brazil = member_state("BR")
    contact(brazil, name="José Conceição")
    contact(brazil, name="Maria Silva")
    login(user("organizer"))

    page = _names(client, "?q=CONCEICAO")

    assert "José Conceição" in page
    assert "Maria Silva" not in page


def test_free_text_matches_the_agency_name(contact, client, user, login, member_state):
    brazil = member_state("BR")
    contact(brazil, name="Agent Alpha", agency_name="Polícia Federal", kind="police")
    contact(brazil, name="Agent Beta", agency_name="Receita Federal")
    login(user("organizer"))

    page = _names(client, "?q=policia")

    assert "Agent Alpha" in page
    assert "Agent Beta" not in page


def test_free_text_treats_percent_as_a_character(contact, client, user, login, member_state):
    contact(member_state("BR"), name="Maria Silva")
    login(user("organizer"))

    assert "Maria Silva" not in _names(client, "?q=%25")


def test_an_unknown_filter_value_gets_a_message_not_an_error(
    contact, client, user, login, member_state
):
    contact(member_state("BR"), name="Maria Silva")
    login(user("organizer"))

    response = client.get("/directory/?state=ZZ")

    assert response.status_code == 200
    assert "Please correct the filters" in response.get_data(as_text=True)
    assert "Maria Silva" not in response.get_data(as_text=True)


def test_results_are_paginated_by_fifty_in_a_stable_order(
    contact, client, user, login, member_state
):
    brazil = member_state("BR")
    for n in range(55):
        contact(brazil, name=f"Officer {n:03d}")
    login(user("organizer"))

    first, second = _names(client), _names(client, "?page=2")

    assert "Officer 049" in first and "Officer 050" not in first
    assert "Officer 050" in second and "Officer 054" in second and "Officer 049" not in second


def test_a_page_number_past_the_end_shows_the_last_page(
    contact, client, user, login, member_state
):
    contact(member_state("BR"), name="Maria Silva")
    login(user("organizer"))

    assert "Maria Silva" in _names(client, "?page=99")


def _queries_for(area, contact, client, count: int, state) -> int:
    for n in range(count):
        contact(state, name=f"Officer {n}", areas=[area("customs"), area("drugs")])
    with count_queries() as statements:
        response = client.get("/directory/")
    assert response.status_code == 200
    return statements.count


def test_the_search_page_issues_the_same_number_of_queries_for_5_or_60_entries(
    area, contact, client, app, user, login, member_state
):
    brazil = member_state("BR")
    login(user("focal_point", states=[brazil]))
    few = _queries_for(area, contact, client, 5, brazil)
    many = _queries_for(area, contact, client, 55, brazil)

    assert few == many


def test_the_navigation_offers_directory_and_import_to_organizers(client, user, login):
    login(user("organizer"))

    page = client.get("/").get_data(as_text=True)

    assert 'href="/directory/">Directory</a>' in page
    assert 'href="/directory/imports/new">Import</a>' in page


def test_the_navigation_offers_no_import_to_focal_points(client, user, login, member_state):
    login(user("focal_point", states=[member_state("BR")]))

    page = client.get("/").get_data(as_text=True)

    assert 'href="/directory/">Directory</a>' in page
    assert "/directory/imports/new" not in page


def test_the_directorys_script_is_served(client):
    with client.get("/directory/assets/import.js") as response:
        assert response.status_code == 200
        assert "progress" in response.get_data(as_text=True)
