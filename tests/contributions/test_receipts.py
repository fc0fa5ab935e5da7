"""Receipts: valued at the rate of their value date, checked against the donor's pledges,
acknowledged by a numbered letter in the donor's language, kept and emailed."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests.contributions.conftest import count
from webapp.contributions import pledges, receipts
from webapp.contributions.letters import ACKNOWLEDGEMENT
from webapp.contributions.models import AcknowledgementLetter, Receipt
from webapp.core.errors import RuleError
from webapp.core.money import Money
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_receipt_in_another_currency_keeps_its_usd_value_rate_and_source(donor, finance, rate):
    rate("EUR", date(2026, 3, 2), "1.084250", source="ECB reference rate")
    receipt = receipts.record_receipt(
        donor=donor(),
        amount="100.00",
        currency="EUR",
        received_on=date(2026, 3, 2),
        bank_reference="FT26061",
        by=finance,
        now=NOW,
    )
    db.session.commit()
    stored = db.session.get(Receipt, receipt.id)
    assert stored.money == Money(Decimal("100"), "EUR")
    assert stored.usd == Money(Decimal("108.42"), "USD")
    assert (stored.usd_rate, stored.rate_source) == (Decimal("1.084250"), "ECB reference rate")


def test_a_receipt_without_a_rate_for_its_value_date_is_refused(donor, finance, rate):
    rate("EUR", date(2026, 3, 1), "1.08")
    with pytest.raises(RuleError, match="no exchange rate for EUR on Mar 2, 2026"):
        receipts.record_receipt(
            donor=donor(),
            amount="100",
            currency="EUR",
            received_on=date(2026, 3, 2),
            by=finance,
            now=NOW,
        )
    db.session.rollback()
    assert (count(Receipt), count(AcknowledgementLetter)) == (0, 0)


def test_a_receipt_against_another_donors_pledge_is_refused(donor, finance):
    brazil, mexico = donor("BR"), donor("MX")
    pledge = pledges.record_pledge(
        donor=brazil, amount="500", currency="USD", pledged_on=date(2026, 1, 5), by=finance
    )
    with pytest.raises(RuleError, match="another donor") as caught:
        receipts.record_receipt(
            donor=mexico,
            pledge=pledge,
            amount="500",
            currency="USD",
            received_on=date(2026, 2, 1),
            by=finance,
            now=NOW,
        )
    assert caught.value.field == "pledge"


def test_a_receipt_against_a_pledge_is_in_the_pledges_currency(donor, finance, rate):
    rate("EUR", date(2026, 2, 1), "1.1")
    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil, amount="500", currency="USD", pledged_on=date(2026, 1, 5), by=finance
    )
    with pytest.raises(RuleError, match="must be in USD"):
        receipts.record_receipt(
            donor=brazil,
            pledge=pledge,
            amount="450",
            currency="EUR",
            received_on=date(2026, 2, 1),
            by=finance,
            now=NOW,
        )


def test_a_receipt_takes_the_earmark_of_the_pledge_it_pays(donor, finance):
    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil,
        amount="500",
        currency="USD",
        pledged_on=date(2026, 1, 5),
        earmark_kind="program",
        earmark_label="Border training",
        by=finance,
    )
    receipt = receipts.record_receipt(
        donor=brazil,
        pledge=pledge,
        amount="200",
        currency="USD",
        received_on=date(2026, 2, 1),
        by=finance,
        now=NOW,
    )
    assert receipt.earmark_key == ("program", "Border training")


def test_the_letter_is_numbered_written_in_the_donors_language_kept_and_emailed(
    donor, finance, sent_mail
):
    brazil = donor(language="pt", contact="tesouro@example.gov.br", contact_language="pt")
    receipt = receipts.record_receipt(
        donor=brazil,
        amount="2500.00",
        currency="USD",
        received_on=date(2026, 3, 2),
        bank_reference="FT-1",
        by=finance,
        now=NOW,
    )
    db.session.commit()
    letter = db.session.get(Receipt, receipt.id).letter
    assert (letter.year, letter.number, letter.reference) == (2026, 1, "2026/0001")
    text = pdf_text(letter.pdf)
    assert "Aviso de recebimento de contribuição" in text  # the donor's language
    assert "recebida do Brasil" in text  # named in the reader's language, with its grammar
    assert "US$\xa02.500,00" in text  # the amount as Portuguese readers write it
    assert "2026/0001" in text
    [mail] = sent_mail(ACKNOWLEDGEMENT)
    assert mail.recipient == "tesouro@example.gov.br"
    assert mail.language == "pt"
    # The formal opening of the glossary, with the contact's name (core.grammar.salutation).
    assert mail.body_text.startswith("Prezado(a) Senhor(a) Contact Person,")
    [attachment] = mail.attachments
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "acknowledgement-2026-0001.pdf"
    assert attachment.content == letter.pdf


def test_letter_numbers_run_without_gaps_and_restart_each_year(donor, finance, rate):
    brazil = donor()
    rate("EUR", date(2026, 3, 2), "1.08")
    numbers = []
    for when in (NOW, NOW, datetime(2027, 1, 4, tzinfo=UTC)):
        receipt = receipts.record_receipt(
            donor=brazil,
            amount="10",
            currency="USD",
            received_on=date(2026, 3, 2),
            by=finance,
            now=when,
        )
        db.session.commit()
        numbers.append(receipt.letter.reference)
        # A refused receipt in between takes no number.
        with pytest.raises(RuleError):
            receipts.record_receipt(
                donor=brazil,
                amount="10",
                currency="EUR",
                received_on=date(2026, 3, 3),
                by=finance,
                now=when,
            )
        db.session.rollback()
    assert numbers == ["2026/0001", "2026/0002", "2027/0001"]


def test_a_donor_without_a_contact_still_gets_a_kept_letter_but_no_mail(donor, finance, sent_mail):
    receipt = receipts.record_receipt(
        donor=donor(),
        amount="10",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    assert receipt.letter.pdf.startswith(b"%PDF")
    assert sent_mail(ACKNOWLEDGEMENT) == []


def test_the_letter_reaches_the_contact_by_smtp_with_the_pdf(donor, finance, smtp_server):
    brazil = donor(language="es", contact="tesoreria@example.org", contact_language="es")
    receipt = receipts.record_receipt(
        donor=brazil,
        amount="75.5",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()  # the outbox hands the message to the (eager) worker on commit
    [received] = smtp_server.wait_for(1)
    message = received.message
    assert message["To"] == "tesoreria@example.org"
    parts = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert "2026/0001" in pdf_text(parts[0].get_payload(decode=True))
    assert receipt.letter.language == "es"


def test_an_in_kind_contribution_keeps_its_valuation_and_basis(donor, finance, rate):
    from webapp.contributions.models import InKindContribution
    from webapp.contributions.reports import build

    rate("CAD", date(2026, 3, 2), "0.73")
    gift = receipts.record_in_kind(
        donor=donor("CA", language="en"),
        description="Two container scanners",
        amount="150000",
        currency="CAD",
        received_on=date(2026, 3, 2),
        basis="Supplier's invoice 4471",
        by=finance,
    )
    db.session.commit()
    stored = db.session.get(InKindContribution, gift.id)
    assert (stored.money, stored.usd) == (
        Money(Decimal("150000"), "CAD"),
        Money(Decimal("109500.00"), "USD"),
    )
    assert stored.basis == "Supplier's invoice 4471"
    [(who, value, in_usd)] = build(date(2026, 3, 10)).in_kind
    assert (who.id, value, in_usd) == (gift.donor_id, stored.money, stored.usd)


def test_an_in_kind_contribution_states_its_basis(donor, finance):
    with pytest.raises(RuleError) as caught:
        receipts.record_in_kind(
            donor=donor(),
            description="Training venue",
            amount="5000",
            currency="USD",
            received_on=date(2026, 3, 2),
            basis=" ",
            by=finance,
        )
    assert caught.value.field == "basis"


def test_a_receipt_against_an_instalment_pays_that_instalment(donor, finance):
    from webapp.contributions.reports import unpaid_instalments

    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil,
        amount="200",
        currency="USD",
        pledged_on=date(2026, 1, 1),
        instalments=[(date(2026, 2, 1), "100"), (date(2026, 3, 1), "100")],
        by=finance,
    )
    second = pledge.instalments[1]
    receipt = receipts.record_receipt(
        donor=brazil,
        instalment=second,
        amount="100",
        currency="USD",
        received_on=date(2026, 2, 20),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    assert receipt.pledge_id == pledge.id
    [left] = unpaid_instalments()
    assert (left.due_on, left.left) == (date(2026, 2, 1), Money(Decimal("100"), "USD"))


def test_the_letter_and_its_mail_belong_to_the_receipts_transaction(donor, finance, sent_mail):
    brazil = donor(contact="tesouro@example.gov.br")
    receipts.record_receipt(
        donor=brazil,
        amount="10",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.rollback()  # the caller gave up: no receipt, no letter, no mail, no number
    assert (count(Receipt), count(AcknowledgementLetter)) == (0, 0)
    assert sent_mail(ACKNOWLEDGEMENT) == []
    kept = receipts.record_receipt(
        donor=brazil,
        amount="10",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    assert kept.letter.reference == "2026/0001"
    assert len(sent_mail(ACKNOWLEDGEMENT)) == 1
