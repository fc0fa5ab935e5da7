"""How names, dates and greetings enter a sentence in each of the four languages.

- `state_name(state, form)`: a member state's, permanent observer's or organization's
  name in the form a sentence needs ("du Mexique", "no Brasil", "les États-Unis", "de
  los Países Bajos", "del Banco Interamericano de Desarrollo"), from
  `data/state_grammar.json`;
  `state_number(state)` is 2 when the verb agrees in the plural ("Les États-Unis ont
  répondu"), for `ngettext(singular, plural, state_number(state), state=...)`.
  In templates: `{{ state|state_form("of") }}` and `state_number(state)`.
- `long_date(day)`: the long form used in mail ("1 de marzo de 2026", "1er mars 2026",
  "1º de março de 2026"); `{{ day|long_date }}`.
- `salutation(recipient)`: the formal opening of every email, with the name when it is
  known, never with an email address; the mail templates call the `greeting` macro of
  `templates/mail/_greeting.txt` / `_greeting.html`, which uses it.

Messages name their placeholder after the form they expect: `%(state)s` (the subject form,
with its article), `%(of_state)s`, `%(in_state)s`, `%(to_state)s`; a label that only
shows the name ("Member state: %(state_name)s") takes the bare form.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from flask import Flask
from flask_babel import format_date, get_locale, gettext

DATA = Path(__file__).parent / "data" / "state_grammar.json"
FORMS = ("bare", "subject", "of", "in", "to")
# Prepositions for a state the data does not know (one an administrator added by hand).
_FALLBACK = {
    "en": {"of": "of {}", "in": "in {}", "to": "to {}"},
    "es": {"of": "de {}", "in": "en {}", "to": "a {}"},
    "fr": {"of": "de {}", "in": "à {}", "to": "à {}"},
    "pt": {"of": "de {}", "in": "em {}", "to": "a {}"},
}


class HasCode(Protocol):
    code: str

    def name_in(self, language: str) -> str: ...


@lru_cache(maxsize=1)
def _grammar() -> dict[str, dict[str, dict[str, Any]]]:
    """Forms by ISO code (member states, permanent observers) or acronym (organizations)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {**data["organizations"], **data["permanent_observers"], **data["member_states"]}


def _language(language: str | None) -> str:
    if language:
        return language
    locale = get_locale()
    return locale.language if locale else "en"


def _forms(state: HasCode | str, language: str) -> dict[str, Any]:
    code = state if isinstance(state, str) else getattr(state, "code", None) or state.acronym
    known = _grammar().get((code or "").upper(), {}).get(language)
    if known is not None:
        return known
    bare = code.upper() if isinstance(state, str) else state.name_in(language)
    preps = _FALLBACK.get(language, _FALLBACK["en"])
    return {
        "bare": bare,
        "subject": bare,
        **{form: pattern.format(bare) for form, pattern in preps.items()},
        "plural": False,
    }


def state_name(
    state: HasCode | str,
    form: str = "bare",
    language: str | None = None,
    *,
    start: bool = False,
) -> str:
    """The state's name as a sentence needs it: bare, subject, of, in or to. `state` is a
    MemberState, PermanentObserver or Organization, or an ISO 3166-1 alpha-2 code (or an
    organization's acronym); `start` capitalizes the first letter for the
    start of a sentence."""
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; use one of {FORMS}")
    text = _forms(state, _language(language))[form]
    return text[:1].upper() + text[1:] if start else text


def state_is_plural(state: HasCode | str, language: str | None = None) -> bool:
    return bool(_forms(state, _language(language))["plural"])


def state_number(state: HasCode | str, language: str | None = None) -> int:
    """1 or 2: the number a verb agrees with when the state is its subject."""
    return 2 if state_is_plural(state, language) else 1


# --- dates --------------------------------------------------------------------------------

# Babel's long formats write the first day of a month as "1"; French writes "1er" and
# Portuguese "1º" (and only for the first day).
_FIRST_DAY = {"fr": "1er", "pt": "1º"}


def long_date(
    value: date | datetime | None, language: str | None = None, format: str = "long"
) -> str:
    """The date in full, as mail writes it ("full" adds the weekday); a datetime is read in
    the reader's zone."""
    if value is None:
        return ""
    text = format_date(value, format)
    language = _language(language)
    shown = value
    if isinstance(value, datetime):
        from flask_babel import to_user_timezone

        shown = to_user_timezone(value)
    if shown.day == 1 and language in _FIRST_DAY:
        text = re.sub(r"(?<!\d)1(?!\d)", _FIRST_DAY[language], text, count=1)
    return text


# --- greetings ----------------------------------------------------------------------------


def salutation(recipient: Any = None) -> str:
    """The formal opening of an email. `recipient` is a mailer.Recipient, a User, a name or
    None; an email address is never used as a name. May hold two lines (French puts the
    name on its own line above "Madame, Monsieur,")."""
    name = recipient if isinstance(recipient, str) or recipient is None else recipient.name
    name = (name or "").strip()
    if name and "@" not in name:
        return gettext("Dear %(name)s,", name=name)
    return gettext("Dear Sir or Madam,")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["state_form"] = lambda state, form="subject", start=False: state_name(
        state, form, start=start
    )
    app.jinja_env.globals["state_number"] = state_number
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.globals["salutation"] = salutation
