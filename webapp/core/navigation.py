"""The main navigation: parts register their entry pages; each viewer sees only those
the access rules let them open."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import get_locale, get_timezone

from webapp.core.access import can

_entries: list[tuple[str, Callable[[], str]]] = []


def register(endpoint: str, label: Callable[[], str]) -> None:
    """`label` is a lazy string or a callable, so it renders in the viewer's language."""
    if endpoint not in (e for e, _ in _entries):
        _entries.append((endpoint, label))


def main_navigation() -> list[tuple[str, str]]:
    return [(endpoint, str(label)) for endpoint, label in _entries if can(endpoint)]


def init_app(app: Flask) -> None:
    @app.context_processor
    def shell_context() -> dict[str, object]:
        locale = get_locale()
        return {
            "main_navigation": main_navigation,
            "current_language": locale.language if locale else "en",
            "current_timezone": str(get_timezone()),
        }
