"""The four official languages and the viewer's time zone.

Language: the user's setting, else the one chosen on this browser, else the language of
the person a page is for (`show_page_as`), else the browser's Accept-Language, else
English. Time zone: the zone of the person a page is for, else the user's setting, else
the default zone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, support
from babel import dates as babel_dates
from babel.numbers import (
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from flask_babel import format_currency as babel_format_currency
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone
from flask_babel import refresh as babel_refresh
from flask_login import current_user
from wtforms.i18n import messages_path

from webapp.core import grammar
from webapp.core.money import Money
from webapp.core.timezones import is_valid_zone, zone_or_default
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
        reader = g.get(PAGE_LANGUAGE)
        if reader in languages:
            return reader
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


PAGE_LANGUAGE = "page_reader_language"


def show_page_as(language: str | None, zone: str | None) -> None:
    """Show this request's page in the language and zone of the person it is for.

    The one way for a page opened from an emailed link (an invitation, a password reset,
    a refresh review, a meeting answer...) to read as the email did, even for a visitor
    who is not signed in: the view finds whose link it is (the account behind the signed
    token, or a language carried in it), then calls this before it flashes or renders:

        person = services.user_from_reset(token)
        show_page_as(person.language, person.timezone)

    A language the visitor chose on this browser, or their own account's, still wins; a
    missing or unknown language or zone leaves the usual choice (Accept-Language, the
    default zone) in place. Dates and times format in `zone`; text in `language`.
    """
    if language:
        g.setdefault(PAGE_LANGUAGE, language)
    if zone and is_valid_zone(zone):
        g.setdefault("reader_zone", zone)
    babel_refresh()  # drop what Flask-Babel cached for this request


def select_timezone() -> str:
    # Mail is rendered in its reader's zone (core.mailer.reading_as), not the sender's.
    zone = g.get("reader_zone") if has_app_context() else None
    if zone is None:
        zone = getattr(current_user, "timezone", None) if current_user else None
    return zone_or_default(zone)


def viewer_language() -> str:
    """The language the current page is shown in ("en" outside a request)."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale else "en"


def viewer_zone() -> str:
    """The time zone the current page is shown in ("UTC" outside a request)."""
    return str(get_timezone()) if has_request_context() else "UTC"


def datetime_with_zone(value: datetime | None, format: str = "medium") -> str:
    """A UTC instant in the viewer's zone, with the zone named. Its date is in the site's
    one style, the `day` filter's (medium: "Nov 30, 2026"), and its time to the minute:
    nobody schedules or reads a meeting to the second, and "short" must not turn the date
    into "11/30/26" next to "Nov 30, 2026". "long" and "full" are Babel's own."""
    if value is None:
        return ""
    zone = str(get_timezone())
    pattern = datetime_pattern(format)
    if value.tzinfo is None or not has_request_context():
        return f"{format_datetime(value, pattern)} ({zone})"
    # Lists show the same instants on every request (a meeting's start): each is written
    # once per language and zone, as Babel writes it.
    key = (value, pattern, str(get_locale()), zone)
    found = _instants.get(key)
    if found is None:
        found = f"{format_datetime(value, pattern)} ({zone})"
        with _instants_lock:
            if len(_instants) >= 8192:
                _instants.clear()
            _instants[key] = found
    return found


_instants: dict[tuple, str] = {}
_instants_lock = threading.Lock()


def datetime_pattern(format: str = "medium") -> str:
    """What to hand Babel's format_datetime for a date and time in the site's one style:
    the medium date and the time to the minute for "short" and "medium"."""
    return _minutes_pattern(str(get_locale())) if format in ("short", "medium") else format


@lru_cache(maxsize=16)
def _minutes_pattern(locale: str) -> str:
    """The locale's medium date and short time, joined as the locale joins them."""
    parsed = Locale.parse(locale)
    joined = str(parsed.datetime_formats["medium"])
    date_pattern = parsed.date_formats["medium"].pattern
    return joined.replace("{1}", date_pattern).replace("{0}", parsed.time_formats["short"].pattern)


def money(amount: Money | Decimal | None, currency: str | None = None) -> str:
    """`{{ receipt.money|money }}` or `{{ amount|money("USD") }}`, at the currency's
    minor units, in the active language."""
    if amount is None:
        return ""
    if isinstance(amount, Money):
        amount, currency = amount.amount, amount.currency
    if currency is None:
        raise ValueError("an amount needs its currency")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return babel_format_currency(amount, currency)
    shape = _currency_format(str(get_locale()), currency)
    return shape.format(amount) if shape else babel_format_currency(amount, currency)


