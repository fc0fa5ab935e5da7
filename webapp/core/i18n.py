"""The four official languages and the viewer's time zone.

Language: the user's setting, else the one chosen on this browser, else the browser's
Accept-Language, else English. Time zone: the user's setting, else the default zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import format_currency as babel_format_currency
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone
from flask_login import current_user

from webapp.core.money import Money
from webapp.core.timezones import is_valid_zone
from webapp.extensions import babel

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}
SESSION_LANGUAGE = "language"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    user_language = getattr(current_user, "language", None) if current_user else None
    if user_language in languages:
        return user_language
    if request:
        chosen = session.get(SESSION_LANGUAGE)
        if chosen in languages:
            return chosen
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    # Mail is rendered in its reader's zone (core.mailer.reading_as), not the sender's.
    zone = g.get("reader_zone") if has_app_context() else None
    if zone is None:
        zone = getattr(current_user, "timezone", None) if current_user else None
    return zone if is_valid_zone(zone) else current_app.config["DEFAULT_TIMEZONE"]


def datetime_with_zone(value: datetime | None, format: str = "medium") -> str:
    """A UTC instant in the viewer's zone, with the zone named."""
    if value is None:
        return ""
    return f"{format_datetime(value, format)} ({get_timezone()!s})"


def money(amount: Money | Decimal | None, currency: str | None = None) -> str:
    """`{{ receipt.money|money }}` or `{{ amount|money("USD") }}`, at the currency's
    minor units, in the active language."""
    if amount is None:
        return ""
    if isinstance(amount, Money):
        amount, currency = amount.amount, amount.currency
    if currency is None:
        raise ValueError("an amount needs its currency")
    return babel_format_currency(amount, currency)


def day(value: date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if type(value) is date and format in DATE_STYLES:
        # A calendar day reads the same for everyone in a language: lists of hundreds of
        # entries share a few hundred days, each formatted once.
        return _day_in(value, format, str(get_locale()))
    return format_date(value, format)


DATE_STYLES = frozenset({"short", "medium", "long", "full"})


@lru_cache(maxsize=8192)
def _day_in(value: date, style: str, locale: str) -> str:
    return babel_dates.format_date(value, style, locale=locale)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["datetime_tz"] = datetime_with_zone
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
