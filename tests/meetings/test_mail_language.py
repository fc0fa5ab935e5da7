"""Every meetings email reads in the participant's language as the Secretariat's own
translators would write it (GLOSSARY.md): the formal opening with the name (a guest always
has one), the sentence that says why the mail is sent, the days in full (the old and the
new time of an update too), the formal closing, and not one English sentence left over.
The page that warns of other organizations' activities names the organization with its
article ("de la Oficina de las Naciones Unidas…")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.meetings.support import NOW, guest, make_series
from webapp.core.reference import Organization
from webapp.extensions import db
from webapp.meetings import activities, cancellation, invitations, reminders, series
from webapp.meetings.models import CANCELLED

LANGUAGES = ("en", "es", "fr", "pt")
TITLE = "Border cooperation meeting"

GREETING_TO_ANA = {
    "en": "Dear Ana Pérez,",
    "es": "Apreciable Ana Pérez:",
    "fr": "Ana Pérez\nMadame, Monsieur,",
    "pt": "Prezado(a) Senhor(a) Ana Pérez,",
}
CLOSING = {
    "en": "Yours sincerely,\nThe Secretariat",
    "es": "Atentamente,\nLa Secretaría",
    "fr": "Veuillez agréer, Madame, Monsieur, l'expression de notre considération distinguée.\n"
    "Le Secrétariat",
    "pt": "Atenciosamente,\nA Secretaria",
}
# Tuesday 4 May 2027, 10:00 in Bogota, the day in full in the reader's language.
THE_DAY = {
    "en": "Tuesday, May 4, 2027",
    "es": "martes, 4 de mayo de 2027",
    "fr": "mardi 4 mai 2027",
    "pt": "terça-feira, 4 de maio de 2027",
}
INVITED = {
    "en": f"You are invited to {TITLE}.",
    "es": f"Tenemos el agrado de invitarle a {TITLE}.",
    "fr": f"Nous avons l'honneur de vous inviter à {TITLE}.",
    "pt": f"Tem-se a satisfação de convidar para {TITLE}.",
}
INVITATION_SUBJECT = {
    "en": f"Invitation: {TITLE}",
    "es": f"Invitación: {TITLE}",
    "fr": f"Invitation : {TITLE}",
    "pt": f"Convite: {TITLE}",
}
PLEASE_ANSWER = {
    "en": "Please answer with your calendar's buttons or with one of these links:",
    "es": "Le rogamos que responda con los botones de su calendario o con uno de estos enlaces:",
    "fr": "Nous vous prions de répondre au moyen des boutons de votre calendrier ou de l'un de "
    "ces liens :",
    "pt": "Solicita-se responder com os botões do calendário ou com um destes links:",
}
# Label and value: French puts a space before the colon.
ACCEPT_LINE = {
    "en": "Accept: http",
    "es": "Aceptar: http",
    "fr": "Accepter : http",
    "pt": "Aceitar: http",
}
TIME_LINE = {
    "en": f"- {TITLE}: {THE_DAY['en']}",
    "es": f"- {TITLE}: {THE_DAY['es']}",
    "fr": f"- {TITLE} : {THE_DAY['fr']}",
    "pt": f"- {TITLE}: {THE_DAY['pt']}",
}
CHANGED = {
    "en": f"{TITLE} has changed.",
    "es": f"{TITLE} ha cambiado.",
    "fr": f"{TITLE} a été modifiée.",
    "pt": f"{TITLE} foi alterada.",
}
NEW_TIME = {
    "en": "New time: Wednesday, May 5, 2027",
    "es": "Nueva hora: miércoles, 5 de mayo de 2027",
    "fr": "Nouvel horaire : mercredi 5 mai 2027",
    "pt": "Novo horário: quarta-feira, 5 de maio de 2027",
}
CANCELLED_SUBJECT = {
    "en": f"Cancelled: {TITLE}",
    "es": f"Cancelada: {TITLE}",
    "fr": f"Annulée : {TITLE}",
    "pt": f"Cancelada: {TITLE}",
}
CANCELLED_ON = {
    "en": f"{TITLE} on {THE_DAY['en']}",
    "es": f"{TITLE} del {THE_DAY['es']}",
    "fr": f"{TITLE} du {THE_DAY['fr']}",
    "pt": f"{TITLE} de {THE_DAY['pt']}",
}
WITHDRAWN_SUBJECT = {
    "en": f"Invitation withdrawn: {TITLE}",
    "es": f"Invitación retirada: {TITLE}",
    "fr": f"Invitation retirée : {TITLE}",
    "pt": f"Convite retirado: {TITLE}",
}
WITHDRAWN = {
    "en": f"Your invitation to {TITLE} is withdrawn.",
    "es": f"Se retiró su invitación a {TITLE}.",
    "fr": f"Votre invitation à {TITLE} est retirée.",
    "pt": f"O convite para {TITLE} foi retirado.",
}
SERIES_CANCELLED = {
    "en": f"{TITLE} is cancelled: none of its meetings still to come will take place.",
    "es": f"La serie {TITLE} ha sido cancelada: ninguna de sus reuniones pendientes se celebrará.",
    "fr": f"La série {TITLE} est annulée : aucune de ses réunions à venir n'aura lieu.",
    "pt": f"A série {TITLE} foi cancelada: nenhuma das reuniões previstas será realizada.",
}
REMINDER_SUBJECT = {
    "en": f"Reminder: {TITLE}",
    "es": f"Recordatorio: {TITLE}",
    "fr": f"Rappel : {TITLE}",
    "pt": f"Lembrete: {TITLE}",
}
REMINDED = {
    "en": f"A reminder: {TITLE} starts on {THE_DAY['en']}",
    "es": f"Le recordamos que {TITLE} comienza el {THE_DAY['es']}",
    "fr": f"Nous vous rappelons que {TITLE} commence le {THE_DAY['fr']}",
    "pt": f"Recorda-se que {TITLE} começa em {THE_DAY['pt']}",
}
# Sentences of the English templates that must not survive in another language.
ENGLISH = ("Yours sincerely", "Please answer", "You are invited", "has changed", "Dear ")
# The overlap warning names the organization with its article and preposition.
UNODC_ACTIVITY = {
    "en": "Port control workshop, an activity of the United Nations Office on Drugs and Crime",
    "es": "Port control workshop, actividad de la Oficina de las Naciones Unidas contra la Droga "
    "y el Delito",
    "fr": "Port control workshop, activité de l'Office des Nations Unies contre la drogue et le "
    "crime",
    "pt": "Port control workshop, atividade do Escritório das Nações Unidas sobre Drogas e Crime",
}


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def invited(organizer):
    """A one-off meeting in Bogota on 4 May 2027 and Ana, invited, reading `language`."""

    def make(language: str):
        meeting = make_series(organizer, title=TITLE, zone="America/Bogota")
        person = guest(
            meeting,
            organizer,
            "ana@customs.example",
            language=language,
            timezone="America/Bogota",
        )
        invitations.send_invitations(meeting, now=NOW)
        db.session.commit()
        return meeting, person

    return make


def bodies(message) -> tuple[str, str]:
    """The plain body with its spaces made plain (Babel writes narrow no-break spaces in
    English times), and the HTML body."""
    text = message.body_text.replace("\u202f", " ").replace("\u00a0", " ")
    return text, message.body_html


def assert_reads_in(language: str, message, greeting: str) -> None:
    text, html = bodies(message)
    assert message.language == language
    assert text.startswith(greeting + "\n")
    assert greeting.replace("\n", "<br>") in html
    assert CLOSING[language] in text
    if language != "en":
        leftovers = [sentence for sentence in ENGLISH if sentence in text or sentence in html]
        assert leftovers == []


def _move(occurrence, day: datetime, status: str | None = None) -> series.Changes:
    starts, ends = series.wall_clock(occurrence)
    if day is not None:
        starts, ends = day, day.replace(hour=17)
    return series.update_occurrence(
        occurrence,
        series.OccurrenceInput(
            starts=starts, ends=ends, zone=occurrence.zone,
            status=status or occurrence.status,
            venue=series.Venue("OAS Building, Washington"),
        ),
        now=NOW,
    )  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invitation_reads_in_the_participants_language(invited, language, sent_mail):
    invited(language)
    [message] = sent_mail(invitations.INVITATION)
    assert message.subject == INVITATION_SUBJECT[language]
    assert_reads_in(language, message, GREETING_TO_ANA[language])
    text, _html = bodies(message)
    assert INVITED[language] in text
    assert THE_DAY[language] in text
    assert PLEASE_ANSWER[language] in text
    assert ACCEPT_LINE[language] in text
    assert TIME_LINE[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_update_says_what_changed_in_the_participants_language(invited, language, sent_mail):
    meeting, _person = invited(language)
    occurrence = meeting.occurrences[0]
    changes = _move(occurrence, datetime(2027, 5, 5, 11, 0))
    invitations.send_updates(occurrence, changes, now=NOW)
    db.session.commit()
    [message] = sent_mail(invitations.UPDATE)
    assert_reads_in(language, message, GREETING_TO_ANA[language])
    text, _html = bodies(message)
    assert CHANGED[language] in text
    assert NEW_TIME[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cancellation_names_the_day_in_the_participants_language(invited, language, sent_mail):
    meeting, _person = invited(language)
    occurrence = meeting.occurrences[0]
    changes = _move(occurrence, None, status=CANCELLED)
    invitations.send_updates(occurrence, changes, now=NOW)
    db.session.commit()
    [message] = sent_mail(invitations.CANCEL)
    assert message.subject == CANCELLED_SUBJECT[language]
    assert_reads_in(language, message, GREETING_TO_ANA[language])
    assert CANCELLED_ON[language] in bodies(message)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_withdrawal_reads_in_the_participants_language(invited, language, sent_mail):
    _meeting, person = invited(language)
    invitations.remove_participant(person, now=NOW)
    db.session.commit()
    [message] = sent_mail(invitations.CANCEL)
    assert message.subject == WITHDRAWN_SUBJECT[language]
    assert_reads_in(language, message, GREETING_TO_ANA[language])
    assert WITHDRAWN[language] in bodies(message)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cancellation_of_a_series_reads_in_the_participants_language(
    invited, language, sent_mail
):
    meeting, _person = invited(language)
    cancelled = cancellation.cancel_series(meeting, now=NOW)
    cancellation.send_series_cancel(meeting, cancelled, now=NOW)
    db.session.commit()
    [message] = sent_mail(invitations.CANCEL)
    assert message.subject == CANCELLED_SUBJECT[language]
    assert_reads_in(language, message, GREETING_TO_ANA[language])
    assert SERIES_CANCELLED[language] in bodies(message)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reminder_names_the_day_in_the_participants_language(invited, language, sent_mail):
    invited(language)
    start = datetime(2027, 5, 4, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
    reminders.send_due_reminders(start - timedelta(days=1) + timedelta(minutes=5))
    db.session.commit()
    [message] = sent_mail("meeting-reminder")
    assert message.subject == REMINDER_SUBJECT[language]
    assert_reads_in(language, message, GREETING_TO_ANA[language])
    assert REMINDED[language] in bodies(message)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overlap_warning_names_the_organization_with_its_article(
    client, login, organizer, area, language
):
    customs = area("customs")
    unodc = Organization(
        acronym="UNODC", name_en="UNODC", name_es="UNODC", name_fr="ONUDC", name_pt="UNODC"
    )
    db.session.add(unodc)
    meeting = make_series(organizer, topics=[customs], schedule=False)
    activities.add_activity(
        activities.ActivityInput(
            organization=unodc, title="Port control workshop", starts_on=date(2027, 5, 3),
            ends_on=date(2027, 5, 3), topics=[customs], member_states=[],
        ),
        by=organizer,
    )  # fmt: skip
    db.session.commit()
    organizer.language = language
    db.session.commit()
    login(organizer)
    page = client.get(f"/meetings/occurrences/{meeting.occurrences[0].id}")
    assert page.status_code == 200
    assert UNODC_ACTIVITY[language] in page.get_data(as_text=True).replace("&#39;", "'")


# Tuesday 1 June 2027: French writes the first of a month "1er", Portuguese "1º".
FIRST_OF_JUNE = {
    "en": "New time: Tuesday, June 1, 2027",
    "es": "Nueva hora: martes, 1 de junio de 2027",
    "fr": "Nouvel horaire : mardi 1er juin 2027",
    "pt": "Novo horário: terça-feira, 1º de junho de 2027",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_of_a_month_is_written_as_the_language_writes_it(invited, language, sent_mail):
    meeting, _person = invited(language)
    invitations.send_updates(
        meeting.occurrences[0], _move(meeting.occurrences[0], datetime(2027, 6, 1, 10, 0)), now=NOW
    )
    db.session.commit()
    [message] = sent_mail(invitations.UPDATE)
    text, _html = bodies(message)
    assert FIRST_OF_JUNE[language] in text
