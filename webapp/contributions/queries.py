"""What the donor page and labels need: a donor's ledger, with reversals beside what they
reverse, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.contributions.models import (
    EARMARK_LABELS,
    MEETING_SERIES,
    UNEARMARKED,
    ActivityBudget,
    Donor,
    InKindContribution,
    Pledge,
    Receipt,
)
from webapp.core import freshness
from webapp.core.money import USD, Money
from webapp.core.paging import Page, page_count
from webapp.extensions import db
from webapp.meetings.models import MeetingSeries

CONTRIBUTIONS = "contributions"
# What results kept between requests read (`webapp.core.freshness`): the ledger, budgets,
# and the names shown (donors' reference rows, meeting series as earmarks).
freshness.watch(
    CONTRIBUTIONS,
    "donors",
    "pledges",
    "instalments",
    "receipts",
    "in_kind_contributions",
    "activity_budgets",
    "meeting_series",
    "member_states",
    "permanent_observers",
    "organizations",
)


def earmark_name(kind: str, label: str) -> str:
    if kind == UNEARMARKED:
        return str(EARMARK_LABELS[UNEARMARKED])
    if kind == MEETING_SERIES:  # the label is the series' id; show its title
        label = _series_titles().get(int(label), label) if label.isdigit() else label
    return f"{EARMARK_LABELS.get(kind, kind)}: {label}"


def _series_titles() -> dict[int, str]:
    """Every series' title by id, read once and kept until a series or the ledger changes
    in any process: a report lists hundreds of earmarks, and a query per earmark (with the
    series' related rows) made it take seconds."""

    def load() -> dict[int, str]:
        rows = db.session.execute(sa.select(MeetingSeries.id, MeetingSeries.title))
        return dict(rows.all())

    # A letter names its earmark while its receipt is being flushed.
    with db.session.no_autoflush:
        return freshness.cached(CONTRIBUTIONS, "series titles", load)


def series_choices() -> list[tuple[int, str]]:
    """The meeting series a contribution or a budget may be earmarked to, by title."""
    rows = db.session.execute(
        sa.select(MeetingSeries.id, MeetingSeries.title).order_by(
            MeetingSeries.title, MeetingSeries.id
        )
    ).all()
    return [(row.id, row.title) for row in rows]


@dataclass(frozen=True)
class SeriesFunding:
    """Whether a meeting series is funded: the budget organizers set for it (if any), the
    receipts earmarked to it in US dollars at their recorded rates, and the gap."""

    budget: Money | None
    received_usd: Money

    @property
    def gap(self) -> Money | None:
        if self.budget is None:
            return None
        left = self.budget.minor_units - self.received_usd.minor_units
        return Money.from_minor(max(left, 0), USD)

    @property
    def funded(self) -> bool:
        return self.budget is not None and self.gap == Money.zero(USD)


def series_funding(series_id: int) -> SeriesFunding:
    """The one function the meetings part reads of contributions (one query: the series
    page is read all day)."""
    budget, received = db.session.execute(
        sa.select(
            sa.select(ActivityBudget.usd_minor)
            .where(
                ActivityBudget.earmark_kind == MEETING_SERIES,
                ActivityBudget.meeting_series_id == series_id,
            )
            .limit(1)
            .scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.sum(Receipt.usd_minor), 0))
            .where(Receipt.earmark_kind == MEETING_SERIES, Receipt.meeting_series_id == series_id)
            .scalar_subquery(),
        )
    ).one()
    return SeriesFunding(
        None if budget is None else Money.from_minor(budget, USD),
        Money.from_minor(int(received), USD),
    )


RECEIPTS_PER_PAGE = 50
PLEDGES_PER_PAGE = 25


@dataclass
class DonorLedger:
    pledges: list[Pledge]  # one page of them, newest first, when paged
    receipts: list[Receipt]  # likewise
    in_kind: list[InKindContribution]
    reversed: set[tuple[str, int]]  # (kind, id) of entries that have a reversal
    pledge_page: Page | None = None
    receipt_page: Page | None = None

    def is_reversed(self, kind: str, entry_id: int) -> bool:
        return (kind, entry_id) in self.reversed

    @property
    def reversed_pledges(self) -> set[int]:
        return {entry_id for kind, entry_id in self.reversed if kind == "pledge"}


def _page_of(query: sa.Select, model: type, donor: Donor, number: int, size: int) -> Page:
    """One page of a donor's entries, newest first, each reversal after what it reverses;
    the database counts them."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.donor_id == donor.id)
    )
    number = min(number, page_count(total, size))
    day = Pledge.pledged_on if model is Pledge else Receipt.received_on
    # A reversal (same day, later id) right after the entry it reverses, as oldest first.
    entry = sa.func.coalesce(model.reverses_id, model.id)
    items = list(
        db.session.scalars(
            query.order_by(day.desc(), entry.desc(), model.id)
            .limit(size)
            .offset((number - 1) * size)
        )
    )
    return Page(items, number, size, total)


def _reversed_ids(model: type, donor: Donor) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(model.reverses_id).where(
                model.donor_id == donor.id, model.reverses_id.is_not(None)
            )
        )
    )


def donor_ledger(
    donor: Donor, receipts_page: int | None = None, pledges_page: int | None = None
) -> DonorLedger:
    """A donor's pledges (with instalments), in-kind gifts and receipts: all of them, or,
    given page numbers, a page of pledges and one of receipts, newest first (a large donor
    has hundreds of pledges and thousands of receipts); the database counts them and says
    which are reversed."""
    pledge_query = (
        sa.select(Pledge)
        .where(Pledge.donor_id == donor.id)
        .options(sa.orm.selectinload(Pledge.instalments))
    )
    receipt_query = (
        sa.select(Receipt)
        .where(Receipt.donor_id == donor.id)
        .options(sa.orm.selectinload(Receipt.letter))
    )
    pledge_page = receipt_page = None
    if pledges_page is None:
        pledges = list(db.session.scalars(pledge_query.order_by(Pledge.pledged_on, Pledge.id)))
        reversed_pledges = {p.reverses_id for p in pledges if p.reverses_id}
    else:
        pledge_page = _page_of(pledge_query, Pledge, donor, pledges_page, PLEDGES_PER_PAGE)
        pledges, reversed_pledges = pledge_page.items, _reversed_ids(Pledge, donor)
    if receipts_page is None:
        receipts = list(
            db.session.scalars(receipt_query.order_by(Receipt.received_on, Receipt.id))
        )
        reversed_receipts = {r.reverses_id for r in receipts if r.reverses_id}
    else:
        receipt_page = _page_of(receipt_query, Receipt, donor, receipts_page, RECEIPTS_PER_PAGE)
        receipts, reversed_receipts = receipt_page.items, _reversed_ids(Receipt, donor)
    gifts = list(
        db.session.scalars(
            sa.select(InKindContribution)
            .where(InKindContribution.donor_id == donor.id)
            .options(sa.orm.selectinload(InKindContribution.letter))
            .order_by(InKindContribution.received_on, InKindContribution.id)
        )
    )
    reversed_ = {("pledge", p) for p in reversed_pledges}
    reversed_ |= {("receipt", r) for r in reversed_receipts}
    reversed_ |= {("in-kind", g.reverses_id) for g in gifts if g.reverses_id}
    return DonorLedger(pledges, receipts, gifts, reversed_, pledge_page, receipt_page)
