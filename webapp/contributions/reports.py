"""The contributions report: pledged, received and outstanding by donor, year and
earmark, per currency with US-dollar totals; ageing of unpaid instalments; funding of
earmarked activities; contributions over time by kind of donor.

Every figure is summed in SQL over whole minor units, grouped by currency, so amounts in
different currencies are never added together; reversals are negative rows and net out.
The report issues the same number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from webapp.contributions.models import (
    ActivityBudget,
    Donor,
    InKindContribution,
    Instalment,
    Pledge,
    Receipt,
)
from webapp.contributions.standing import allocate
from webapp.core.money import USD, Money
from webapp.extensions import db

NOT_DUE, DAYS_0_30, DAYS_31_90, OVER_90 = "not_due", "0-30", "31-90", "over_90"
AGEING_BUCKETS = (NOT_DUE, DAYS_0_30, DAYS_31_90, OVER_90)


@dataclass
class Line:
    """Pledged and received in one currency."""

    currency: str
    pledged_minor: int = 0
    received_minor: int = 0
    pledged_usd_minor: int = 0
    received_usd_minor: int = 0

    @property
    def pledged(self) -> Money:
        return Money.from_minor(self.pledged_minor, self.currency)

    @property
    def received(self) -> Money:
        return Money.from_minor(self.received_minor, self.currency)

    @property
    def outstanding(self) -> Money:
        return Money.from_minor(self.pledged_minor - self.received_minor, self.currency)


@dataclass
class Group:
    """One donor, year or earmark: a line per currency and US-dollar totals."""

    key: Hashable
    label: str = ""
    lines: dict[str, Line] = field(default_factory=dict)

    def line(self, currency: str) -> Line:
        return self.lines.setdefault(currency, Line(currency))

    @property
    def currency_lines(self) -> list[Line]:
        return [self.lines[c] for c in sorted(self.lines)]

    @property
    def pledged_usd(self) -> Money:
        return Money.from_minor(sum(x.pledged_usd_minor for x in self.lines.values()), USD)

    @property
    def received_usd(self) -> Money:
        return Money.from_minor(sum(x.received_usd_minor for x in self.lines.values()), USD)

    @property
    def outstanding_usd(self) -> Money:
        return self.pledged_usd - self.received_usd


@dataclass
class Funding:
    earmark_kind: str
    earmark_label: str
    budget: Money | None
    received: dict[str, Money]
    received_usd: Money

    @property
    def gap(self) -> Money | None:
        return None if self.budget is None else self.budget - self.received_usd

    @property
    def share(self) -> int | None:
        """Percent of the budget received (in US dollars at the recorded rates)."""
        if self.budget is None or self.budget.amount <= 0:
            return None
        return int(self.received_usd.amount * 100 / self.budget.amount)


@dataclass
class Report:
    today: date
    by_donor: list[Group]
    by_year: list[Group]
    by_earmark: list[Group]
    totals: Group
    ageing: dict[str, dict[str, Money]]  # bucket -> currency -> unpaid
    funding: list[Funding]
    in_kind: list[tuple[Donor, Money, Money]]  # donor, valuation, in USD
    over_time: dict[tuple[int, str], Money]  # (year, donor kind) -> received in USD


def _sums(model: type, *keys: sa.ColumnElement) -> list[sa.Row]:
    return db.session.execute(
        sa.select(
            *keys,
            model.currency,
            sa.func.sum(model.amount_minor),
            sa.func.sum(model.usd_minor),
        ).group_by(*keys, model.currency)
    ).all()


def _grouped(
    pledge_keys: tuple[sa.ColumnElement, ...], receipt_keys: tuple[sa.ColumnElement, ...]
) -> dict[Hashable, Group]:
    """Pledged and received per key and currency: one query for each."""
    groups: dict[Hashable, Group] = {}
    for *key, currency, amount, usd in _sums(Pledge, *pledge_keys):
        line = groups.setdefault(tuple(key), Group(tuple(key))).line(currency)
        line.pledged_minor, line.pledged_usd_minor = int(amount), int(usd)
    for *key, currency, amount, usd in _sums(Receipt, *receipt_keys):
        line = groups.setdefault(tuple(key), Group(tuple(key))).line(currency)
        line.received_minor, line.received_usd_minor = int(amount), int(usd)
    return groups


@dataclass(frozen=True)
class Unpaid:
    instalment_id: int
    pledge_id: int
    donor_id: int
    due_on: date
    left: Money


def unpaid_instalments() -> list[Unpaid]:
    """What is left to pay of each instalment of a standing pledge (two queries). A
    receipt against an instalment pays it; receipts against the pledge, and anything paid
    beyond an instalment, pay its instalments oldest first."""
    reversed_pledges = sa.select(Pledge.reverses_id).where(Pledge.reverses_id.is_not(None))
    instalments = db.session.execute(
        sa.select(
            Instalment.id,
            Instalment.pledge_id,
            Pledge.donor_id,
            Instalment.due_on,
            Instalment.amount_minor,
            Pledge.currency,
        )
        .join(Pledge, Pledge.id == Instalment.pledge_id)
        .where(Pledge.id.not_in(reversed_pledges))
        .order_by(Instalment.pledge_id, Instalment.due_on, Instalment.id)
    ).all()
    paid = db.session.execute(
        sa.select(Receipt.pledge_id, Receipt.instalment_id, sa.func.sum(Receipt.amount_minor))
        .where(Receipt.pledge_id.is_not(None))
        .group_by(Receipt.pledge_id, Receipt.instalment_id)
    ).all()
    direct: dict[int, int] = {}
    general: dict[int, int] = defaultdict(int)
    for pledge_id, instalment_id, amount in paid:
        if instalment_id is None:
            general[pledge_id] += int(amount)
        else:
            direct[instalment_id] = int(amount)
    by_pledge: dict[int, list[sa.Row]] = defaultdict(list)
    for row in instalments:
        by_pledge[row.pledge_id].append(row)
    found = []
    for pledge_id, rows in by_pledge.items():
        left = allocate([(r.id, r.amount_minor) for r in rows], direct, general[pledge_id])
        for row, owed in zip(rows, left, strict=True):
            if owed > 0:
                found.append(
                    Unpaid(
                        row.id,
                        pledge_id,
                        row.donor_id,
                        row.due_on,
                        Money.from_minor(owed, row.currency),
                    )
                )
    return found


def bucket_for(due_on: date, today: date) -> str:
    late = (today - due_on).days
    if late < 0:
        return NOT_DUE
    if late <= 30:
        return DAYS_0_30
    return DAYS_31_90 if late <= 90 else OVER_90


def _ageing(today: date) -> dict[str, dict[str, Money]]:
    """Unpaid instalments by how long past due, per currency."""
    buckets: dict[str, dict[str, int]] = {b: defaultdict(int) for b in AGEING_BUCKETS}
    for item in unpaid_instalments():
        buckets[bucket_for(item.due_on, today)][item.left.currency] += item.left.minor_units
    return {
        bucket: {c: Money.from_minor(v, c) for c, v in sorted(amounts.items())}
        for bucket, amounts in buckets.items()
    }


def _funding(earmark_groups: dict[Hashable, Group]) -> list[Funding]:
    budgets = {
        (b.earmark_kind, b.earmark_label): b.usd
        for b in db.session.scalars(sa.select(ActivityBudget))
    }
    keys = {k for k in earmark_groups if k[0] != "unearmarked"} | set(budgets)
    rows = []
    for key in sorted(keys):
        group = earmark_groups.get(key, Group(key))
        received = {x.currency: x.received for x in group.currency_lines if x.received_minor}
        rows.append(Funding(key[0], key[1], budgets.get(key), received, group.received_usd))
    return rows


def build(today: date) -> Report:
    year_p = sa.extract("year", Pledge.pledged_on)
    year_r = sa.extract("year", Receipt.received_on)
    donors = {d.id: d for d in db.session.scalars(sa.select(Donor)).unique()}
    by_donor = _grouped((Pledge.donor_id,), (Receipt.donor_id,))
    for (donor_id,), group in by_donor.items():
        group.label = donors[donor_id].display_name
    by_year = _grouped((year_p,), (year_r,))
    by_year = {(int(k[0]),): g for k, g in by_year.items()}  # PostgreSQL returns a numeric
    for (year,), group in by_year.items():
        group.key, group.label = (year,), str(year)
    by_earmark = _grouped(
        (Pledge.earmark_kind, Pledge.earmark_label), (Receipt.earmark_kind, Receipt.earmark_label)
    )
    totals = Group(("all",))
    for group in by_donor.values():
        for line in group.lines.values():
            total = totals.line(line.currency)
            total.pledged_minor += line.pledged_minor
            total.received_minor += line.received_minor
            total.pledged_usd_minor += line.pledged_usd_minor
            total.received_usd_minor += line.received_usd_minor
    in_kind = [
        (
            donors[donor_id],
            Money.from_minor(int(amount), currency),
            Money.from_minor(int(usd), USD),
        )
        for donor_id, currency, amount, usd in _sums(
            InKindContribution, InKindContribution.donor_id
        )
        if amount
    ]
    over_time = {
        (int(year), kind): Money.from_minor(int(usd), USD)
        for year, kind, usd in db.session.execute(
            sa.select(year_r, Donor.kind, sa.func.sum(Receipt.usd_minor))
            .join(Donor, Donor.id == Receipt.donor_id)
            .group_by(year_r, Donor.kind)
        ).all()
    }
    return Report(
        today=today,
        by_donor=sorted(by_donor.values(), key=lambda g: g.label.casefold()),
        by_year=[by_year[k] for k in sorted(by_year)],
        by_earmark=[by_earmark[k] for k in sorted(by_earmark)],
        totals=totals,
        ageing=_ageing(today),
        funding=_funding(by_earmark),
        in_kind=sorted(in_kind, key=lambda row: row[0].display_name.casefold()),
        over_time=over_time,
    )
