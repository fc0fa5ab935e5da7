"""The one money type: a Decimal amount in an ISO 4217 currency, at its minor units.

`Money(amount, currency)` rounds to the currency's minor units (for computed values);
`parse_money(text, currency)` is for what a person typed and refuses rather than rounds.
Amounts are stored as whole minor units (`minor_units` / `from_minor`), so sums in SQL
are exact integers on every database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

USD = "USD"
_AMOUNT = re.compile(r"^[+-]?(\d+)(\.\d*)?$")


class MoneyError(ValueError):
    """Text that is not an amount of this currency; `reason` says why."""

    MALFORMED, UNKNOWN_CURRENCY, TOO_PRECISE = "malformed", "unknown-currency", "too-precise"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# Babel's currency data does not change while running: each code is looked up once (a
# report builds thousands of amounts, and the lookups were a fifth of its time).
@lru_cache(maxsize=512)
def is_currency(code: str) -> bool:
    return code in list_currencies()


@lru_cache(maxsize=512)
def precision(currency: str) -> int:
    """ISO 4217 minor units: 0 for JPY, 2 for most, 3 for BHD and KWD."""
    return get_currency_precision(currency)


@lru_cache(maxsize=512)
def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not is_currency(self.currency):
            raise ValueError(f"unknown currency {self.currency!r}")
        if isinstance(self.amount, float):
            raise TypeError("money is never a float")
        try:
            amount = Decimal(self.amount).quantize(quantum(self.currency), ROUND_HALF_EVEN)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {self.amount!r}") from exc
        object.__setattr__(self, "amount", amount)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError("cannot add amounts in different currencies")
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return self + (-other)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units (cents, fils, yen)."""
        return int(self.amount.scaleb(precision(self.currency)))

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        return cls(Decimal(units).scaleb(-precision(currency)), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def converted(self, rate: Decimal, currency: str = USD) -> Money:
        """This amount at `rate` units of `currency` per unit, rounded half-even once."""
        return Money(self.amount * rate, currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def parse_money(text: str | Decimal | int, currency: str) -> Money:
    """What a person typed, as Money: refuses unknown currencies, text that is not a plain
    decimal number, and more decimals than the currency has (it never rounds them away)."""
    code = (currency or "").strip().upper()
    if not is_currency(code):
        raise MoneyError(MoneyError.UNKNOWN_CURRENCY, code)
    raw = str(text).strip().replace(",", "") if text is not None else ""
    match = _AMOUNT.match(raw)
    if not match or len(raw) > 40:
        raise MoneyError(MoneyError.MALFORMED, raw[:40])
    decimals = len(match.group(2) or ".") - 1
    if decimals > precision(code):
        raise MoneyError(MoneyError.TOO_PRECISE, raw)
    return Money(Decimal(raw), code)


def totals_by_currency(amounts: Iterable[Money]) -> dict[str, Money]:
    """Sums per currency: amounts in different currencies are never added together."""
    sums: dict[str, Money] = {}
    for money in amounts:
        sums[money.currency] = sums.get(money.currency, Money.zero(money.currency)) + money
    return dict(sorted(sums.items()))
