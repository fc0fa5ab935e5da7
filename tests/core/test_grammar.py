"""Member states' names in the form a sentence needs, dates in full, formal greetings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from webapp.core import grammar
from webapp.core.mailer import reading_as

DATA = Path(__file__).resolve().parents[2] / "webapp" / "core" / "data"


def test_every_member_state_has_its_forms_in_the_four_languages():
    reference = json.loads((DATA / "reference.json").read_text(encoding="utf-8"))
    known = json.loads((DATA / "state_grammar.json").read_text(encoding="utf-8"))
    for state in reference["member_states"]:
        forms = known["member_states"][state["code"]]
        for language in ("en", "es", "fr", "pt"):
            assert forms[language]["bare"] == state[f"name_{language}"]
            assert set(forms[language]) == {*grammar.FORMS, "plural"}


def test_every_permanent_observer_has_its_forms_in_the_four_languages():
    reference = json.loads((DATA / "reference.json").read_text(encoding="utf-8"))
    known = json.loads((DATA / "state_grammar.json").read_text(encoding="utf-8"))
    for observer in reference["permanent_observers"]:
        forms = known["permanent_observers"][observer["code"]]
        for language in ("en", "es", "fr", "pt"):
            assert forms[language]["bare"] == observer[f"name_{language}"]


def test_every_organization_has_its_forms_in_the_four_languages():
    reference = json.loads((DATA / "reference.json").read_text(encoding="utf-8"))
    known = json.loads((DATA / "state_grammar.json").read_text(encoding="utf-8"))
    for organization in reference["organizations"]:
        forms = known["organizations"][organization["acronym"]]
        for language in ("en", "es", "fr", "pt"):
            assert forms[language]["bare"] == organization[f"name_{language}"]


@pytest.mark.parametrize(
    ("code", "language", "form", "expected"),
    [
        ("MX", "fr", "of", "du Mexique"),
        ("MX", "fr", "in", "au Mexique"),
        ("US", "fr", "of", "des États-Unis"),
        ("AR", "fr", "in", "en Argentine"),
        ("AR", "fr", "to", "à l'Argentine"),
        ("BR", "pt", "subject", "o Brasil"),
        ("BR", "pt", "of", "do Brasil"),
        ("BR", "pt", "in", "no Brasil"),
        ("US", "pt", "subject", "os Estados Unidos"),
        ("MX", "es", "of", "de México"),
        ("US", "en", "in", "in the United States"),
        ("GB", "es", "of", "del Reino Unido"),
        ("EU", "fr", "in", "dans l'Union européenne"),
        ("NL", "pt", "to", "aos Países Baixos"),
        ("IDB", "es", "of", "del Banco Interamericano de Desarrollo"),
        ("WCO", "fr", "to", "à l'Organisation mondiale des douanes"),
        ("UN", "pt", "subject", "as Nações Unidas"),
    ],
)
def test_a_state_name_takes_the_form_the_sentence_needs(app, code, language, form, expected):
    assert grammar.state_name(code, form, language) == expected


def test_the_form_follows_the_active_language(app):
    with force_locale("pt"):
        assert grammar.state_name("BR", "of") == "do Brasil"


def test_the_first_word_of_a_sentence_is_capitalised(app):
    assert grammar.state_name("US", "subject", "fr", start=True) == "Les États-Unis"


def test_a_plural_state_makes_the_verb_plural_only_where_the_language_says_so(app):
    assert grammar.state_number("US", "fr") == 2
    assert grammar.state_number("US", "pt") == 2
    assert grammar.state_number("US", "en") == 1
    assert grammar.state_number("MX", "fr") == 1
    assert grammar.state_number("NL", "es") == 2  # "Los Países Bajos han respondido"


def test_a_state_missing_from_the_data_falls_back_to_its_own_name(app, member_state):
    state = member_state("ZZ", name_en="Atlantis")
    assert grammar.state_name(state, "of", "en") == "of Atlantis"


def test_an_unknown_form_is_refused(app):
    with pytest.raises(ValueError):
        grammar.state_name("MX", "from", "fr")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "March 1, 2026"),
        ("es", "1 de marzo de 2026"),
        ("fr", "1er mars 2026"),
        ("pt", "1º de março de 2026"),
    ],
)
def test_the_first_of_the_month_in_full(app, language, expected):
    with force_locale(language):
        assert grammar.long_date(date(2026, 3, 1)) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "11 mars 2026"), ("pt", "11 de março de 2026")]
)
def test_only_the_first_day_takes_an_ordinal(app, language, expected):
    with force_locale(language):
        assert grammar.long_date(date(2026, 3, 11)) == expected


def test_an_instant_is_dated_in_the_readers_zone(app):
    # 1 March 02:00 UTC is still 28 February in New York.
    with app.test_request_context(), reading_as("fr", "America/New_York"):
        assert grammar.long_date(datetime(2026, 3, 1, 2, 0, tzinfo=UTC)) == "28 février 2026"
    with app.test_request_context(), reading_as("fr", "Europe/Paris"):
        assert grammar.long_date(datetime(2026, 3, 1, 2, 0, tzinfo=UTC)) == "1er mars 2026"


def test_a_known_name_is_greeted_by_name(app):
    with force_locale("es"):
        assert grammar.salutation("Ana Souza") == "Apreciable Ana Souza:"


def test_an_organization_is_found_by_its_acronym(app):
    from webapp.core.reference import Organization

    bank = Organization(acronym="IDB", name_en="Inter-American Development Bank")
    assert grammar.state_name(bank, "to", "es") == "al Banco Interamericano de Desarrollo"
