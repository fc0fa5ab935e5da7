"""Access rules: how a view declares who may use it and how every request is checked.
The whole URL map is walked in tests/test_access_map.py; these pin the rules themselves."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, render_template_string
from flask_login import AnonymousUserMixin

from tests.signin import session_key_for
from webapp.core import access
from webapp.core.access import (
    ADMIN,
    FINANCE,
    ORGANIZER,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    allow,
    permits,
    rule_for,
)

# Declaring


@pytest.mark.parametrize(
    "who", [(), ("superuser",), ("admin", "administrator"), ("Admin",), ("public", "signed_in")]
)
def test_a_rule_naming_nobody_or_an_unknown_role_is_refused_when_declared(who):
    with pytest.raises(ValueError, match="unknown access rule"):
        allow(*who)


def test_the_refusal_names_the_unknown_role():
    with pytest.raises(ValueError, match="administrator"):
        allow(ADMIN, "administrator")


@pytest.mark.parametrize("who", [(PUBLIC,), (SIGNED_IN,), ROLES, (ADMIN, FINANCE)])
def test_a_rule_of_known_names_is_kept_on_the_view(who):
    def view() -> str:
        return "page"

    assert allow(*who)(view) is view
    assert view.access_rule == frozenset(who)


# Deciding


class Person:
    is_authenticated = True

    def __init__(self, *roles: str) -> None:
        self.role_names = set(roles)


def test_a_public_rule_admits_visitors_and_accounts():
    rule = frozenset({PUBLIC})
    assert permits(rule, AnonymousUserMixin())
    assert permits(rule, Person())


def test_a_signed_in_rule_admits_any_account_but_no_visitor():
    rule = frozenset({SIGNED_IN})
    assert permits(rule, Person())
    assert not permits(rule, AnonymousUserMixin())


def test_a_role_rule_admits_only_holders_of_one_of_its_roles():
    rule = frozenset({ADMIN, ORGANIZER})
    assert permits(rule, Person(ORGANIZER))
    assert permits(rule, Person(FINANCE, ADMIN))
    assert not permits(rule, Person(FINANCE))
    assert not permits(rule, Person())
    assert not permits(rule, AnonymousUserMixin())


def test_an_object_without_sign_in_state_is_a_visitor():
    assert not permits(frozenset({SIGNED_IN}), object())


# Static files


def test_static_files_are_public(app, client):
    assert rule_for("static") == frozenset({PUBLIC})
    response = client.get("/static/puerto.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    response.close()


def test_the_templates_show_links_only_to_what_the_viewer_may_open(app, client, user, login):
    with app.test_request_context():
        assert access.can("static")
        assert access.can("accounts.login")
        assert not access.can("core.outbox")
        assert not access.can("no.such_endpoint")


# Enforcing, on every request


@pytest.fixture()
def undeclared_app(another_app) -> Flask:
    """A fresh app with one route whose author forgot `@allow(...)`."""
    fresh = another_app()

    @fresh.get("/forgotten")
    def forgotten() -> str:
        return "should never be seen"

    return fresh


def test_templates_ask_whether_the_viewer_may_open_a_page(undeclared_app):
    with undeclared_app.test_request_context():
        shown = render_template_string(
            "{{ can('accounts.login') }} {{ can('core.outbox') }} {{ can('forgotten') }}"
        )
    assert shown == "True False False"


def test_a_route_without_a_rule_is_refused_even_to_an_admin(undeclared_app, user):
    admin = user(*ROLES)
    browser = undeclared_app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = session_key_for(admin)
        session["_fresh"] = True
    response = browser.get("/forgotten")
    assert response.status_code == 403
    assert "should never be seen" not in response.text


def test_an_unknown_address_is_not_found_rather_than_refused(client):
    assert client.get("/no/such/page").status_code == 404


def test_a_visitor_asking_for_a_page_is_sent_to_sign_in_with_it_as_next(client):
    response = client.get("/admin/outbox?status=failed")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/admin/outbox?status=failed"]


def test_the_next_page_keeps_its_query_to_the_last_character(client):
    location = urlsplit(client.get("/directory/?state=MX").headers["Location"])
    assert parse_qs(location.query)["next"] == ["/directory/?state=MX"]


def test_the_next_page_has_no_dangling_question_mark(client):
    location = urlsplit(client.get("/admin/outbox").headers["Location"])
    assert parse_qs(location.query)["next"] == ["/admin/outbox"]


def test_a_visitor_sent_to_sign_in_is_told_why(client):
    page = client.get("/admin/outbox", follow_redirects=True).text
    [told] = re.findall(r'<p class="flash flash-info">([^<]+)</p>', page)
    assert "sign in" in told.lower()


def test_a_visitor_posting_to_a_page_is_refused_without_a_redirect(client):
    response = client.post("/admin/outbox/1/retry")
    assert response.status_code == 401


def test_an_account_without_the_role_is_refused(client, user, login):
    login(user("participant"))
    assert client.get("/admin/outbox").status_code == 403


def sign_in_form_next(page: str) -> str:
    """The sign-in form's hidden `next` (not the language switch's, which is the page)."""
    field = re.search(r'<input id="next"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', field).group(1).replace("&amp;", "&")


def test_after_signing_in_a_person_lands_on_the_page_they_asked_for(client, user):
    admin = user("admin")
    sign_in_page = client.get("/admin/outbox?status=failed", follow_redirects=True)
    response = client.post(
        sign_in_page.request.full_path,
        data={
            "email": admin.email,
            "password": admin.test_password,
            "next": sign_in_form_next(sign_in_page.text),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/outbox?status=failed"
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/account",
        "//evil.example/account",
        "http:/evil.example",
        "evil.example/account",
        "javascript:alert(1)",
    ],
)
def test_after_signing_in_a_person_never_lands_on_another_host(client, user, elsewhere):
    person = user("participant")
    response = client.post(
        "/login",
        data={"email": person.email, "password": person.test_password, "next": elsewhere},
    )
    assert response.headers["Location"] == "/"