@dataclass(frozen=True)
class CurrencyFormat:
    """A language's standard currency pattern for one currency, its symbols looked up
    once: what Babel's `format_currency` does per call, minus the lookups. A report page
    shows thousands of amounts, and Babel spent about 0.15 ms on each (it even looks up
    the currency's long name, unused by this pattern, on every call).
    `tests/core/test_money_format.py` holds it to Babel's output."""

    prefixes: tuple[str, str]  # positive, negative
    suffixes: tuple[str, str]
    quantum: Decimal
    first_group: int
    other_groups: int
    min_digits: int
    group: str
    point: str

    def format(self, amount: Decimal) -> str:
        negative = int(amount.is_signed())
        digits = f"{abs(amount).normalize().quantize(self.quantum):f}"
        whole, _, fraction = digits.partition(".")
        whole = whole.rjust(self.min_digits, "0")
        size, grouped = self.first_group, ""
        while len(whole) > size:
            grouped = self.group + whole[-size:] + grouped
            whole = whole[:-size]
            size = self.other_groups
        number = whole + grouped + (self.point + fraction if fraction else "")
        return self.prefixes[negative] + number + self.suffixes[negative]


@lru_cache(maxsize=256)
def _currency_format(locale: str, currency: str) -> CurrencyFormat | None:
    """None where Babel's output is not this simple shape: a symbol with a quote (Babel
    then strips quote pairs out of the digits too, as for de_CH's "'" separator)."""
    parsed = Locale.parse(locale)
    if "'" in get_group_symbol(parsed) + get_decimal_symbol(parsed):
        return None
    pattern = parsed.currency_formats["standard"]
    symbol = get_currency_symbol(currency, parsed)

    def affix(text: str) -> str:
        text = text.replace("¤¤¤", "").replace("¤¤", currency.upper()).replace("¤", symbol)
        return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text)

    places = get_currency_precision(currency)
    return CurrencyFormat(
        prefixes=(affix(pattern.prefix[0]), affix(pattern.prefix[1])),
        suffixes=(affix(pattern.suffix[0]), affix(pattern.suffix[1])),
        quantum=Decimal(1).scaleb(-places),
        first_group=pattern.grouping[0],
        other_groups=pattern.grouping[1],
        min_digits=pattern.int_prec[0],
        group=get_group_symbol(parsed),
        point=get_decimal_symbol(parsed),
    )


def label_filter(labels: Mapping[str, object]) -> Callable[[object], str]:
    """A template filter naming codes by a dict of lazy labels, each translated once per
    language (a list of a thousand rows asked the catalog for every cell)."""
    translated: dict[str, dict[str, str]] = {}

    def label(value: object) -> str:
        language = str(get_locale())
        names = translated.get(language)
        if names is None:
            names = translated[language] = {code: str(name) for code, name in labels.items()}
        return names.get(value, str(value))  # type: ignore[call-overload]

    return label


def day(value: date | None, format: str = "medium") -> str:
    """A calendar day in the site's one date style ("Nov 30, 2026"); "long" only for a
    page whose every date is long (a letter). ISO dates are for machines: CSV files,
    `<input type=date>` values, `<time datetime=...>`. (tests/test_date_styles.py)"""
    if value is None:
        return ""
    if type(value) is date and format in DATE_STYLES:
        # A calendar day reads the same for everyone in a language: lists of hundreds of
        # entries share a few hundred days, each formatted once.
        return _day_in(value, format, str(get_locale()))
    return format_date(value, format)


def day_range(first: date | None, last: date | None) -> str:
    """Two calendar days as one span in the site's date style, as the language writes it
    ("May 3 - 5, 2027" with an en dash, "3-5 may 2027"); one day when both are the same."""
    if first is None or last is None or first == last:
        return day(first or last)
    return babel_dates.format_interval(first, last, "yMMMd", locale=str(get_locale()))


DATE_STYLES = frozenset({"short", "medium", "long", "full"})


@lru_cache(maxsize=8192)
def _day_in(value: date, style: str, locale: str) -> str:
    return babel_dates.format_date(value, style, locale=locale)


@lru_cache(maxsize=8)
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _FormsCatalog:
    """WTForms' own messages ("Not a valid choice.") in the viewer's language, each
    language's catalog read once per process: Flask-WTF reads the file again on every
    request that validates a form (a millisecond of the search page), unless the request
    already holds one, as it does from `init_app` on."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


_FORMS_CATALOG = _FormsCatalog()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.before_request
    def _forms_catalog() -> None:
        request.wtforms_translations = _FORMS_CATALOG  # read by flask_wtf.i18n

    app.jinja_env.filters["datetime_tz"] = datetime_with_zone
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["day_range"] = day_range
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    grammar.init_app(app)
