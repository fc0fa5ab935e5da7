"""Access control, declared on every endpoint and enforced before every request.

Each view declares who may use it with `@allow(...)`: `PUBLIC` (anyone, signed in or not),
`SIGNED_IN` (any account), or role names. An endpoint without a declaration is refused to
everyone, so a forgotten rule fails closed, and the access test lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

PUBLIC = "public"
SIGNED_IN = "signed-in"

ADMIN = "admin"
ORGANIZER = "organizer"
FINANCE = "finance"
FOCAL_POINT = "focal_point"
PARTICIPANT = "participant"
ROLES = (ADMIN, ORGANIZER, FINANCE, FOCAL_POINT, PARTICIPANT)

# Staff of the Secretariat, who see Secretariat-only directory entries.
SECRETARIAT = (ADMIN, ORGANIZER, FINANCE)

F = TypeVar("F", bound=Callable[..., object])


def allow(*who: str) -> Callable[[F], F]:
    """Declare who may use a view: `@allow(PUBLIC)`, `@allow(SIGNED_IN)`,
    `@allow(ADMIN, ORGANIZER)`."""
    unknown = set(who) - {PUBLIC, SIGNED_IN, *ROLES}
    if not who or unknown:
        raise ValueError(f"unknown access rule {sorted(unknown) or 'nothing'}")

    def decorate(view: F) -> F:
        view.access_rule = frozenset(who)  # type: ignore[attr-defined]
        return view

    return decorate


def rule_for(endpoint: str) -> frozenset[str] | None:
    if endpoint == "static":
        return frozenset({PUBLIC})
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def permits(rule: frozenset[str], user: object) -> bool:
    if PUBLIC in rule:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if SIGNED_IN in rule:
        return True
    return bool(rule & user.role_names)  # type: ignore[attr-defined]


def can(endpoint: str) -> bool:
    """For templates: may the current user open this endpoint (navigation, buttons)?"""
    rule = rule_for(endpoint)
    return rule is not None and permits(rule, current_user)


def _enforce() -> object | None:
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404/405
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(403)
    if permits(rule, current_user):
        return None
    if not current_user.is_authenticated:
        if request.method == "GET":
            flash(_("Please sign in to open this page."), "info")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        abort(401)
    abort(403)


def init_app(app: Flask) -> None:
    app.before_request(_enforce)
    app.jinja_env.globals["can"] = can
