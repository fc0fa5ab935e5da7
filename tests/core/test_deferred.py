"""Messages kept as data: stored once, said in each reader's language."""

from __future__ import annotations

from flask_babel import force_locale

from webapp.core.deferred import Message, StateName, deferred_gettext, deferred_ngettext
from webapp.core.errors import RuleError


def test_a_message_kept_as_data_is_said_in_the_language_active_when_shown(app):
    kept = deferred_gettext("“%(code)s” is not a member state's code.", code="ZZ").to_data()

    with force_locale("es"):
        spanish = Message.from_data(kept).render()
    with force_locale("en"):
        english = str(Message.from_data(kept))

    assert spanish == "“ZZ” no es el código de un Estado Miembro."
    assert english == "“ZZ” is not a member state's code."


def test_a_count_agrees_with_its_number_in_each_language(app):
    kept = deferred_ngettext(
        "The file has more than %(num)d row. Split it into smaller files.",
        "The file has more than %(num)d rows. Split it into smaller files.",
        3,
    ).to_data()

    with force_locale("en"):
        assert Message.from_data(kept).render().startswith("The file has more than 3 rows.")


def test_a_states_name_takes_the_readers_language_and_sentence_form(app, member_state):
    member_state("BR")
    kept = Message("%(in_state)s", {"in_state": StateName("BR", "in")}).to_data()

    with force_locale("en"):
        english = Message.from_data(kept).render()
    with force_locale("pt"):
        portuguese = Message.from_data(kept).render()

    assert "Brazil" in english
    assert "Brasil" in portuguese and english != portuguese


def test_stored_data_that_no_longer_fits_its_message_shows_the_text_not_an_error(app):
    broken = Message.from_data({"text": "Row %(row)s is wrong.", "params": {"other": 1}})

    assert broken.render() == "Row %(row)s is wrong."


def test_a_refusal_given_a_message_keeps_it_as_data_and_as_text(app):
    with force_locale("en"):
        refusal = RuleError(deferred_gettext("Enter an email address."), "email")

    assert refusal.message == "Enter an email address."
    assert refusal.deferred == Message("Enter an email address.")
    assert RuleError("plain").deferred is None
