"""The contributions mail in the reader's language, as the Secretariat's own translators
would write it (GLOSSARY.md): the acknowledgement names the donor with its article and
preposition, a member state (Mexico, Brazil, the United States), a permanent observer (the
European Union) or an organization (the Inter-American Development Bank), and gives the
day in full; the overdue digest counts in the plural and dates in full. The names of
member states are checked in test_letter_names.py; these tests add the rest of the mail."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest

from webapp.contributions import digest, donors, pledges, receipts
from webapp.contributions.letters import ACKNOWLEDGEMENT
from webapp.contributions.models import ORGANIZATION, PERMANENT_OBSERVER
from webapp.core.reference import Organization, PermanentObserver
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
LANGUAGES = ("en", "es", "fr", "pt")

SUBJECT = {
    "en": "Acknowledgement of your contribution ",
    "es": "Acuse de recibo de su contribución ",
    "fr": "Accusé de réception de votre contribution ",
    "pt": "Aviso de recebimento da contribuição ",
}
GREETING = {
    "en": "Dear Contact Person,",
    "es": "Apreciable Contact Person:",
    "fr": "Contact Person\nMadame, Monsieur,",
    "pt": "Prezado(a) Senhor(a) Contact Person,",
}
SIGNED = {
    "en": "Secretariat for Multidimensional Security",
    "es": "Secretaría de Seguridad Multidimensional",
    "fr": "Secrétariat à la sécurité multidimensionnelle",
    "pt": "Secretaria de Segurança Multidimensional",
}
# "received <from the donor> on <the day in full>"
RECEIVED = {
    ("en", "MX"): "received from Mexico on March 2, 2026",
    ("es", "MX"): "recibida de México el 2 de marzo de 2026",
    ("fr", "MX"): "reçue du Mexique le 2 mars 2026",
    ("pt", "MX"): "recebida do México em 2 de março de 2026",
    ("en", "BR"): "received from Brazil on March 2, 2026",
    ("es", "BR"): "recibida de Brasil el 2 de marzo de 2026",
    ("fr", "BR"): "reçue du Brésil le 2 mars 2026",
    ("pt", "BR"): "recebida do Brasil em 2 de março de 2026",
    ("en", "US"): "received from the United States on March 2, 2026",
    ("es", "US"): "recibida de Estados Unidos el 2 de marzo de 2026",
    ("fr", "US"): "reçue des États-Unis le 2 mars 2026",
    ("pt", "US"): "recebida dos Estados Unidos em 2 de março de 2026",
    ("en", "EU"): "received from the European Union on March 2, 2026",
    ("es", "EU"): "recibida de la Unión Europea el 2 de marzo de 2026",
    ("fr", "EU"): "reçue de l'Union européenne le 2 mars 2026",
    ("pt", "EU"): "recebida da União Europeia em 2 de março de 2026",
    ("en", "IDB"): "received from the Inter-American Development Bank on March 2, 2026",
    ("es", "IDB"): "recibida del Banco Interamericano de Desarrollo el 2 de marzo de 2026",
    ("fr", "IDB"): "reçue de la Banque interaméricaine de développement le 2 mars 2026",
    ("pt", "IDB"): "recebida do Banco Interamericano de Desenvolvimento em 2 de março de 2026",
}
OVERDUE_SUBJECT = {
    "en": "1 overdue instalment",
    "es": "1 cuota vencida",
    "fr": "1 échéance en retard",
    "pt": "1 parcela vencida",
}
OVERDUE_AS_OF = {
    "en": "1 instalment is overdue as of March 16, 2026:",
    "es": "1 cuota está vencida al 16 de marzo de 2026:",
    "fr": "1 échéance est en retard au 16 mars 2026 :",
    "pt": "1 parcela está vencida em 16 de março de 2026:",
}
# The list names the donor bare, in the reader's language, as a label, and the due day in
# full ("1er mars", "1º de março").
OVERDUE_LINE = {
    "en": "- Brazil: $300.00, due March 1, 2026 (15 days late)",
    "es": "- Brasil: 300,00 US$, vence el 1 de marzo de 2026 (15 días de atraso)",
    "fr": "- Brésil : 300,00 $US, échéance le 1er mars 2026 (15 jours de retard)",
    "pt": "- Brasil: US$ 300,00, vencimento em 1º de março de 2026 (15 dias de atraso)",
}
NAMES_OF_BRAZIL = {"name_es": "Brasil", "name_fr": "Brésil", "name_pt": "Brasil"}
ENGLISH = ("Please find attached", "received from", "overdue as of", "Dear ")


@pytest.fixture()
def giver(donor, finance, member_state):
    """A donor with a contact person reading `language`: a member state by its ISO code,
    the European Union (a permanent observer) or the IDB (an organization)."""

    def make(code: str, language: str):
        if code == "EU":
            observer = PermanentObserver(
                code="EU",
                name_en="European Union",
                name_es="Unión Europea",
                name_fr="Union européenne",
                name_pt="União Europeia",
            )
            db.session.add(observer)
            db.session.flush()
            made = donors.create_donor(
                kind=PERMANENT_OBSERVER, reference_id=observer.id, language=language, by=finance
            )
        elif code == "IDB":
            bank = Organization(
                acronym="IDB",
                name_en="Inter-American Development Bank",
                name_es="Banco Interamericano de Desarrollo",
                name_fr="Banque interaméricaine de développement",
                name_pt="Banco Interamericano de Desenvolvimento",
            )
            db.session.add(bank)
            db.session.flush()
            made = donors.create_donor(
                kind=ORGANIZATION, reference_id=bank.id, language=language, by=finance
            )
        else:
            return donor(
                code, language=language, contact="treasury@example.gov", contact_language=language
            )
        donors.add_contact(
            made,
            name="Contact Person",
            email="treasury@example.gov",
            language=language,
            by=finance,
        )
        db.session.commit()
        return made

    return make


def plain(text: str) -> str:
    """The text with HTML entities read and every run of spaces one plain space."""
    return " ".join(html.unescape(text).replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.mark.parametrize(("language", "code"), sorted(RECEIVED))
def test_the_acknowledgement_names_the_donor_and_the_day_in_the_contacts_language(
    giver, finance, sent_mail, language, code
):
    receipts.record_receipt(
        donor=giver(code, language),
        amount="100",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    [mail] = sent_mail(ACKNOWLEDGEMENT)
    assert mail.language == language
    assert mail.subject.startswith(SUBJECT[language])
    assert mail.body_text.startswith(GREETING[language] + "\n")
    for body in (mail.body_text, mail.body_html):
        assert RECEIVED[(language, code)] in plain(body)
        assert SIGNED[language] in body
    if language != "en":
        assert [s for s in ENGLISH if s in mail.body_text or s in mail.body_html] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overdue_digest_counts_and_dates_in_the_officers_language(
    donor, finance, sent_mail, language
):
    finance.language = language
    brazil = donor("BR")
    for column, name in NAMES_OF_BRAZIL.items():  # the reference data's names
        setattr(brazil.reference, column, name)
    pledges.record_pledge(
        donor=brazil,
        amount="600",
        currency="USD",
        pledged_on=date(2026, 1, 1),
        instalments=[(date(2026, 3, 1), "300"), (date(2026, 6, 1), "300")],
        by=finance,
    )
    db.session.commit()
    assert digest.send_overdue_digest(date(2026, 3, 16)) == 1
    db.session.commit()
    [mail] = sent_mail(digest.OVERDUE_DIGEST)
    assert mail.language == language
    assert mail.subject == OVERDUE_SUBJECT[language]
    text = mail.body_text.replace("\u202f", " ").replace("\u00a0", " ")
    assert text.startswith(GREETING[language].replace("Contact Person", "Fiona Finance") + "\n")
    assert OVERDUE_AS_OF[language] in text
    assert OVERDUE_LINE[language] in text
    assert SIGNED[language] in text
    if language != "en":
        assert [s for s in ENGLISH if s in mail.body_text or s in mail.body_html] == []


@pytest.mark.parametrize(
    ("language", "sentence", "day"),
    [
        ("en", "received from Brazil on March 1, 2026", "March 1, 2026"),
        ("es", "recibida de Brasil el 1 de marzo de 2026", "1 de marzo de 2026"),
        ("fr", "reçue du Brésil le 1er mars 2026", "1er mars 2026"),
        ("pt", "recebida do Brasil em 1º de março de 2026", "1º de março de 2026"),
    ],
)
def test_the_first_of_the_month_is_written_as_each_language_writes_it(
    giver, finance, sent_mail, language, sentence, day
):
    receipt = receipts.record_receipt(
        donor=giver("BR", language),
        amount="100",
        currency="USD",
        received_on=date(2026, 3, 1),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    [mail] = sent_mail(ACKNOWLEDGEMENT)
    assert sentence in plain(mail.body_text)
    assert f"<td>{day}</td>" in plain(receipt.letter.html)  # the value date
