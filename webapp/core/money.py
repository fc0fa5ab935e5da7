"""The one money type: a Decimal amount in an ISO 4217 currency, at its minor units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies


def is_currency(code: str) -> bool:
    return code in list_currencies()


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


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

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)
