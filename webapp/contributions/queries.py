"""What the donor page and labels need: a donor's ledger, with reversals beside what they
reverse, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.contributions.models import (
    EARMARK_LABELS,
    UNEARMARKED,
    Donor,
    InKindContribution,
    Pledge,
    Receipt,
)
from webapp.extensions import db


def earmark_name(kind: str, label: str) -> str:
    if kind == UNEARMARKED:
        return str(EARMARK_LABELS[UNEARMARKED])
    return f"{EARMARK_LABELS.get(kind, kind)}: {label}"


@dataclass
class DonorLedger:
    pledges: list[Pledge]
    receipts: list[Receipt]
    in_kind: list[InKindContribution]
    reversed: set[tuple[str, int]]  # (kind, id) of entries that have a reversal

    def is_reversed(self, kind: str, entry_id: int) -> bool:
        return (kind, entry_id) in self.reversed


def donor_ledger(donor: Donor) -> DonorLedger:
    pledges = list(
        db.session.scalars(
            sa.select(Pledge)
            .where(Pledge.donor_id == donor.id)
            .options(sa.orm.selectinload(Pledge.instalments))
            .order_by(Pledge.pledged_on, Pledge.id)
        )
    )
    receipts = list(
        db.session.scalars(
            sa.select(Receipt)
            .where(Receipt.donor_id == donor.id)
            .options(sa.orm.selectinload(Receipt.letter))
            .order_by(Receipt.received_on, Receipt.id)
        )
    )
    gifts = list(
        db.session.scalars(
            sa.select(InKindContribution)
            .where(InKindContribution.donor_id == donor.id)
            .order_by(InKindContribution.received_on, InKindContribution.id)
        )
    )
    reversed_ = {("pledge", p.reverses_id) for p in pledges if p.reverses_id}
    reversed_ |= {("receipt", r.reverses_id) for r in receipts if r.reverses_id}
    reversed_ |= {("in-kind", g.reverses_id) for g in gifts if g.reverses_id}
    return DonorLedger(pledges, receipts, gifts, reversed_)
