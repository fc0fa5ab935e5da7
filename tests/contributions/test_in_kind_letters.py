"""In-kind contributions are acknowledged like receipts: a letter numbered in the same
gap-free yearly sequence, in the donor's language, as HTML and PDF, kept and emailed to
the donor's contact with the PDF attached."""

from __future__ import annotations

import html
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from tests.contributions.conftest import count
from webapp.contributions import ledger, receipts
from webapp.contributions.letters import ACKNOWLEDGEMENT
from webapp.contributions.models import AcknowledgementLetter, InKindContribution
from webapp.core.errors import RuleError
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def give(giver, finance, description="Deux scanners de conteneurs", **fields):
    gift = receipts.record_in_kind(
        donor=giver,
        description=description,
        amount=fields.pop("amount", "150000"),
        currency=fields.pop("currency", "USD"),
        received_on=date(2026, 3, 2),
        basis=fields.pop("basis", "Facture du fournisseur 4471"),
        by=finance,
        now=fields.pop("now", NOW),
    )
    db.session.commit()
    return gift


def cash(giver, finance):
    receipt = receipts.record_receipt(
        donor=giver,
        amount="10",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    return receipt


def test_in_kind_and_money_letters_share_one_gap_free_sequence(donor, finance):
    mexico = donor("MX", language="fr")
    first = cash(mexico, finance)
    gift = give(mexico, finance)
    last = cash(mexico, finance)
    assert [first.letter.reference, gift.letter.reference, last.letter.reference] == [
        "2026/0001",
        "2026/0002",
        "2026/0003",
    ]


def test_the_in_kind_letter_is_in_the_donors_language_and_kept_as_html_and_pdf(donor, finance):
    mexico = donor("MX", language="fr")
    gift = give(mexico, finance)
    letter = db.session.get(InKindContribution, gift.id).letter
    assert letter.language == "fr"
    text = html.unescape(letter.html)
    assert "reçue du Mexique" in text
    assert "Deux scanners de conteneurs" in text
    assert "Facture du fournisseur 4471" in text
    pdf = pdf_text(letter.pdf)
    assert "2026/0001" in pdf
    assert "Mexique" in pdf


def test_the_in_kind_letter_is_emailed_with_its_pdf(donor, finance, sent_mail):
    brazil = donor("BR", language="pt", contact="tesouro@example.gov.br", contact_language="pt")
    gift = give(brazil, finance, description="Duas salas de treinamento")
    [mail] = sent_mail(ACKNOWLEDGEMENT)
    assert mail.recipient == "tesouro@example.gov.br"
    body = " ".join(mail.body_text.split())
    assert "Duas salas de treinamento" in body
    assert "recebida do Brasil" in body
    [attachment] = mail.attachments
    assert (attachment.filename, attachment.content) == (
        "acknowledgement-2026-0001.pdf",
        gift.letter.pdf,
    )


def test_a_refused_in_kind_contribution_takes_no_number(donor, finance):
    brazil = donor()
    with pytest.raises(RuleError):
        receipts.record_in_kind(
            donor=brazil,
            description="Scanners",
            amount="100",
            currency="USD",
            received_on=date(2026, 3, 2),
            basis="",
            by=finance,
            now=NOW,
        )
    db.session.rollback()
    assert count(AcknowledgementLetter) == 0
    assert cash(brazil, finance).letter.reference == "2026/0001"


def test_the_reversal_of_an_in_kind_contribution_has_no_letter(donor, finance):
    gift = give(donor(), finance)
    reversal = ledger.reverse(gift, reason="Valued twice", by=finance, now=NOW)
    db.session.commit()
    assert reversal.letter is None
    assert count(AcknowledgementLetter) == 1


def test_finance_opens_the_in_kind_letter_from_the_donor_page(client, login, donor, finance):
    brazil = donor()
    gift = give(brazil, finance)
    login(finance)
    page = client.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert f"/contributions/in-kind/{gift.id}/letter.pdf" in page
    pdf = client.get(f"/contributions/in-kind/{gift.id}/letter.pdf")
    assert (pdf.mimetype, pdf.data) == ("application/pdf", gift.letter.pdf)
    kept = client.get(f"/contributions/in-kind/{gift.id}/letter")
    assert kept.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert client.get("/contributions/in-kind/999999/letter.pdf").status_code == 404
