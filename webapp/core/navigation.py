"""The main navigation and the home page: parts register their entry pages and home-page
panels; each viewer sees only those the access rules let them open."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import Flask, request, url_for
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup

from webapp.core.access import can

_entries: dict[str, tuple[int, Callable[[], str]]] = {}


def register(endpoint: str, label: Callable[[], str], position: int = 50) -> None:
    """`label` is a lazy string, so it renders in the viewer's language; entries show in
    `position` order (the everyday work first, administration last)."""
    _entries.setdefault(endpoint, (position, label))
    _navigation.cache_clear()
    _navigation_html.cache_clear()


def main_navigation() -> list[tuple[str, str]]:
    return list(_navigation(_roles(), _language()))


def _roles() -> frozenset[str] | None:
    return current_user.role_names if current_user.is_authenticated else None


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


# The entries a viewer sees follow only from their roles (the access rules are declared
# once, in code) and the language: worked out once for each, not on every page.
@lru_cache(maxsize=256)
def _navigation(roles: frozenset[str] | None, language: str) -> tuple[tuple[str, str], ...]:
    ordered = sorted(_entries.items(), key=lambda item: item[1][0])
    return tuple((endpoint, str(label)) for endpoint, (_, label) in ordered if can(endpoint))


@lru_cache(maxsize=1024)
def _navigation_html(
    roles: frozenset[str] | None, language: str, script_root: str, current: str | None
) -> Markup:
    return Markup("").join(
        Markup('<li><a href="{}"{}>{}</a></li>').format(
            url_for(endpoint),
            Markup(' aria-current="page"') if endpoint == current else "",
            label,
        )
        for endpoint, label in _navigation(roles, language)
    )


def navigation_items() -> Markup:
    """The header's navigation entries (`<li>`s), the page's own marked as current."""
    return _navigation_html(_roles(), _language(), request.script_root, request.endpoint)


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
            "navigation_items": navigation_items,
            "current_language": locale.language if locale else "en",
            "current_timezone": str(get_timezone()),
        }
