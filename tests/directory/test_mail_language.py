"""Every email and every page that names a member state reads as the Secretariat's own
translators would write it: the state's name in the form the sentence needs (Mexico,
Brazil and the United States take an article in French and Portuguese, and the United
States a plural verb), counts in the plural, dates in full, formal greetings, and mail to
the Secretariat in the Secretariat's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from tests.directory.fixtures import NOW, TODAY
from webapp.core import grammar
from webapp.directory import fields, refresh, refresh_mail
from webapp.directory.errors import InvalidEntry

DUE_VERIFIED = TODAY - timedelta(days=183)  # due on 30 May 2025 with the 180-day default
LANGUAGES = ("en", "es", "fr", "pt")
STATES = ("MX", "BR", "US")

# "of <state>", as the translators write it.
OF = {
    "en": {"MX": "of Mexico", "BR": "of Brazil", "US": "of the United States"},
    "es": {"MX": "de México", "BR": "de Brasil", "US": "de Estados Unidos"},
    "fr": {"MX": "du Mexique", "BR": "du Brésil", "US": "des États-Unis"},
    "pt": {"MX": "do México", "BR": "do Brasil", "US": "dos Estados Unidos"},
}

REQUEST_SUBJECT = {
    "en": "Please review the directory entries {of}",
    "es": "Sírvase revisar los registros del directorio {of}",
    "fr": "Veuillez vérifier les fiches du répertoire {of}",
    "pt": "Revisão dos registros do diretório {of}",
}
REQUEST_BODY = {
    "en": "The entries {of} in the Directory of National Points of Contact are due for review.",
    "es": "Corresponde revisar los registros {of} en el Directorio de Puntos de Contacto "
    "Nacionales.",
    "fr": "Les fiches {of} dans le Répertoire des points de contact nationaux doivent être "
    "vérifiées.",
    "pt": "Os registros {of} no Diretório de Pontos de Contato Nacionais devem ser revisados.",
}
# The link is valid for 60 days from 2 June 2025: until the first of August.
VALID_UNTIL = {
    "en": "valid until August 1, 2025",
    "es": "válido hasta el 1 de agosto de 2025",
    "fr": "valable jusqu'au 1er août 2025",
    "pt": "válido até 1º de agosto de 2025",
}
GREETING_TO_ANA = {
    "en": "Dear Ana Souza,",
    "es": "Apreciable Ana Souza:",
    "fr": "Ana Souza\nMadame, Monsieur,",
    "pt": "Prezado(a) Senhor(a) Ana Souza,",
}
NAMELESS_GREETING = {
    "en": "Dear Sir or Madam,",
    "es": "De nuestra consideración:",
    "fr": "Madame, Monsieur,",
    "pt": "Prezado(a) Senhor(a),",
}
REMINDER_SUBJECT = {
    "en": "Reminder: please review the directory entries {of}",
    "es": "Recordatorio: sírvase revisar los registros del directorio {of}",
    "fr": "Rappel : veuillez vérifier les fiches du répertoire {of}",
    "pt": "Lembrete: revisão dos registros do diretório {of}",
}
REMINDER_SENT_ON = {
    "en": "on June 2, 2025 we asked you",
    "es": "el 2 de junio de 2025 le solicitamos",
    "fr": "le 2 juin 2025 de vérifier",
    "pt": "em 2 de junho de 2025, foi solicitada",
}
# The state as the subject of "has not answered", with the verb agreeing.
NOT_ANSWERED = {
    "en": {
        "MX": "Mexico has not answered the directory refresh request",
        "BR": "Brazil has not answered the directory refresh request",
        "US": "The United States has not answered the directory refresh request",
    },
    "es": {
        "MX": "México no ha respondido a la solicitud de actualización del directorio",
        "BR": "Brasil no ha respondido a la solicitud de actualización del directorio",
        "US": "Estados Unidos no ha respondido a la solicitud de actualización del directorio",
    },
    "fr": {
        "MX": "Le Mexique n'a pas répondu à la demande de mise à jour du répertoire",
        "BR": "Le Brésil n'a pas répondu à la demande de mise à jour du répertoire",
        "US": "Les États-Unis n'ont pas répondu à la demande de mise à jour du répertoire",
    },
    "pt": {
        "MX": "O México não respondeu à solicitação de atualização do diretório",
        "BR": "O Brasil não respondeu à solicitação de atualização do diretório",
        "US": "Os Estados Unidos não responderam à solicitação de atualização do diretório",
    },
}
ESCALATION_BODY = {
    "en": "has not answered the request of June 2, 2025 to review its directory entries.",
    "es": "no ha respondido a la solicitud del 2 de junio de 2025 de revisar sus registros",
    "fr": "n'a pas répondu à la demande du 2 juin 2025",
    "pt": "não respondeu à solicitação de 2 de junho de 2025",
}
NO_FOCAL_POINT_SUBJECT = {
    "en": "No focal point to review the directory entries {of}",
    "es": "Sin punto focal para revisar los registros del directorio {of}",
    "fr": "Aucun point focal pour vérifier les fiches du répertoire {of}",
    "pt": "Nenhum ponto focal para revisar os registros do diretório {of}",
}
NO_FOCAL_POINT_BODY = {
    "en": "The directory entries {of} came due for review on May 30, 2025",
    "es": "Los registros del directorio {of} debían revisarse el 30 de mayo de 2025",
    "fr": "Les fiches du répertoire {of} devaient être vérifiées le 30 mai 2025",
    "pt": "Os registros do diretório {of} deviam ser revisados em 30 de maio de 2025",
}
REVIEW_TITLE = {
    "en": "Review the entries {of}",
    "es": "Revisar los registros {of}",
    "fr": "Vérifier les fiches {of}",
    "pt": "Revisar os registros {of}",
}
NEW_ENTRY_TITLE = {
    "en": {"MX": "New entry for Mexico", "US": "New entry for the United States"},
    "es": {"MX": "Nuevo registro para México", "US": "Nuevo registro para Estados Unidos"},
    "fr": {"MX": "Nouvelle fiche pour le Mexique", "US": "Nouvelle fiche pour les États-Unis"},
    "pt": {"MX": "Novo registro para o México", "US": "Novo registro para os Estados Unidos"},
}
DIALLED_IN = {
    "en": {"MX": "as dialled in Mexico", "BR": "as dialled in Brazil"},
    "es": {"MX": "tal como se marca en México", "BR": "tal como se marca en Brasil"},
    "fr": {"MX": "tel qu'il se compose au Mexique", "BR": "tel qu'il se compose au Brésil"},
    "pt": {"MX": "como é discado no México", "BR": "como é discado no Brasil"},
}
ENTRIES_LISTED = {
    "en": ("1 entry is listed.", "2 entries are listed."),
    "es": ("Figura 1 registro.", "Figuran 2 registros."),
    "fr": ("1 fiche est répertoriée.", "2 fiches sont répertoriées."),
    "pt": ("1 registro consta da lista.", "2 registros constam da lista."),
}


@pytest.fixture()
def due_state(member_state, contact):
    def make(code, entries=1):
        state = member_state(code)
        for _ in range(entries):
            contact(state, verified=DUE_VERIFIED)
        return state

    return make


def both_bodies(message):
    return message.body_text, message.body_html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", STATES)
def test_the_refresh_request_names_the_state_in_the_readers_grammar(
    user, code, language, due_state, sent_mail
):
    state = due_state(code)
    user("focal_point", states=[state], language=language, name="Ana Souza")
    refresh.send_due_requests(NOW)
    [message] = sent_mail("directory-refresh-request")
    of = OF[language][code]
    assert message.subject == REQUEST_SUBJECT[language].format(of=of)
    for body in both_bodies(message):
        assert REQUEST_BODY[language].format(of=of) in body
        assert VALID_UNTIL[language] in body
        assert ENTRIES_LISTED[language][0] in body
    assert message.body_text.startswith(GREETING_TO_ANA[language] + "\n")
    assert GREETING_TO_ANA[language].replace("\n", "<br>") in message.body_html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", STATES)
def test_the_reminder_names_the_state_and_the_day_of_the_first_request(
    user, code, language, due_state, sent_mail
):
    state = due_state(code, entries=2)
    user("focal_point", states=[state], language=language)
    refresh.send_due_requests(NOW)
    refresh.send_reminders(NOW + timedelta(days=14))
    [message] = sent_mail("directory-refresh-reminder")
    assert message.subject == REMINDER_SUBJECT[language].format(of=OF[language][code])
    for body in both_bodies(message):
        assert REMINDER_SENT_ON[language] in body
        assert OF[language][code] in body
        assert ENTRIES_LISTED[language][1] in body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", STATES)
def test_the_escalation_is_written_in_the_secretariats_language_with_the_verb_agreeing(
    app, user, code, language, due_state, sent_mail
):
    app.config["SECRETARIAT_LANGUAGE"] = language
    state = due_state(code)
    user("focal_point", states=[state], language="en" if language != "en" else "es")
    refresh.send_due_requests(NOW)
    refresh.send_escalations(NOW + timedelta(days=30))
    [message] = sent_mail("directory-refresh-escalation")
    assert message.language == language
    assert message.subject == NOT_ANSWERED[language][code]
    for body in both_bodies(message):
        assert NAMELESS_GREETING[language] in body
    first_sentence = message.body_text.split("\n\n")[1]
    assert first_sentence.startswith(NOT_ANSWERED[language][code].split(" ")[0])
    takes_plural_verb = code == "US" and language in ("fr", "pt")
    if not takes_plural_verb:  # the plural verb has its own test below
        assert ESCALATION_BODY[language] in first_sentence


def test_a_plural_state_takes_a_plural_verb_in_the_escalation_body(
    app, user, due_state, sent_mail
):
    app.config["SECRETARIAT_LANGUAGE"] = "fr"
    state = due_state("US")
    user("focal_point", states=[state])
    refresh.send_due_requests(NOW)
    refresh.send_escalations(NOW + timedelta(days=30))
    [message] = sent_mail("directory-refresh-escalation")
    assert (
        "Les États-Unis n'ont pas répondu à la demande du 2 juin 2025 les invitant à vérifier "
        "leurs fiches du répertoire." in message.body_text
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", STATES)
def test_the_no_focal_point_notice_names_the_state_in_the_secretariats_language(
    app, code, language, due_state, sent_mail
):
    app.config["SECRETARIAT_LANGUAGE"] = language
    due_state(code)
    refresh.send_due_requests(NOW)
    [message] = sent_mail("directory-refresh-no-focal-point")
    of = OF[language][code]
    assert message.subject == NO_FOCAL_POINT_SUBJECT[language].format(of=of)
    for body in both_bodies(message):
        assert NO_FOCAL_POINT_BODY[language].format(of=of) in body
        assert NAMELESS_GREETING[language] in body


def test_the_secretariat_language_defaults_to_english(due_state, sent_mail):
    due_state("MX")
    refresh.send_due_requests(NOW)
    [message] = sent_mail("directory-refresh-no-focal-point")
    assert message.language == "en"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", STATES)
def test_the_review_page_names_the_state_in_the_readers_grammar(
    client, user, code, language, due_state, requests_of
):
    state = due_state(code)
    user("focal_point", states=[state])
    refresh.send_due_requests(NOW)
    [request] = requests_of(state)
    page = client.get(
        f"/directory/refresh/{refresh_mail.review_token(request)}",
        headers={"Accept-Language": language},
    ).get_data(as_text=True)
    assert f"<h1>{REVIEW_TITLE[language].format(of=OF[language][code])}</h1>" in page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", ["MX", "US"])
def test_the_contact_form_names_the_state_with_its_article(
    client, member_state, user, login, code, language, contact
):
    state = member_state(code)
    contact(state, verified=TODAY)
    login(user("admin", language=language))
    page = client.get(f"/directory/contacts/new?state={code}").get_data(as_text=True)
    assert NEW_ENTRY_TITLE[language][code] in page
    assert OF[language][code] in page  # "Agencies of …", "Manage the agencies of …"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", ["MX", "BR"])
def test_the_phone_error_names_the_state_not_its_code(app, code, language):
    with force_locale(language), pytest.raises(InvalidEntry) as refused:
        fields.normalise_phones("12", code)
    message = str(refused.value.message)
    assert DIALLED_IN[language][code] in message
    assert f" {code}." not in message


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dear Sir or Madam,"),
        ("es", "De nuestra consideración:"),
        ("fr", "Madame, Monsieur,"),
        ("pt", "Prezado(a) Senhor(a),"),
    ],
)
def test_a_greeting_never_falls_back_to_an_email_address(app, language, expected):
    with force_locale(language):
        assert grammar.salutation(None) == expected
        assert grammar.salutation("") == expected
        assert grammar.salutation("ana@example.org") == expected
