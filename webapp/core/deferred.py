"""Messages kept as data and said later, in the reader's language.

What a background job found (an import's rejected rows, why a file was refused) is read
later, by people of other languages and by the same person after switching: so it is
stored as the message's English text (its id in the catalogs) and its parameters, and
translated only when shown.

    problem = deferred_gettext("“%(code)s” is not a member state's code.", code=raw)
    job.errors = [{"row": 3, "column": "state_code", "said": problem.to_data()}]
    ...
    Message.from_data(error["said"]).render()  # in the language of the page

`deferred_gettext` and `deferred_ngettext` are extraction keywords (Makefile, the i18n
tests), so the catalogs hold their texts like any other. A parameter that reads
differently in each language (a state's name in a sentence) is a `StateName`, put into
its sentence form when the message is rendered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, ngettext

from webapp.core import grammar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StateName:
    """A state's name in a sentence's form ("in", "of"...), in the reader's language."""

    code: str
    form: str = "bare"

    def __str__(self) -> str:
        return grammar.state_name(self.code, self.form)


Param = str | int | StateName


@dataclass(frozen=True)
class Message:
    """A message id and its parameters; `plural` and `num` for a count (ngettext)."""

    text: str
    params: dict[str, Param] = field(default_factory=dict)
    plural: str | None = None
    num: int | None = None

    def render(self) -> str:
        """The message in the active language (the page's, or a mail's reader's)."""
        values = {k: str(v) if isinstance(v, StateName) else v for k, v in self.params.items()}
        try:
            if self.plural is not None:
                values.pop("num", None)  # ngettext gives it the count itself
                return ngettext(self.text, self.plural, self.num or 0, **values)
            return gettext(self.text, **values)
        except (KeyError, ValueError, TypeError):
            # Stored data that no longer fits its message (never expected): say it in
            # English rather than fail the page.
            log.exception("message %r could not be rendered", self.text)
            return self.text

    def __str__(self) -> str:
        return self.render()

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready form, for a JSON column."""
        data: dict[str, Any] = {
            "text": self.text,
            "params": {
                k: {"state": v.code, "form": v.form} if isinstance(v, StateName) else v
                for k, v in self.params.items()
            },
        }
        if self.plural is not None:
            data["plural"], data["num"] = self.plural, self.num
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Message:
        params: dict[str, Param] = {}
        for key, value in (data.get("params") or {}).items():
            if isinstance(value, dict):
                params[key] = StateName(
                    str(value.get("state", "")), str(value.get("form", "bare"))
                )
            else:
                params[key] = value
        return cls(str(data.get("text", "")), params, data.get("plural"), data.get("num"))


def _param(value: object) -> Param:
    return value if isinstance(value, int | StateName) else str(value)


def deferred_gettext(text: str, **params: object) -> Message:
    """`gettext`, kept as data: translated when rendered."""
    return Message(text, {k: _param(v) for k, v in params.items()})


def deferred_ngettext(singular: str, plural: str, num: int, **params: object) -> Message:
    """`ngettext`, kept as data; `%(num)d` is the count, as with ngettext."""
    values = {k: _param(v) for k, v in params.items()}
    values.setdefault("num", num)
    return Message(singular, values, plural, num)
