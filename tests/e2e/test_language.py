"""In the browser: the language switch in the header."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_header_switch_changes_the_language_of_the_page_and_back(
    page, live_server, user, sign_in, translated
):
    person = user("participant")
    sign_in(page, person.email, person.test_password)
    page.goto("/account")
    switch = page.locator("form.language-switch")

    for language, name in [
        ("es", "Español"),
        ("fr", "Français"),
        ("pt", "Português"),
        ("en", "English"),
    ]:
        switch.get_by_role("button", name=name).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page).to_have_url(live_server + "/account")
        expect(
            page.locator(".site-header").get_by_role(
                "button", name=translated(language, "Sign out")
            )
        ).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            translated(language, "Your account")
        )
        expect(switch.get_by_role("button", name=name)).to_have_attribute("aria-pressed", "true")
