"""Account mail opens with the formal salutation: by name when the name is known, never
with an email address."""

from __future__ import annotations

from webapp.accounts import resets
from webapp.extensions import db


def test_a_person_without_a_name_is_greeted_formally_not_by_address(user, sent_mail):
    person = user("participant", name="", language="pt", email="sem.nome@example.org")
    resets.request_password_reset(person.email, "en")
    db.session.commit()
    [mail] = sent_mail("password_reset", to=person.email)
    first_line = mail.body_text.splitlines()[0]
    assert first_line == "Prezado(a) Senhor(a),"
    assert "<p>Prezado(a) Senhor(a),</p>" in mail.body_html


def test_a_person_with_a_name_is_greeted_by_name(user, sent_mail):
    person = user("participant", name="Ana Silva", language="es")
    resets.request_password_reset(person.email, "en")
    db.session.commit()
    [mail] = sent_mail("password_reset", to=person.email)
    assert mail.body_text.splitlines()[0] == "Apreciable Ana Silva:"


def test_the_french_greeting_puts_the_name_above_madame_monsieur(user, sent_mail):
    person = user("participant", name="Ana Silva", language="fr")
    resets.request_password_reset(person.email, "en")
    db.session.commit()
    [mail] = sent_mail("password_reset", to=person.email)
    assert mail.body_text.splitlines()[:2] == ["Ana Silva", "Madame, Monsieur,"]
    assert "<p>Ana Silva<br>Madame, Monsieur,</p>" in mail.body_html
