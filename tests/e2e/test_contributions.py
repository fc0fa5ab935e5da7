"""In the browser: a finance officer records a pledge with instalments, a receipt in
another currency and a reversal; bad input is shown on the form; the pages fit a phone."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.e2e.support import field
from webapp.contributions import donors, rates
from webapp.contributions.models import MEMBER_STATE, Pledge, Receipt
from webapp.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture()
def officer(user, member_state):
    """A finance officer, Brazil as a donor with a contact, and a euro rate."""
    person = user("finance")
    brazil = donors.create_donor(
        kind=MEMBER_STATE, reference_id=member_state("BR").id, language="pt", by=person
    )
    donors.add_contact(
        brazil, name="Tesouro", email="tesouro@example.gov.br", language="pt", by=person
    )
    rates.set_rate(currency="EUR", on=date(2026, 3, 2), rate="1.08", source="ECB", by=person)
    db.session.commit()
    return person


def _count(model: type) -> int:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_pledge_with_instalments_a_receipt_in_euros_and_a_reversal(
    page: Page, live_server, officer, sign_in
):
    sign_in(page, officer.email, officer.test_password)
    page.goto("/contributions/pledges/new")
    field(page, "Donor").select_option(label="Brazil")
    field(page, "Amount").fill("12000.00")
    field(page, "Currency").fill("USD")
    field(page, "Date of the pledge").fill("2026-02-01")
    field(page, "Earmark").select_option(label="Program")
    field(page, "Program or activity").fill("Border training")
    field(page, "Instalments").fill("2026-06-30 6000\n2026-12-31 5000")
    page.get_by_role("button", name="Record the pledge").click()
    expect(page.locator("#instalments-error")).to_contain_text("add up to 11000.00 USD")
    assert _count(Pledge) == 0

    field(page, "Instalments").fill("2026-06-30 6000\n2026-12-31 6000")
    page.get_by_role("button", name="Record the pledge").click()
    expect(page.get_by_role("status")).to_contain_text("Pledge recorded.")
    pledges = page.locator("#pledges tbody tr")
    expect(pledges).to_have_count(1)
    expect(pledges.first).to_contain_text("Program: Border training")
    expect(pledges.first).to_contain_text("Jun 30, 2026: $6,000.00")
    expect(pledges.first).to_contain_text("Dec 31, 2026: $6,000.00")

    page.get_by_role("link", name="Record a receipt").first.click()
    field(page, "Amount").fill("500.005")
    field(page, "Currency").fill("EUR")
    field(page, "Value date").fill("2026-03-02")
    field(page, "Bank reference").fill("SWIFT 0302")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.locator("#amount-error")).to_have_text("Amounts in EUR have at most 2 decimals.")
    expect(field(page, "Currency")).to_have_value("EUR")
    assert _count(Receipt) == 0

    field(page, "Amount").fill("500.00")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.get_by_role("status")).to_contain_text("acknowledgement letter 2026/0001")
    receipts = page.locator("#receipts tbody tr")
    expect(receipts.first).to_contain_text("€500.00")
    expect(receipts.first).to_contain_text("$540.00")
    expect(receipts.first.get_by_role("link", name="2026/0001")).to_be_visible()

    receipts.first.get_by_role("link", name="Reverse").click()
    page.get_by_role("button", name="Reverse the entry").click()
    expect(page.locator("#reason-error")).to_be_visible()
    field(page, "Reason for the reversal").fill("Credited to the wrong donor")
    page.get_by_role("button", name="Reverse the entry").click()
    expect(page.get_by_role("status")).to_contain_text("Entry reversed.")
    expect(receipts).to_have_count(2)
    expect(receipts.nth(0)).to_contain_text("Reversed")
    expect(receipts.nth(1)).to_contain_text("Reversal: Credited to the wrong donor")
    expect(receipts.nth(1)).to_contain_text("-€500.00")

    page.get_by_role("link", name="Report").click()
    expect(page.locator("main")).to_contain_text("Border training")


@pytest.mark.parametrize(
    "path",
    [
        "/contributions/",
        "/contributions/pledges/new",
        "/contributions/receipts/new",
        "/contributions/donors/1",
    ],
)
def test_the_finance_pages_fit_a_phone_390_pixels_wide(
    new_page, live_server, officer, sign_in, path
):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, officer.email, officer.test_password)
    page.goto(path)
    expect(page.locator("h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide"
