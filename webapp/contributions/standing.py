"""Where each of a donor's pledges stands on a given day: paid and outstanding, exact in
the pledge's currency, and each instalment paid, partly paid, due or overdue.

One rule places receipts on instalments, here and in the report's ageing
(`reports.unpaid_instalments`): a receipt against an instalment pays it; receipts
against the pledge, and anything paid beyond an instalment, pay its instalments oldest
first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_pgettext

from webapp.contributions.models import Instalment, Pledge, Receipt
from webapp.core.money import Money
from webapp.extensions import db

PAID, PARTLY_PAID, DUE, OVERDUE = "paid", "partly_paid", "due", "overdue"
INSTALMENT_STATES = {
    PAID: lazy_pgettext("instalment state", "Paid"),
    PARTLY_PAID: lazy_pgettext("instalment state", "Partly paid"),
    DUE: lazy_pgettext("instalment state", "Due"),
    OVERDUE: lazy_pgettext("instalment state", "Overdue"),
}


def allocate(
    instalments: Sequence[tuple[int, int]], direct: dict[int, int], general: int
) -> list[int]:
    """What is left to pay of each instalment (id, amount in minor units), given what
    was paid against each one (`direct`) and against the pledge as a whole (`general`).
    `instalments` come in the order they fall due."""
    left = []
    for instalment_id, amount in instalments:
        on_it = max(direct.get(instalment_id, 0), 0)
        general += max(on_it - amount, 0)
        left.append(amount - min(amount, on_it))
    remaining = []
    for owed in left:
        applied = min(owed, max(general, 0))
        general -= applied
        remaining.append(owed - applied)
    return remaining


def state_of(amount: Money, left: Money, due_on: date, today: date) -> str:
    if left.minor_units <= 0:
        return PAID
    if due_on < today:
        return OVERDUE
    return PARTLY_PAID if left != amount else DUE


@dataclass(frozen=True)
class InstalmentStanding:
    instalment: Instalment
    left: Money
    state: str

    @property
    def paid(self) -> Money:
        return self.instalment.money - self.left

    @property
    def state_label(self) -> str:
        return str(INSTALMENT_STATES[self.state])


@dataclass(frozen=True)
class PledgeStanding:
    pledge: Pledge
    paid: Money
    instalments: list[InstalmentStanding]

    @property
    def outstanding(self) -> Money:
        return self.pledge.money - self.paid


@dataclass
class Payments:
    """What was received against a donor's pledges, in each pledge's currency's minor
    units: in all (`paid`), against each instalment (`direct`), against the pledge as a
    whole (`general`). Reversals are negative receipts, so they net out."""

    paid: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    direct: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    general: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, pledge_id: int | None, instalment_id: int | None, amount: int) -> None:
        if pledge_id is None:
            return
        self.paid[pledge_id] += amount
        if instalment_id is None:
            self.general[pledge_id] += amount
        else:
            self.direct[instalment_id] += amount


def payments_of(pledges: Sequence[Pledge]) -> Payments:
    """What was paid against these pledges, summed by the database (one query, whatever
    the number of receipts)."""
    found = Payments()
    for pledge_id, instalment_id, amount in db.session.execute(
        sa.select(Receipt.pledge_id, Receipt.instalment_id, sa.func.sum(Receipt.amount_minor))
        .where(Receipt.pledge_id.in_([p.id for p in pledges] or [0]))
        .group_by(Receipt.pledge_id, Receipt.instalment_id)
    ):
        found.add(pledge_id, instalment_id, int(amount))
    return found


def pledge_standings(
    pledges: Sequence[Pledge],
    receipts: Sequence[Receipt] | Payments,
    today: date,
    reversed_pledges: set[int] | None = None,
) -> dict[int, PledgeStanding]:
    """The standing of each pledge that is neither a reversal nor reversed, by id, from
    the donor's receipts or their sums (`payments_of`). Reversed receipts net out. The
    ids of reversed pledges come from `pledges`, or are given when they are one page."""
    if isinstance(receipts, Payments):
        payments = receipts
    else:
        payments = Payments()
        for receipt in receipts:
            payments.add(receipt.pledge_id, receipt.instalment_id, receipt.amount_minor)
    direct, general, paid = payments.direct, payments.general, payments.paid
    reversed_ids = {p.reverses_id for p in pledges if p.reverses_id} | (reversed_pledges or set())
    standings = {}
    for pledge in pledges:
        if pledge.reverses_id is not None or pledge.id in reversed_ids:
            continue
        schedule = list(pledge.instalments)
        left = allocate([(i.id, i.amount_minor) for i in schedule], direct, general[pledge.id])
        standings[pledge.id] = PledgeStanding(
            pledge,
            Money.from_minor(paid[pledge.id], pledge.currency),
            [
                InstalmentStanding(
                    item,
                    Money.from_minor(owed, pledge.currency),
                    state_of(
                        item.money, Money.from_minor(owed, pledge.currency), item.due_on, today
                    ),
                )
                for item, owed in zip(schedule, left, strict=True)
            ],
        )
    return standings
