"""Amounts on pages read exactly as Babel writes them, in each language, though the
`money` filter looks the pattern and symbols up once per language and currency."""

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from flask_babel import force_locale

from webapp.core.i18n import _currency_format, money
from webapp.core.money import Money

LANGUAGES = ["en", "es", "fr", "pt", "pt_BR", "ar", "de_CH", "hi"]
CURRENCIES = ["USD", "EUR", "JPY", "KWD", "BRL", "CAD", "GBP", "CHF", "XOF", "CLF"]


def amounts() -> list[Decimal]:
    rng = random.Random(11)
    fixed = ["0", "-0", "0.005", "0.015", "-0.005", "1", "-1", "999.995", "1000", "-1234.5",
             "12345678.9", "1E+3", "0.0001", "-999999999999.99", "1000000.25"]  # fmt: skip
    drawn = [
        Decimal(rng.randint(-(10**12), 10**12)).scaleb(-rng.randint(0, 5)) for _ in range(300)
    ]
    return [Decimal(a) for a in fixed] + drawn


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_amount_reads_as_babel_writes_it(language):
    for currency in CURRENCIES:
        shape = _currency_format(language, currency)
        if shape is None:  # the filter asks Babel itself (de_CH's quote separator)
            continue
        for amount in amounts():
            assert shape.format(amount) == format_currency(amount, currency, locale=language), (
                language,
                currency,
                amount,
            )


def test_the_four_languages_take_the_quick_way():
    assert all(_currency_format(language, "EUR") for language in ("en", "es", "fr", "pt"))


def test_the_filter_writes_in_the_page_language(app):
    with app.test_request_context("/"):
        for language in ("en", "es", "fr", "pt"):
            with force_locale(language):
                amount = Money(Decimal("-1234567.891"), "EUR")
                assert money(amount) == format_currency(
                    Decimal("-1234567.891"), "EUR", locale=language
                )
        assert money(Decimal("2.5"), "JPY") == format_currency(Decimal("2.5"), "JPY", locale="en")


def test_an_instant_kept_once_written_still_reads_in_each_zone_and_language(app):
    from datetime import UTC, datetime

    from flask import g
    from flask_babel import format_datetime, refresh

    from webapp.core.i18n import datetime_pattern, datetime_with_zone

    instant = datetime(2027, 3, 14, 15, 30, tzinfo=UTC)
    seen = set()
    for zone in ("America/Bogota", "Asia/Tokyo"):
        for language in ("en", "fr"):
            with app.test_request_context("/"), force_locale(language):
                g.reader_zone = zone  # as mail read in its reader's zone sets it
                refresh()
                for _twice in range(2):
                    written = datetime_with_zone(instant)
                    expected = format_datetime(instant, datetime_pattern("medium"))
                    assert written == f"{expected} ({zone})"
                seen.add(written)
    assert len(seen) == 4
