"""The directory's field normalisers: email addresses, phone numbers (E.164), language
codes (ISO 639-1) and lists typed one per line or separated by commas. Each returns the
value as stored or raises `InvalidEntry` naming the field."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import phonenumbers
from babel import Locale

from webapp.core.addresses import email_address
from webapp.core.deferred import StateName, deferred_gettext
from webapp.core.errors import RuleError
from webapp.directory.errors import InvalidEntry


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    """ISO 639-1: the two-letter language codes."""
    return frozenset(c for c in Locale("en").languages if len(c) == 2 and c.isalpha())


def language_name(code: str, language: str) -> str:
    """A language's name, written in `language`."""
    return _language_names(language).get(code, code)


@lru_cache(maxsize=16)
def _language_names(language: str) -> dict[str, str]:
    return dict(Locale(language).languages)


# Offered first: the four official languages, then others spoken by officers in the
# member states (Dutch in Suriname, Haitian Creole, Quechua, Guarani, Aymara).
FIRST_LANGUAGES = ("en", "es", "fr", "pt", "nl", "ht", "qu", "gn", "ay")


def language_choices(language: str) -> list[tuple[str, str]]:
    """(code, name in `language`): the languages offered first, then the others by name."""
    return list(_language_choices(language))


@lru_cache(maxsize=16)
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Babel's names, sorted once per language (the data ships with the code)."""
    names = Locale(language).languages
    first = [(c, names.get(c, c)) for c in FIRST_LANGUAGES]
    rest = sorted(
        ((c, names.get(c, c)) for c in language_codes() - set(FIRST_LANGUAGES)),
        key=lambda pair: pair[1].casefold(),
    )
    return tuple(first + rest)


def normalise_languages(codes: Iterable[str]) -> str:
    """Comma-separated ISO 639-1 codes, in the order given, without repeats."""
    seen: list[str] = []
    for raw in codes:
        code = raw.strip().lower()
        if not code:
            continue
        if code not in language_codes():
            raise InvalidEntry(
                deferred_gettext(
                    "“%(code)s” is not a language code. Use two-letter ISO 639-1 codes "
                    "such as es, en, fr, pt.",
                    code=raw.strip(),
                ),
                "languages",
            )
        if code not in seen:
            seen.append(code)
    return ",".join(seen)


def normalise_email(raw: str) -> str:
    """The address as email-validator normalises it (no DNS lookup), or why it is not one."""
    try:
        return email_address(raw)
    except RuleError as error:
        raise InvalidEntry(error.deferred or error.message, "email") from None


def split_list(raw: str | None) -> list[str]:
    """Items typed one per line or separated by commas or semicolons."""
    text = (raw or "").replace(";", "\n").replace(",", "\n").replace("|", "\n")
    return [item.strip() for item in text.splitlines() if item.strip()]


def normalise_phones(raw: str | Iterable[str], region: str) -> str:
    """Comma-separated E.164 numbers; the state's ISO code is the default region."""
    items = split_list(raw) if isinstance(raw, str) else [p.strip() for p in raw if p.strip()]
    numbers: list[str] = []
    for item in items:
        try:
            parsed = phonenumbers.parse(item, region.upper())
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise InvalidEntry(
                deferred_gettext(
                    "“%(number)s” is not a valid phone number. Write it with the country "
                    "code (for example +%(prefix)s …), or as dialled %(in_state)s.",
                    number=item,
                    prefix=phonenumbers.country_code_for_region(region.upper()) or "1",
                    in_state=StateName(region.upper(), "in"),
                ),
                "phones",
            )
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in numbers:
            numbers.append(e164)
    return ",".join(numbers)


@lru_cache(maxsize=8192)
def format_phone(e164: str) -> str:
    """A stored number in international format: +55 11 2345-6789."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
