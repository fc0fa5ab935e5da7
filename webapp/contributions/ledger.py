"""The append-only ledger: posted entries are never changed; a correction is a reversal
linked to the original, with a reason, followed by a new entry."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.contributions.models import InKindContribution, Pledge, Receipt
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.extensions import db

Entry = Pledge | Receipt | InKindContribution
ENTRY_KINDS: dict[str, type[Entry]] = {
    "pledge": Pledge,
    "receipt": Receipt,
    "in-kind": InKindContribution,
}
# What a reversal carries over from its original, besides the negated amounts.
_COPIED = {
    Pledge: (
        "donor_id",
        "pledged_on",
        "instrument",
        "earmark_kind",
        "earmark_label",
        "meeting_series_id",
    ),
    Receipt: (
        "donor_id",
        "received_on",
        "bank_reference",
        "pledge_id",
        "instalment_id",
        "earmark_kind",
        "earmark_label",
        "meeting_series_id",
    ),
    InKindContribution: (
        "donor_id",
        "description",
        "received_on",
        "basis",
        "earmark_kind",
        "earmark_label",
        "meeting_series_id",
    ),
}


def find_entry(kind: str, entry_id: int) -> Entry | None:
    model = ENTRY_KINDS.get(kind)
    return db.session.get(model, entry_id) if model else None


def reversal_of(entry: Entry) -> Entry | None:
    model = type(entry)
    return db.session.scalar(sa.select(model).where(model.reverses_id == entry.id))


def refuse_edit(entry: Entry) -> None:
    """Posted entries are never edited: the one answer to any attempt."""
    raise RuleError(
        _(
            "A posted entry cannot be changed. Reverse it, giving the reason, "
            "then record the correct entry."
        )
    )


def reverse(entry: Entry, *, reason: str, by: User, now: datetime) -> Entry:
    """Post the reversal of `entry`: the same record with negated amounts, linked to it.
    A pledge can be reversed only once the receipts against it are. The caller commits."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise RuleError(_("Give the reason for the reversal (at most 2000 characters)."), "reason")
    if entry.reverses_id is not None:
        raise RuleError(_("A reversal cannot itself be reversed; record a new entry."))
    if reversal_of(entry) is not None:
        raise RuleError(_("This entry has been reversed already."))
    if isinstance(entry, Pledge):
        paid = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Receipt.amount_minor), 0)).where(
                Receipt.pledge_id == entry.id
            )
        )
        if paid:
            raise RuleError(_("Reverse the receipts against this pledge first."))
    model = type(entry)
    reversal = model(
        **{name: getattr(entry, name) for name in _COPIED[model]},
        amount_minor=-entry.amount_minor,
        currency=entry.currency,
        usd_minor=-entry.usd_minor,
        usd_rate=entry.usd_rate,
        rate_source=entry.rate_source,
        reverses_id=entry.id,
        reason=reason,
        posted_at=now,
        posted_by_id=by.id,
    )
    with acting_as(by.id, by.email):
        db.session.add(reversal)
        db.session.flush()
    return reversal


def reversed_ids(model: type[Entry], ids: list[int]) -> set[int]:
    """Which of these entries have a reversal (one query)."""
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(model.reverses_id).where(model.reverses_id.in_(ids))))
