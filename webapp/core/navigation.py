"""The main navigation and the home page: parts register their entry pages and home-page
panels; each viewer sees only those the access rules let them open."""

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


# Home-page panels: (endpoint whose access rule decides who sees it, template, context).
_panels: dict[str, tuple[str, Callable[[], dict[str, object]]]] = {}


def register_home_panel(
    endpoint: str, template: str, context: Callable[[], dict[str, object]]
) -> None:
    """A summary on the home page for those who may open `endpoint` (which it links to)."""
    _panels.setdefault(endpoint, (template, context))


def home_panels() -> list[tuple[str, dict[str, object]]]:
    return [
        (template, context()) for endpoint, (template, context) in _panels.items() if can(endpoint)
    ]


def init_app(app: Flask) -> None:
    @app.context_processor
    def shell_context() -> dict[str, object]:
        locale = get_locale()
        return {
            "main_navigation": main_navigation,
            "current_language": locale.language if locale else "en",
            "current_timezone": str(get_timezone()),
        }
