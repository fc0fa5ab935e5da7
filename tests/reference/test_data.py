"""The shipped reference file: the facts it must get right."""

from __future__ import annotations

import pytest

from webapp.core.reference import (
    ACTIVE,
    MEMBERSHIP_STATUSES,
    ORGANIZATION_SCOPES,
    WITHDRAWN,
    alpha2_for,
    is_country_code,
)
from webapp.reference.services import NAME_FIELDS, read_reference_file

DATA = read_reference_file()
STATES = {row["code"]: row for row in DATA["member_states"]}
OBSERVERS = {row["code"]: row for row in DATA["permanent_observers"]}
ORGANIZATIONS = {row["acronym"]: row for row in DATA["organizations"]}
AREAS = {row["code"]: row for row in DATA["areas"]}


def test_there_are_35_member_states_with_distinct_codes():
    assert len(DATA["member_states"]) == len(STATES) == 35
    assert len({row["code3"] for row in DATA["member_states"]}) == 35


def test_member_state_codes_are_iso_3166_alpha2_with_the_matching_alpha3():
    mismatched = [
        code
        for code, row in STATES.items()
        if not is_country_code(code) or alpha2_for(row["code3"]) != code
    ]
    assert mismatched == []


KINDS = ["member_states", "permanent_observers", "organizations", "areas"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_row_is_named_in_the_four_languages(kind):
    unnamed = [
        row
        for row in DATA[kind]
        for name in NAME_FIELDS
        if not row.get(name) or row[name] != row[name].strip()
    ]
    assert unnamed == []


def test_names_carry_their_accents():
    assert STATES["MX"]["name_es"] == "México"
    assert STATES["US"]["name_fr"] == "États-Unis"
    assert STATES["PE"]["name_es"] == "Perú"
    assert STATES["HT"]["name_fr"] == "Haïti"
    assert STATES["KN"]["name_pt"] == "São Cristóvão e Névis"
    assert OBSERVERS["VA"]["name_fr"] == "Saint-Siège"


def test_statuses_come_from_the_list_and_changes_are_dated():
    for row in STATES.values():
        assert row["status"] in MEMBERSHIP_STATUSES
        if row["status"] != ACTIVE:
            assert row["status_since"], row["code"]


def test_venezuela_and_nicaragua_withdrew_when_their_denunciations_took_effect():
    assert (STATES["VE"]["status"], STATES["VE"]["status_since"]) == (WITHDRAWN, "2019-04-27")
    assert (STATES["NI"]["status"], STATES["NI"]["status_since"]) == (WITHDRAWN, "2023-11-19")


def test_cuba_does_not_take_part():
    assert STATES["CU"]["status"] != ACTIVE


def test_every_member_state_has_its_joining_date_after_the_charter_was_signed():
    assert all(row["joined_on"] >= "1948-04-30" for row in STATES.values())


def test_observers_are_about_seventy_states_and_the_european_union():
    assert 65 <= len(OBSERVERS) <= 80
    assert len(DATA["permanent_observers"]) == len(OBSERVERS)
    assert "EU" in OBSERVERS
    assert [code for code in OBSERVERS if code != "EU" and not is_country_code(code)] == []


def test_no_member_state_is_also_an_observer():
    assert set(OBSERVERS) & set(STATES) == set()


def test_organizations_include_the_border_cooperation_partners():
    expected = {"UN", "UNODC", "INTERPOL", "WCO", "IOM", "CARICOM IMPACS", "SICA", "CAN"}
    expected |= {"MERCOSUR", "EU", "AMERIPOL", "CLASI"}
    assert expected <= set(ORGANIZATIONS)
    assert len(DATA["organizations"]) == len(ORGANIZATIONS)


def test_organization_scopes_come_from_the_list():
    assert {row["scope"] for row in ORGANIZATIONS.values()} <= set(ORGANIZATION_SCOPES)


def test_areas_are_the_fields_of_cooperation_of_the_directory():
    assert set(AREAS) == {
        "customs",
        "law_enforcement",
        "immigration",
        "firearms",
        "drugs",
        "terrorism",
        "trafficking_in_persons",
        "migrant_smuggling",
        "cybercrime",
        "money_laundering",
    }
    assert "CIFTA" in AREAS["firearms"]["name_en"]
