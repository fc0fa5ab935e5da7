"""The ledger is append-only: posted entries are never changed or deleted; a correction is
a reversal linked to the original, with a reason, then a new entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from webapp.contributions import ledger, pledges, receipts
from webapp.contributions.models import Pledge, Receipt
from webapp.core.audit import AppendOnlyError, AuditEntry
from webapp.core.errors import RuleError
from webapp.core.money import Money
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture()
def receipt(donor, finance):
    made = receipts.record_receipt(
        donor=donor(),
        amount="300.00",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    return made


def test_a_posted_receipt_cannot_be_updated_through_the_orm(receipt):
    receipt.amount_minor = 1
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Receipt, receipt.id).money == Money.from_minor(30000, "USD")


def test_a_posted_pledge_cannot_be_deleted(donor, finance):
    pledge = pledges.record_pledge(
        donor=donor(), amount="10", currency="USD", pledged_on=date(2026, 1, 1), by=finance
    )
    db.session.commit()
    db.session.delete(pledge)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_the_service_refuses_to_edit_a_posted_entry_with_a_clear_message(receipt):
    with pytest.raises(RuleError, match=r"cannot be changed\. Reverse it"):
        ledger.refuse_edit(receipt)


def test_a_reversal_negates_the_original_links_to_it_and_keeps_the_reason(receipt, finance):
    reversal = ledger.reverse(receipt, reason="Wrong donor", by=finance, now=NOW)
    db.session.commit()
    assert reversal.reverses_id == receipt.id
    assert reversal.money == Money.from_minor(-30000, "USD")
    assert reversal.usd == Money.from_minor(-30000, "USD")
    assert reversal.reason == "Wrong donor"
    assert reversal.letter is None
    total = db.session.scalar(sa.select(sa.func.sum(Receipt.amount_minor)))
    assert total == 0


def test_the_audit_log_records_who_reversed_what(receipt, finance):
    reversal = ledger.reverse(receipt, reason="Duplicate", by=finance, now=NOW)
    db.session.commit()
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.entity_type == "Receipt", AuditEntry.entity_id == reversal.id
        )
    )
    assert entry.actor_label == finance.email
    assert entry.changes["reverses_id"] == [None, receipt.id]
    assert entry.changes["reason"] == [None, "Duplicate"]


def test_an_entry_is_reversed_once_and_a_reversal_never(receipt, finance):
    reversal = ledger.reverse(receipt, reason="Duplicate", by=finance, now=NOW)
    with pytest.raises(RuleError, match="reversed already"):
        ledger.reverse(receipt, reason="Again", by=finance, now=NOW)
    with pytest.raises(RuleError, match="cannot itself be reversed"):
        ledger.reverse(reversal, reason="Undo", by=finance, now=NOW)


def test_a_reversal_needs_a_reason(receipt, finance):
    with pytest.raises(RuleError) as caught:
        ledger.reverse(receipt, reason="  ", by=finance, now=NOW)
    assert caught.value.field == "reason"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 1


def test_a_pledge_with_receipts_is_reversed_only_after_them(donor, finance):
    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil, amount="100", currency="USD", pledged_on=date(2026, 1, 1), by=finance
    )
    paid = receipts.record_receipt(
        donor=brazil,
        pledge=pledge,
        amount="100",
        currency="USD",
        received_on=date(2026, 2, 1),
        by=finance,
        now=NOW,
    )
    with pytest.raises(RuleError, match="receipts against this pledge first"):
        ledger.reverse(pledge, reason="Withdrawn", by=finance, now=NOW)
    ledger.reverse(paid, reason="Returned", by=finance, now=NOW)
    ledger.reverse(pledge, reason="Withdrawn", by=finance, now=NOW)
    db.session.commit()
    assert pledges.open_pledges() == []
    with pytest.raises(RuleError, match="has been reversed"):
        receipts.record_receipt(
            donor=brazil,
            pledge=pledge,
            amount="100",
            currency="USD",
            received_on=date(2026, 2, 1),
            by=finance,
            now=NOW,
        )
    assert db.session.scalar(sa.select(sa.func.sum(Pledge.amount_minor))) == 0
