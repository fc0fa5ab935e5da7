"""Pledges and their schedules of instalments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.contributions.amounts import parse_amount
from webapp.contributions.models import (
    EARMARK_KINDS,
    MEETING_SERIES,
    UNEARMARKED,
    Donor,
    Instalment,
    Pledge,
)
from webapp.contributions.rates import valuation
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.i18n import day
from webapp.core.money import Money
from webapp.core.timezones import utcnow
from webapp.extensions import db
from webapp.meetings.models import MeetingSeries

MAX_INSTALMENTS = 60


def check_earmark(
    kind: str | None, label: str | None, series: int | str | None = None
) -> tuple[str, str]:
    """The earmark as stored: its kind and label. A meeting series is given by its id
    (`series`) and stored with the id as label (see `series_of`)."""
    kind = kind or UNEARMARKED
    label = (label or "").strip()
    if kind not in EARMARK_KINDS:
        raise RuleError(_("Choose an earmark from the list."), "earmark_kind")
    if kind == UNEARMARKED:
        return kind, ""
    if kind == MEETING_SERIES:
        try:
            found = db.session.get(MeetingSeries, int(str(series or "").strip()))
        except ValueError:
            found = None
        if found is None:
            raise RuleError(_("Choose a meeting series from the list."), "earmark_series")
        return kind, str(found.id)
    if not label or len(label) > 200:
        raise RuleError(
            _("Name the program or activity (at most 200 characters)."), "earmark_label"
        )
    return kind, label


def series_of(kind: str, label: str) -> int | None:
    """The meeting series' foreign key of a stored earmark."""
    return int(label) if kind == MEETING_SERIES else None


def parse_schedule(text: str | None) -> list[tuple[date, str]]:
    """Instalments typed one per line as `YYYY-MM-DD amount`."""
    schedule = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.replace(";", " ").split()
        try:
            due = date.fromisoformat(parts[0])
            if len(parts) != 2:
                raise ValueError
        except (ValueError, IndexError) as error:
            raise RuleError(
                _(
                    "Instalment line %(line)s: write the due date and the amount, "
                    "such as 2026-06-30 5000.00.",
                    line=number,
                ),
                "instalments",
            ) from error
        schedule.append((due, parts[1]))
    return schedule


def record_pledge(
    *,
    donor: Donor,
    amount: str,
    currency: str,
    pledged_on: date,
    by: User,
    instrument: str = "",
    earmark_kind: str = UNEARMARKED,
    earmark_label: str = "",
    earmark_series: int | str | None = None,
    instalments: Sequence[tuple[date, str]] = (),
) -> Pledge:
    """Post a pledge, valued in US dollars at the rate of its date, with its schedule of
    instalments, which must add up exactly to the pledge. The caller commits."""
    money = parse_amount(amount, currency)
    kind, label = check_earmark(earmark_kind, earmark_label, earmark_series)
    instrument = (instrument or "").strip()
    if len(instrument) > 200:
        raise RuleError(_("Use at most 200 characters."), "instrument")
    if len(instalments) > MAX_INSTALMENTS:
        raise RuleError(_("A schedule has at most 60 instalments."), "instalments")
    schedule: list[tuple[date, Money]] = []
    for due, text in instalments:
        try:
            schedule.append((due, parse_amount(text, money.currency, "instalments")))
        except RuleError as error:
            raise RuleError(
                _("Instalment due %(day)s: %(problem)s", day=day(due), problem=error),
                "instalments",
            ) from error
    if schedule:
        total = sum((m for _due, m in schedule), Money.zero(money.currency))
        if total != money:
            raise RuleError(
                _(
                    "The instalments add up to %(sum)s, not to the pledge of %(pledge)s.",
                    sum=str(total),
                    pledge=str(money),
                ),
                "instalments",
            )
    value = valuation(money, pledged_on)
    pledge = Pledge(
        donor=donor,
        **value.amount_columns(money),
        pledged_on=pledged_on,
        instrument=instrument,
        earmark_kind=kind,
        earmark_label=label,
        meeting_series_id=series_of(kind, label),
        posted_at=utcnow(),
        posted_by_id=by.id,
    )
    with acting_as(by.id, by.email):
        db.session.add(pledge)
        for due, part in sorted(schedule, key=lambda pair: pair[0]):
            db.session.add(Instalment(pledge=pledge, due_on=due, amount_minor=part.minor_units))
        db.session.flush()
    return pledge


def get_pledge(pledge_id: int) -> Pledge | None:
    return db.session.get(Pledge, pledge_id)


def get_instalment(instalment_id: int) -> Instalment | None:
    return db.session.get(Instalment, instalment_id)


def open_pledges(donor: Donor | None = None) -> list[Pledge]:
    """Pledges that are neither reversals nor reversed, oldest first."""
    reversed_ids = sa.select(Pledge.reverses_id).where(Pledge.reverses_id.is_not(None))
    query = (
        sa.select(Pledge)
        .where(Pledge.reverses_id.is_(None), Pledge.id.not_in(reversed_ids))
        .options(sa.orm.selectinload(Pledge.instalments), sa.orm.joinedload(Pledge.donor))
        .order_by(Pledge.pledged_on, Pledge.id)
    )
    if donor is not None:
        query = query.where(Pledge.donor_id == donor.id)
    return list(db.session.scalars(query))
