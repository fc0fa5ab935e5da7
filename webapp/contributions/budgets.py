"""Budgets of earmarked programs and activities, set by organizers in US dollars, so that
what is funded and what is not can be read against the earmarked receipts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.contributions.amounts import parse_amount
from webapp.contributions.models import UNEARMARKED, ActivityBudget
from webapp.contributions.pledges import check_earmark, series_of
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.money import USD
from webapp.extensions import db


def set_budget(
    *,
    earmark_kind: str,
    earmark_label: str,
    amount: str,
    by: User,
    earmark_series: int | str | None = None,
) -> ActivityBudget:
    """Set (or change: a budget is a plan, not a ledger entry) what an activity needs."""
    kind, label = check_earmark(earmark_kind, earmark_label, earmark_series)
    if kind == UNEARMARKED:
        raise RuleError(
            _("A budget belongs to a program, a meeting series or a named activity."),
            "earmark_kind",
        )
    money = parse_amount(amount, USD)
    budget = db.session.scalar(
        sa.select(ActivityBudget).where(
            ActivityBudget.earmark_kind == kind, ActivityBudget.earmark_label == label
        )
    )
    with acting_as(by.id, by.email):
        if budget is None:
            budget = ActivityBudget(
                earmark_kind=kind, earmark_label=label, meeting_series_id=series_of(kind, label)
            )
            db.session.add(budget)
        budget.usd_minor = money.minor_units
        db.session.flush()
    return budget
