"""Writing mail: the one way a part composes an email and hands it to the outbox.

A part names the kind of mail (a constant in its own module), the recipient, the
templates and an idempotency key. The subject and bodies are rendered here in the
recipient's language and time zone (one rule, `recipient_language`), and one outbox row
is written in the caller's transaction; delivery happens after commit. The caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, get_translations
from flask_babel import refresh as babel_refresh
from jinja2 import pass_context
from markupsafe import Markup, escape

from webapp.core import outbox
from webapp.core.outbox import Attachment, Email
from webapp.core.timezones import zone_or_default

# What each kind of mail is called on the outbox pages; parts name theirs with
# `describe_kind` when they start (a kind nobody named is spelled out from its code).
_kind_labels: dict[str, Callable[[], str]] = {}


def describe_kind(kind: str, label: Callable[[], str]) -> None:
    """Name a kind of mail in words (`label` is a lazy string)."""
    _kind_labels[kind] = label


def kind_label(kind: str) -> str:
    label = _kind_labels.get(kind)
    if label is not None:
        return str(label)
    words = kind.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Recipient:
    """Who a message is for: an address, and what we know of how they read."""

    email: str
    name: str | None = None
    language: str | None = None
    timezone: str | None = None


def recipient_language(preferred: str | None) -> str:
    """The recipient's own language when Puerto writes it, else the platform's default."""
    if preferred in current_app.config["LANGUAGES"]:
        return preferred
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def recipient_zone(preferred: str | None) -> str:
    """The recipient's own zone when it is a valid one, else the platform's default."""
    return zone_or_default(preferred)


@contextmanager
def reading_as(language: str, zone: str) -> Iterator[None]:
    """Render (dates, times, translated text) as this reader would read it."""
    from flask import g

    previous = g.get("reader_zone")
    g.reader_zone = zone
    babel_refresh()  # drop the cached zone so the formatting functions ask again
    try:
        with force_locale(language):
            yield
    finally:
        if previous is None:
            g.pop("reader_zone", None)
        else:
            g.reader_zone = previous
        babel_refresh()


@lru_cache(maxsize=32)
def _translating(translations: Any) -> dict[str, Callable[..., str]]:
    """Template functions bound to one language's translations, as Jinja's i18n extension
    (newstyle, as Flask-Babel installs it) would call them: a rendering passes them in its
    context, so each `_()` in a mail template finds the translation directly instead of
    looking up the current language through Flask-Babel (a third of the rendering time
    of an invitation)."""

    def formatted(lookup: Callable[..., str], *named: tuple[str, int]) -> Callable[..., str]:
        @pass_context
        def translate(context: Any, *args: Any, **variables: Any) -> str:
            for name, position in named:  # ngettext's `num`, pgettext's `context`
                variables.setdefault(name, args[position])
            text = lookup(*args)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % variables  # always a format string, as in Jinja's newstyle

        return translate

    return {
        "gettext": formatted(translations.ugettext),
        "ngettext": formatted(translations.ungettext, ("num", 2)),
        "pgettext": formatted(translations.upgettext, ("context", 0)),
        "npgettext": formatted(translations.unpgettext, ("context", 0), ("num", 3)),
    }


def compose(
    kind: str,
    to: Recipient,
    *,
    subject: Callable[[], str],
    template: str,
    key: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    reply_to: str | None = None,
    calendar: tuple[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> int | None:
    """Render `<template>.txt` and `<template>.html` for `to` and write one outbox row.

    `subject` (and `context`, when it is a function) is called inside the recipient's
    language and zone, so it may use gettext and the date formatting functions.
    `calendar` is `(method, content)` for an iMIP message. Returns the row's id, or None
    when a row with the same `key` exists already (sending twice is a no-op).
    """
    return outbox.enqueue(
        render(
            kind,
            to,
            subject=subject,
            template=template,
            key=key,
            context=context,
            reply_to=reply_to,
            calendar=calendar,
            attachments=attachments,
        )
    )


def compose_many(emails: Sequence[Email]) -> dict[str, int]:
    """Write many messages made by `render` in a few statements (see
    `outbox.enqueue_many`): {idempotency key: row id} of the rows written."""
    return outbox.enqueue_many(emails)


def render(
    kind: str,
    to: Recipient,
    *,
    subject: Callable[[], str],
    template: str,
    key: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    reply_to: str | None = None,
    calendar: tuple[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> Email:
    """The message `compose` would write, rendered for `to` but not written: for callers
    that write many at once with `compose_many`."""
    language = recipient_language(to.language)
    zone = recipient_zone(to.timezone)
    with reading_as(language, zone):
        title = subject()
        values = {
            **((context() if callable(context) else context) or {}),
            "subject": title,
            "recipient": to,
            "language": language,
            "zone": zone,
        }
        # The reader's translations looked up once per message, not once per phrase.
        words = _translating(get_translations())
        text = render_template(f"{template}.txt", **values, **words)
        html = render_template(f"{template}.html", **values, **words)
    method, content = calendar if calendar else (None, None)
    return Email(
        kind=kind,
        recipient=to.email,
        subject=title,
        body_text=text,
        body_html=html,
        language=language,
        idempotency_key=key,
        reply_to=reply_to,
        calendar_method=method,
        calendar_content=content,
        attachments=list(attachments),
    )


class Stencil:
    """One message rendered once for many recipients who read it alike, then completed
    for each: rendering the templates is most of the cost of writing an invitation, and a
    thousand invitations to one series in four languages need a handful of renderings.

    A recipient's message differs from the stencil's only in the name in its salutation
    and in `slots`, strings (links) placed after rendering, escaped in the HTML part as
    Jinja escapes them. The caller names what else the message depends on as the `shape`
    of each recipient (what they are invited to, their language and zone): a recipient's
    context, given the slots' values, must depend on nothing else; it is called with
    placeholders once per shape. A name that would change the salutation's lines is
    rendered in full.
    (tests/meetings/test_invitation_stencil.py compares both ways.)"""

    def __init__(
        self,
        kind: str,
        *,
        subject: Callable[[], str],
        template: str,
        slots: Sequence[str],
        reply_to: str | None = None,
    ) -> None:
        self.kind, self.subject, self.template, self.reply_to = kind, subject, template, reply_to
        # Placeholders that escaping leaves alone and no text holds by chance.
        marker = secrets.token_hex(6)
        self._placeholders = {slot: f"PUERTOSLOT{n}X{marker}" for n, slot in enumerate(slots)}
        self._name = f"PUERTONAMEX{marker}"
        self._rendered: dict[tuple[object, ...], Email] = {}

    def render(
        self,
        to: Recipient,
        *,
        shape: Hashable,
        key: str,
        context: Callable[[Mapping[str, str]], Mapping[str, Any]],
        slots: Mapping[str, str],
        calendar: tuple[str, str] | None = None,
    ) -> Email:
        """The message `render` would write for `to`, its context `context(slots)`.
        `context` is given the placeholders instead when this shape is first rendered."""
        if slots.keys() != self._placeholders.keys():
            raise ValueError(f"slots {sorted(slots)} are not {sorted(self._placeholders)}")
        name = (to.name or "").strip()
        named = bool(name) and "@" not in name  # as grammar.salutation decides
        if named and name.splitlines() != [name]:
            return render(
                self.kind,
                to,
                subject=self.subject,
                template=self.template,
                key=key,
                context=lambda: context(slots),
                reply_to=self.reply_to,
                calendar=calendar,
            )
        stencil_key = (shape, to.language, to.timezone, named)
        stencil = self._rendered.get(stencil_key)
        if stencil is None:
            stencil = self._rendered[stencil_key] = render(
                self.kind,
                Recipient(to.email, self._name if named else None, to.language, to.timezone),
                subject=self.subject,
                template=self.template,
                key=key,
                context=lambda: context(self._placeholders),
                reply_to=self.reply_to,
            )
        text, html = stencil.body_text, stencil.body_html or ""
        values = {self._placeholders[slot]: value for slot, value in slots.items()}
        if named:
            values[self._name] = name
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
            html = html.replace(placeholder, str(escape(value)))
        method, content = calendar if calendar else (None, None)
        return Email(
            kind=self.kind,
            recipient=to.email,
            subject=stencil.subject,
            body_text=text,
            body_html=html if stencil.body_html is not None else None,
            language=stencil.language,
            idempotency_key=key,
            reply_to=self.reply_to,
            calendar_method=method,
            calendar_content=content,
        )
