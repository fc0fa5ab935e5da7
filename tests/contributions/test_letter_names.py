"""A donor is named in the acknowledgement letter and its mail in the reader's language,
with that language's grammar (core.grammar, GLOSSARY.md): "recebida do Brasil", "reçue du
Mexique", "received from the United States" — never a bare English name in a sentence."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest

from webapp.contributions import receipts
from webapp.contributions.letters import ACKNOWLEDGEMENT
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

RECEIVED_FROM = {
    ("en", "MX"): "received from Mexico",
    ("en", "BR"): "received from Brazil",
    ("en", "US"): "received from the United States",
    ("es", "MX"): "recibida de México",
    ("es", "BR"): "recibida de Brasil",
    ("es", "US"): "recibida de Estados Unidos",
    ("fr", "MX"): "reçue du Mexique",
    ("fr", "BR"): "reçue du Brésil",
    ("fr", "US"): "reçue des États-Unis",
    ("pt", "MX"): "recebida do México",
    ("pt", "BR"): "recebida do Brasil",
    ("pt", "US"): "recebida dos Estados Unidos",
}


@pytest.mark.parametrize(("language", "code"), sorted(RECEIVED_FROM))
def test_the_letter_and_its_mail_name_the_state_with_the_readers_grammar(
    donor, finance, sent_mail, language, code
):
    giver = donor(
        code, language=language, contact="treasury@example.gov", contact_language=language
    )
    receipt = receipts.record_receipt(
        donor=giver,
        amount="100",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    expected = RECEIVED_FROM[(language, code)]
    assert expected in html.unescape(receipt.letter.html)
    [mail] = sent_mail(ACKNOWLEDGEMENT)
    assert expected in " ".join(mail.body_text.split())


def test_the_mail_follows_the_contacts_language_and_the_letter_the_donors(
    donor, finance, sent_mail
):
    brazil = donor("BR", language="pt", contact="treasury@example.gov", contact_language="fr")
    receipt = receipts.record_receipt(
        donor=brazil,
        amount="100",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    assert "recebida do Brasil" in html.unescape(receipt.letter.html)
    [mail] = sent_mail(ACKNOWLEDGEMENT)
    assert "reçue du Brésil" in " ".join(mail.body_text.split())


def test_another_donor_keeps_its_own_name(donor, finance, sent_mail):
    foundation = donor(
        name="Fundação Exemplo", language="pt", contact="f@example.org", contact_language="pt"
    )
    receipt = receipts.record_receipt(
        donor=foundation,
        amount="100",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    assert "recebida de Fundação Exemplo" in html.unescape(receipt.letter.html)
