"""The core money type, extended for what finance staff type: exact minor units per
ISO 4217 currency, refused rather than rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.core.money import Money, MoneyError, parse_money, precision, totals_by_currency


@pytest.mark.parametrize(
    ("currency", "places"),
    [("USD", 2), ("EUR", 2), ("JPY", 0), ("CLP", 0), ("PYG", 0), ("BHD", 3), ("KWD", 3)],
)
def test_each_currency_has_its_iso_4217_minor_units(currency, places):
    assert precision(currency) == places


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1250.50", "USD", 125050),
        ("1,000", "JPY", 1000),
        ("12.345", "KWD", 12345),
        ("7", "EUR", 700),
    ],
)
def test_typed_amounts_become_exact_minor_units(text, currency, minor):
    money = parse_money(text, currency)
    assert money.minor_units == minor
    assert Money.from_minor(minor, currency) == money


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [
        ("10.5", "JPY", MoneyError.TOO_PRECISE),
        ("1.2345", "KWD", MoneyError.TOO_PRECISE),
        ("1.001", "USD", MoneyError.TOO_PRECISE),
        ("1e3", "USD", MoneyError.MALFORMED),
        ("NaN", "USD", MoneyError.MALFORMED),
        ("", "USD", MoneyError.MALFORMED),
        ("12", "XYZ", MoneyError.UNKNOWN_CURRENCY),
    ],
)
def test_amounts_that_do_not_fit_the_currency_are_refused_not_rounded(text, currency, reason):
    with pytest.raises(MoneyError) as caught:
        parse_money(text, currency)
    assert caught.value.reason == reason


def test_conversion_rounds_once_half_even_to_the_target_minor_unit():
    assert Money(Decimal("100"), "EUR").converted(Decimal("1.084250")) == Money(
        Decimal("108.42"), "USD"
    )


def test_totals_keep_each_currency_apart():
    totals = totals_by_currency(
        [Money(Decimal("1"), "USD"), Money(Decimal("2"), "EUR"), Money(Decimal("3"), "USD")]
    )
    assert totals == {"EUR": Money(Decimal("2"), "EUR"), "USD": Money(Decimal("4"), "USD")}


def test_amounts_in_different_currencies_cannot_be_added():
    with pytest.raises(ValueError, match="different currencies"):
        Money(Decimal("1"), "USD") + Money(Decimal("1"), "EUR")
