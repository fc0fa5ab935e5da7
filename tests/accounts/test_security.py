"""Headers and cookie flags every page carries."""

from __future__ import annotations

import pytest

import config


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture()
def page(client):
    return client.get("/login")


def test_the_content_security_policy_forbids_inline_scripts(page):
    policy = directives(page.headers["Content-Security-Policy"])
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]


def test_the_content_security_policy_forbids_framing_and_plugins(page):
    policy = directives(page.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_pages_cannot_be_framed(page):
    assert page.headers["X-Frame-Options"] == "DENY"


def test_content_types_are_not_sniffed(page):
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html
    assert "<script src=" in html


def session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def sign_in(client, person):
    return client.post("/login", data={"email": person.email, "password": person.test_password})


def test_the_session_cookie_is_http_only_and_same_site_lax(client, user):
    cookie = session_cookie(sign_in(client, user("participant")))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_production_configuration_marks_cookies_secure(app, client, user):
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
    assert config.ProductionConfig.REMEMBER_COOKIE_SECURE is True
    app.config["SESSION_COOKIE_SECURE"] = config.ProductionConfig.SESSION_COOKIE_SECURE
    cookie = session_cookie(sign_in(client, user("participant")))
    assert "Secure" in cookie


def test_forms_carry_a_csrf_token_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html


def test_a_post_without_the_csrf_token_is_refused(app, client, user):
    app.config["WTF_CSRF_ENABLED"] = True
    person = user("participant")
    response = sign_in(client, person)
    assert response.status_code == 400
    assert client.get("/account").status_code == 302
