"""The main navigation: parts register their entry pages; each viewer sees only those
the access rules let them open."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import get_locale, get_timezone

from webapp.core.access import can

_entries: dict[str, tuple[int, Callable[[], str]]] = {}


def register(endpoint: str, label: Callable[[], str], position: int = 50) -> None:
    """`label` is a lazy string, so it renders in the viewer's language; entries show in
    `position` order (the everyday work first, administration last)."""
    _entries.setdefault(endpoint, (position, label))


def main_navigation() -> list[tuple[str, str]]:
    ordered = sorted(_entries.items(), key=lambda item: item[1][0])
    return [(endpoint, str(label)) for endpoint, (_, label) in ordered if can(endpoint)]


def init_app(app: Flask) -> None:
    @app.context_processor
    def shell_context() -> dict[str, object]:
        locale = get_locale()
        return {
            "main_navigation": main_navigation,
            "current_language": locale.language if locale else "en",
            "current_timezone": str(get_timezone()),
        }
