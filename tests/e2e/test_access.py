"""In the browser: refused pages and the way back after signing in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_participant_opening_an_admin_page_gets_the_not_allowed_page(page, user, sign_in):
    person = user("participant")
    sign_in(page, person.email, person.test_password)

    response = page.goto("/admin/users")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page).to_have_title(re.compile(r"^Not allowed"))
    expect(page.get_by_role("table")).to_have_count(0)


def test_an_anonymous_visitor_signs_in_and_lands_on_the_page_asked_for(
    page, live_server, user, sign_in
):
    person = user("participant")

    page.goto("/directory/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)directory(/|%2F)$"))

    sign_in(page, person.email, person.test_password, open_form=False)
    expect(page).to_have_url(live_server + "/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Directory of National Points of Contact"
    )


def test_the_not_allowed_page_is_in_the_language_of_the_user(page, user, sign_in, translated):
    person = user("participant", language="es")
    sign_in(page, person.email, person.test_password)

    response = page.goto("/admin/users")

    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("es", "Not allowed"))
