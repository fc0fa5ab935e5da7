"""Exchange rates to the US dollar, entered by finance staff or imported from a CSV file
of published reference rates (nothing is fetched from the network), and the US-dollar
value of an amount at the rate of its date."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.contributions.amounts import parse_currency
from webapp.contributions.models import RATE_DIGITS, ExchangeRate
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.i18n import day
from webapp.core.money import USD, Money
from webapp.extensions import db

MAX_IMPORT_ROWS = 50_000


@dataclass(frozen=True)
class Valuation:
    """What an amount is worth in US dollars, at which rate, from where."""

    usd: Money
    rate: Decimal
    source: str

    def amount_columns(self, money: Money) -> dict[str, object]:
        """The amount columns of a ledger row (`models.Posted`): `money` as given, and
        this value of it."""
        return {
            "amount_minor": money.minor_units,
            "currency": money.currency,
            "usd_minor": self.usd.minor_units,
            "usd_rate": self.rate,
            "rate_source": self.source,
        }


def parse_rate(text: str | None, field: str = "rate") -> Decimal:
    try:
        rate = Decimal((text or "").strip())
    except InvalidOperation as error:
        raise RuleError(_("Enter the rate as a number, such as 0.0521."), field) from error
    if not rate.is_finite() or rate <= 0:
        raise RuleError(_("Enter a rate greater than zero."), field)
    if -rate.as_tuple().exponent > RATE_DIGITS or rate >= 10**9:
        raise RuleError(_("Use at most 12 decimals and a rate below one billion."), field)
    return rate


def set_rate(
    *, currency: str, on: date, rate: str | Decimal, source: str, by: User | None
) -> ExchangeRate:
    """Record the USD value of one unit of `currency` on `on`. A rate already recorded for
    that day stays: rates that valued receipts must not change under them."""
    code = parse_currency(currency)
    if code == USD:
        raise RuleError(_("The US dollar needs no rate."), "currency")
    value = parse_rate(str(rate))
    source = (source or "").strip()
    if not source or len(source) > 200:
        raise RuleError(_("Say where the rate comes from (at most 200 characters)."), "source")
    existing = db.session.scalar(
        sa.select(ExchangeRate).where(ExchangeRate.currency == code, ExchangeRate.on == on)
    )
    if existing is not None:
        raise RuleError(
            _("A rate for %(code)s on %(day)s is recorded already.", code=code, day=day(on)), "on"
        )
    row = ExchangeRate(currency=code, on=on, rate=value, source=source)
    with acting_as(by.id if by else None, by.email if by else "system"):
        db.session.add(row)
        db.session.flush()
    return row


def import_rates(data: bytes, *, source: str, by: User) -> int:
    """Import a CSV with the columns `currency,date,rate` (USD per unit). All or nothing:
    a bad line refuses the whole file, naming the line. Days already recorded are skipped.
    Returns how many rates were added."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RuleError(_("The file is not UTF-8 text."), "file") from error
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or {"currency", "date", "rate"} - {
        (n or "").strip().lower() for n in reader.fieldnames
    }:
        raise RuleError(_("The file needs the columns currency, date and rate."), "file")
    known = {
        (c, d)
        for c, d in db.session.execute(sa.select(ExchangeRate.currency, ExchangeRate.on)).all()
    }
    added = 0
    for line, raw in enumerate(reader, start=2):
        if line > MAX_IMPORT_ROWS:
            raise RuleError(_("The file has too many lines."), "file")
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        try:
            code = parse_currency(row["currency"])
            on = date.fromisoformat(row["date"])
            rate = parse_rate(row["rate"])
        except (RuleError, ValueError) as error:
            detail = error.message if isinstance(error, RuleError) else _("Not a date.")
            raise RuleError(
                _("Line %(line)s: %(problem)s", line=line, problem=detail), "file"
            ) from error
        if code == USD or (code, on) in known:
            continue
        known.add((code, on))
        set_rate(currency=code, on=on, rate=rate, source=source, by=by)
        added += 1
    return added


def valuation(money: Money, on: date) -> Valuation:
    """`money` in US dollars at the rate recorded for its currency on `on`."""
    if money.currency == USD:
        return Valuation(money, Decimal(1), "USD")
    row = db.session.scalar(
        sa.select(ExchangeRate).where(
            ExchangeRate.currency == money.currency, ExchangeRate.on == on
        )
    )
    if row is None:
        raise RuleError(
            _(
                "There is no exchange rate for %(code)s on %(day)s. Record the rate first.",
                code=money.currency,
                day=day(on),
            ),
            "currency",
        )
    return Valuation(money.converted(row.rate, USD), row.rate, row.source)


def recent_rates(limit: int = 100) -> list[ExchangeRate]:
    return list(
        db.session.scalars(
            sa.select(ExchangeRate)
            .order_by(ExchangeRate.on.desc(), ExchangeRate.currency)
            .limit(limit)
        )
    )
