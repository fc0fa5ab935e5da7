"""Every route is allowed or refused as declared, for every role and for anonymous visitors.

The test walks the application's whole URL map, so a route added anywhere is checked
without editing this file: a route without an `@allow(...)` rule fails, and so does a route
that answers a role it should refuse. Public pages are listed here by name, so making a
page public is a deliberate, reviewed change.
"""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.signin import session_key_for
from webapp.core.access import PUBLIC, ROLES, permits, rule_for
from webapp.extensions import db

# Everything anyone may open without signing in. Add a page here only on purpose.
PUBLIC_ENDPOINTS = {
    "accounts.accept_invitation",
    "accounts.login",
    "accounts.logout",
    "accounts.request_password_reset",
    "accounts.reset_password",
    "core.health",
    "core.home",
    "core.set_language",
    "directory.asset",
    "meetings.answer",
    "meetings.asset",
    "meetings.feed",
    "meetings.participant_ics",
    "refresh.review",
}

ANONYMOUS = "anonymous"
NO_ROLE = "no role"
IDENTITIES = (ANONYMOUS, NO_ROLE, *ROLES)

PLACEHOLDERS = {
    "IntegerConverter": 1,
    "FloatConverter": 1.0,
    "UUIDConverter": uuid.UUID(int=1),
}


def routes(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.endpoint, r.rule),
    )


def url_for_rule(rule: Rule) -> str:
    """The rule's path with placeholder values: int -> 1, anything else -> "x" (a
    converter counts as the Werkzeug one it extends, such as core.urls' bounded int)."""
    values = {name: _placeholder(converter) for name, converter in rule._converters.items()}
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def _placeholder(converter: object) -> object:
    for kind in type(converter).__mro__:
        if kind.__name__ in PLACEHOLDERS:
            return PLACEHOLDERS[kind.__name__]
    return "x"


def method_for(rule: Rule) -> str:
    methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
    return "GET" if "GET" in methods else sorted(methods)[0]


def test_every_endpoint_declares_an_access_rule(app):
    undeclared = sorted({r.endpoint for r in routes(app) if rule_for(r.endpoint) is None})
    assert undeclared == [], f"add @allow(...) to: {', '.join(undeclared)}"


def test_the_public_endpoints_are_exactly_the_listed_ones(app):
    public = {r.endpoint for r in routes(app) if PUBLIC in (rule_for(r.endpoint) or ())}
    assert public - PUBLIC_ENDPOINTS == set(), "made public without being listed here"
    assert PUBLIC_ENDPOINTS - public == set(), "listed here but no longer public"


@pytest.fixture()
def people(user, member_state):
    """One account per identity (None for anonymous), with the roles it stands for."""
    state = member_state("BR")
    accounts: dict[str, tuple[object | None, set[str]]] = {ANONYMOUS: (None, set())}
    accounts[NO_ROLE] = (user(), set())
    for role in ROLES:
        accounts[role] = (user(role, states=[state]), {role})
    return accounts


def _restore(person: object, roles: set[str]) -> None:
    """Undo what an earlier request may have done to the account (a placeholder id can
    name it): deactivated, signed out everywhere, roles changed."""
    db.session.rollback()
    db.session.refresh(person)
    person.is_active_account = True
    person.role_names = roles
    db.session.commit()


def _request(app: Flask, person: object | None, roles: set[str], method: str, url: str):
    client = app.test_client()
    if person is not None:
        _restore(person, roles)
        with client.session_transaction() as session:
            session["_user_id"] = session_key_for(person)
            session["_fresh"] = True
    return client.open(url, method=method)


def _verdict(identity: str, allowed: bool, method: str, response) -> str | None:
    """What is wrong with the response, or None."""
    status = response.status_code
    if allowed:
        if status in (401, 403):
            return f"allowed but answered {status}"
        return None
    if identity == ANONYMOUS:
        if method == "GET":
            location = response.headers.get("Location", "")
            if status == 302 and location.startswith("/login"):
                return None
            return f"refused GET should redirect to /login, got {status} {location}"
        return None if status == 401 else f"refused {method} should be 401, got {status}"
    return None if status == 403 else f"refused but answered {status}"


def test_each_identity_is_allowed_or_refused_as_declared(app, people):
    problems = []
    for rule in routes(app):
        declared = rule_for(rule.endpoint)
        if declared is None:
            continue  # reported by test_every_endpoint_declares_an_access_rule
        url, method = url_for_rule(rule), method_for(rule)
        for identity in IDENTITIES:
            person, roles = people[identity]
            allowed = permits(declared, person or _Anonymous())
            try:
                response = _request(app, person, roles, method, url)
            except Exception as exc:  # a crash is a finding too, not a reason to stop
                db.session.rollback()
                problems.append(f"{rule.endpoint} {method} {url} as {identity}: raised {exc!r}")
                continue
            wrong = _verdict(identity, allowed, method, response)
            if wrong:
                problems.append(f"{rule.endpoint} {method} {url} as {identity}: {wrong}")
    assert problems == [], "\n".join(problems)


class _Anonymous:
    is_authenticated = False
    role_names = frozenset()
