"""In the browser: keyboard access and the page structure every page shares."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Form controls a person fills in, and those of them without an accessible label.
UNLABELLED_FIELDS = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter((el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type))
  .filter((el) => !el.hidden)
  .filter((el) => !(el.labels && el.labels.length)
                  && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML)"""


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(
    page, live_server, tmp_path: Path
):
    page.goto("/")
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/#main")
    expect(page.locator("main#main")).to_have_count(1)


def test_every_form_field_on_the_main_pages_has_a_label(
    area, contact, page, user, member_state, sign_in, tmp_path: Path
):
    page.goto("/login")
    unlabelled = {"/login": page.evaluate(UNLABELLED_FIELDS)}

    brazil = member_state("BR")
    entry = contact(brazil, name="Maria Silva", phones="+556133123000", areas=[area()])
    contact(member_state("MX"), name="José Pérez", areas=[area("drugs", "Drugs")])
    person = user("admin", "focal_point", states=[brazil])
    sign_in(page, person.email, person.test_password)
    paths = [
        "/",
        "/account",
        "/account/password",
        "/invite",
        "/admin/users",
        "/directory/",
        "/directory/contacts/new",
        f"/directory/contacts/{entry.id}/edit",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("a.skip-link[href='#main']")).to_have_count(1)
        expect(page.locator("main")).to_have_count(1)
        unlabelled[path] = page.evaluate(UNLABELLED_FIELDS)
        if path == "/directory/":
            page.screenshot(path=tmp_path / "directory.png", full_page=True)

    assert {path: fields for path, fields in unlabelled.items() if fields} == {}
