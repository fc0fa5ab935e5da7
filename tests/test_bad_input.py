"""No input yields a 500: every form endpoint, sent hostile or malformed data by someone
allowed to use it, answers with a page (a form error, a 4xx), never a server error.

Like the access map, this walks the whole URL map, so new forms are covered without
editing this file. The data is the demo data, so `1` in a URL names a real object.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from tests.test_access_map import method_for, routes, url_for_rule
from webapp.accounts.models import User
from webapp.core.access import ROLES
from webapp.extensions import db

NASTY_VALUES = [
    "",
    " ",
    "x" * 20_000,
    "\x00\x01\x02",
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "💥 ñ ü ç ã 中文",
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "not-an-email@",
    "@@",
]


def field_names(html: str) -> list[str]:
    names = set(re.findall(r'name="([^"]+)"', html))
    return sorted(names - {"csrf_token"})


@pytest.fixture()
def everyone(app, runner):
    """One person holding every role, tied to every member state, on the demo data."""
    assert runner.invoke(args=["reference", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    from webapp.core.reference import member_states

    person = db.session.scalar(db.select(User).where(User.email == "admin@puerto.example.org"))
    person.role_names = set(ROLES)
    person.member_states = member_states(include_withdrawn=True)
    db.session.commit()
    return person


def post_rules(app) -> list[Rule]:
    return [r for r in routes(app) if "POST" in (r.methods or ())]


def test_every_form_survives_hostile_input(app, client, login, everyone):
    login(everyone)
    failures = []
    for rule in post_rules(app):
        if rule.endpoint in {"accounts.logout", "accounts.sign_out_everywhere"}:
            continue  # they end the session the rest of the walk needs
        url = url_for_rule(rule)
        names = []
        if "GET" in (rule.methods or ()):
            page = client.get(url)
            if page.status_code >= 500:
                failures.append(("GET", url, page.status_code))
            names = field_names(page.get_data(as_text=True))
        names = names or ["name", "email", "q", "state", "language", "file"]
        payloads = [{}] + [dict.fromkeys(names, value) for value in NASTY_VALUES]
        for data in payloads:
            response = client.post(url, data=data)
            if response.status_code >= 500:
                failures.append((method_for(rule), url, response.status_code, str(data)[:60]))
            db.session.rollback()
        login(everyone)  # a form may have signed the person out (password, deactivation)
    assert failures == []


QUERY_NAMES = [
    "q",
    "state",
    "area",
    "language",
    "kind",
    "page",
    "status",
    "date",
    "as_of",
    "next",
    "role",
    "per_page",
    "sort",
]


def test_every_page_survives_hostile_query_strings(app, client, login, everyone):
    login(everyone)
    failures = []
    for rule in routes(app):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = url_for_rule(rule)
        for value in [*NASTY_VALUES, "0", "-5", "abc"]:
            response = client.get(url, query_string=dict.fromkeys(QUERY_NAMES, value))
            if response.status_code >= 500:
                failures.append((url, response.status_code, value[:40]))
            db.session.rollback()
    assert failures == []
