"""Receipts of money and in-kind contributions: checked, valued in US dollars at the rate
of their date, posted, and acknowledged by a numbered letter."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.contributions import letters
from webapp.contributions.amounts import parse_amount
from webapp.contributions.models import (
    UNEARMARKED,
    Donor,
    InKindContribution,
    Instalment,
    Pledge,
    Receipt,
)
from webapp.contributions.pledges import check_earmark, series_of
from webapp.contributions.rates import valuation
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.timezones import utcnow
from webapp.extensions import db


def _is_reversed(model: type, entry_id: int) -> bool:
    return db.session.scalar(sa.select(model.id).where(model.reverses_id == entry_id)) is not None


def record_receipt(
    *,
    donor: Donor,
    amount: str,
    currency: str,
    received_on: date,
    by: User,
    bank_reference: str = "",
    pledge: Pledge | None = None,
    instalment: Instalment | None = None,
    earmark_kind: str = UNEARMARKED,
    earmark_label: str = "",
    earmark_series: int | str | None = None,
    now: datetime | None = None,
) -> Receipt:
    """Post a receipt against one of the donor's pledges (or one of its instalments), or
    none; value it at its value date's rate; write its acknowledgement letter and email
    it through the outbox. The caller commits (all of it, or none)."""
    money = parse_amount(amount, currency)
    reference = (bank_reference or "").strip()
    if len(reference) > 120:
        raise RuleError(_("Use at most 120 characters."), "bank_reference")
    if instalment is not None:
        if pledge is not None and instalment.pledge_id != pledge.id:
            raise RuleError(_("This instalment belongs to another pledge."), "instalment")
        pledge = instalment.pledge
    if pledge is not None:
        if pledge.donor_id != donor.id:
            raise RuleError(_("This pledge was made by another donor."), "pledge")
        if pledge.reverses_id is not None or _is_reversed(Pledge, pledge.id):
            raise RuleError(_("This pledge has been reversed."), "pledge")
        if pledge.currency != money.currency:
            raise RuleError(
                _(
                    "A receipt against this pledge must be in %(code)s, the pledge's currency.",
                    code=pledge.currency,
                ),
                "currency",
            )
        kind, label = pledge.earmark_kind, pledge.earmark_label
    else:
        kind, label = check_earmark(earmark_kind, earmark_label, earmark_series)
    value = valuation(money, received_on)
    receipt = Receipt(
        donor=donor,
        **value.amount_columns(money),
        received_on=received_on,
        bank_reference=reference,
        pledge=pledge,
        instalment=instalment,
        earmark_kind=kind,
        earmark_label=label,
        meeting_series_id=series_of(kind, label),
        posted_at=now or utcnow(),
        posted_by_id=by.id,
    )
    with acting_as(by.id, by.email):
        db.session.add(receipt)
        db.session.flush()
        letters.acknowledge(receipt, now=now or utcnow())
    return receipt


def record_in_kind(
    *,
    donor: Donor,
    description: str,
    amount: str,
    currency: str,
    received_on: date,
    basis: str,
    by: User,
    earmark_kind: str = UNEARMARKED,
    earmark_label: str = "",
    earmark_series: int | str | None = None,
    now: datetime | None = None,
) -> InKindContribution:
    """Post goods or services given, at a valuation and on a stated basis, and write its
    acknowledgement letter (numbered with the receipts' letters) and email it. The caller
    commits."""
    money = parse_amount(amount, currency)
    description = (description or "").strip()
    basis = (basis or "").strip()
    if not description or len(description) > 2000:
        raise RuleError(_("Describe what was given (at most 2000 characters)."), "description")
    if not basis or len(basis) > 300:
        raise RuleError(_("Say how the value was reached (at most 300 characters)."), "basis")
    kind, label = check_earmark(earmark_kind, earmark_label, earmark_series)
    value = valuation(money, received_on)
    gift = InKindContribution(
        donor=donor,
        description=description,
        **value.amount_columns(money),
        received_on=received_on,
        basis=basis,
        earmark_kind=kind,
        earmark_label=label,
        meeting_series_id=series_of(kind, label),
        posted_at=now or utcnow(),
        posted_by_id=by.id,
    )
    with acting_as(by.id, by.email):
        db.session.add(gift)
        db.session.flush()
        letters.acknowledge(gift, now=now or utcnow())
    return gift


def get_receipt(receipt_id: int) -> Receipt | None:
    return db.session.get(Receipt, receipt_id)


def get_in_kind(gift_id: int) -> InKindContribution | None:
    return db.session.get(InKindContribution, gift_id)
