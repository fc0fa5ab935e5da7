"""In the browser: a focal point finds an entry of their state and corrects its phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import field

pytestmark = pytest.mark.e2e


def test_a_focal_point_finds_an_entry_and_corrects_its_phone(
    area, contact, page, live_server, user, member_state, sign_in
):
    brazil = member_state("BR")
    customs, drugs = area("customs", "Customs"), area("drugs", "Drugs")
    wanted = contact(brazil, name="Maria Silva", areas=[customs])
    contact(brazil, name="Maria Costa", areas=[drugs])
    contact(member_state("MX"), name="Maria Lopez", areas=[customs])
    person = user("focal_point", states=[brazil])
    sign_in(page, person.email, person.test_password)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Directory", exact=True).click()
    search = page.get_by_role("search")
    field(search, "Name, title or agency").fill("Maria")
    search.get_by_role("button", name="Search").click()
    results = page.locator("main table tbody tr")
    expect(results).to_have_count(3)

    field(search, "Area").select_option(label="Customs")
    search.get_by_role("button", name="Search").click()
    expect(results).to_have_count(2)
    expect(results.filter(has_text="Maria Costa")).to_have_count(0)

    page.get_by_role("link", name="Maria Silva").click()
    expect(page).to_have_url(f"{live_server}/directory/contacts/{wanted.id}")
    page.locator("main").get_by_role("link", name="Edit").click()

    phones = field(page, "Phones")
    phones.fill("12345")
    page.get_by_role("button", name="Save").click()
    expect(phones).to_have_attribute("aria-invalid", "true")
    error = page.locator("#phones-error")
    expect(error).to_contain_text("is not a valid phone number")
    # Next to its field: in the same field block, just below it.
    expect(page.locator(".field.has-error").filter(has=phones).locator(".error")).to_have_text(
        error.inner_text()
    )

    phones.fill("(61) 3312-3000")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server}/directory/contacts/{wanted.id}")
    expect(page.locator(".flash")).to_have_text("The entry for Maria Silva is saved.")
    expect(page.get_by_role("link", name="+55 61 3312-3000")).to_have_attribute(
        "href", "tel:+556133123000"
    )
