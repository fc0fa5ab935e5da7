"""Email addresses as people type them: kept normalised, or refused with the reason said
in the reader's language (email-validator's own reasons are English sentences)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from webapp.core.addresses import email_address
from webapp.core.errors import RuleError


def _refusal(value: str, language: str = "en", field: str = "email") -> RuleError:
    with force_locale(language), pytest.raises(RuleError) as caught:
        email_address(value, field)
    return caught.value


def test_an_address_is_kept_without_surrounding_spaces_and_with_its_domain_lowercased(app):
    assert email_address("  Ana.Silva@Receita.Example.BR ") == "Ana.Silva@receita.example.br"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("ana.receita.example.br", "it has no @ sign"),
        ("ana@@receita.example.br", "more than one @ sign"),
        ("@receita.example.br", "nothing comes before the @ sign"),
        ("ana@", "nothing comes after the @ sign"),
        ("ana silva@receita.example.br", "it contains a space"),
        ("ana@receita..br", "two periods in a row"),
        ("ana@receita", "needs a period, as in example.org"),
        ("ana.@receita.example.br", "check it for a typing mistake"),
    ],
)
def test_a_mistyped_address_is_refused_with_what_is_wrong(app, typed, reason):
    refusal = _refusal(typed)

    assert reason in refusal.message
    assert f"“{typed}”" in refusal.message
    assert refusal.field == "email"


def test_an_empty_address_asks_for_one(app):
    assert _refusal("   ").message == "Enter an email address."


def test_the_refusal_names_the_field_it_belongs_to(app):
    assert _refusal("ana", field="contact_email").field == "contact_email"


@pytest.mark.parametrize(
    ("language", "words"),
    [("es", "no tiene arroba"), ("fr", "pas d'arobase"), ("pt", "não tem arroba")],
)
def test_the_reason_is_said_in_the_readers_language(app, language, words):
    refusal = _refusal("ana.receita.example.br", language)

    assert words in refusal.message
    assert "@-sign" not in refusal.message


def test_the_refusal_is_kept_as_data_to_be_said_later_in_another_language(app):
    kept = _refusal("ana@").deferred

    assert kept is not None
    with force_locale("pt"):
        assert "depois da arroba" in kept.render()
