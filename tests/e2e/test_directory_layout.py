"""The directory's pages at a laptop's width (1366 px) and a phone's (390 px): nothing
scrolls sideways, and what a person acts on is on screen (issue 10, daily use)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from webapp.accounts.models import User
from webapp.core.reference import MemberState
from webapp.directory import refresh_mail
from webapp.directory.models import PointOfContact, RefreshRequest
from webapp.extensions import db
from webapp.scale import SCALE_PASSWORD, Volumes, fill

pytestmark = pytest.mark.e2e

LAPTOP, PHONE = 1366, 390
# Real reference data (35 states, every area), long names and addresses, several pages.
VOLUMES = Volumes(agencies=120, contacts=160, audit_entries=50, outbox_messages=10)


@pytest.fixture()
def world(app) -> dict[str, object]:
    list(fill(5, date.today(), VOLUMES))
    db.session.execute(sa.update(User).values(language="en"))  # the labels asserted below
    db.session.commit()
    focal = db.session.scalar(sa.select(User).where(User.email == "focal1.mx@scale.example.org"))
    request = db.session.scalar(
        sa.select(RefreshRequest)
        .where(RefreshRequest.focal_point_id == focal.id)
        .order_by(RefreshRequest.sent_at.desc())
    )
    mexico = db.session.scalar(sa.select(MemberState).where(MemberState.code == "MX"))
    entry = db.session.scalar(
        sa.select(sa.func.min(PointOfContact.id)).where(
            PointOfContact.member_state_id == mexico.id
        )
    )
    return {"review": f"/directory/refresh/{refresh_mail.review_token(request)}", "contact": entry}


def open_as(new_page, sign_in, who: str, width: int) -> Page:
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, f"{who}@scale.example.org", SCALE_PASSWORD)
    return page


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def within_width(page: Page, locator, width: int) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_directory_page_scrolls_sideways(new_page, sign_in, world, width):
    paths = [
        "/directory/",
        "/directory/?sort=verified&page=2",
        "/directory/?kind=customs&language=es",
        "/directory/coverage",
        "/directory/snapshot",
        f"/directory/contacts/{world['contact']}",
        "/directory/agencies?state=MX",
        "/directory/imports/new",
    ]
    admin = open_as(new_page, sign_in, "admin", width)
    wide = []
    for path in paths:
        assert admin.goto(path).status == 200, path
        if scrolls_sideways(admin):
            wide.append(path)
    focal = open_as(new_page, sign_in, "focal1.mx", width)
    for path in ["/directory/", "/directory/refresh-requests", world["review"]]:
        assert focal.goto(path).status == 200, path
        if scrolls_sideways(focal):
            wide.append(path)
    assert wide == []


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_coverage_page_shows_what_needs_action_first_with_the_button_on_screen(
    new_page, sign_in, world, width
):
    page = open_as(new_page, sign_in, "admin", width)
    page.goto("/directory/coverage")

    within_width(page, page.get_by_role("button", name="Send a refresh request").first, width)
    statuses = page.locator(".coverage-table tbody tr .status").all_inner_texts()
    urgency = ["stale", "no contacts", "no focal point", "due", "current"]
    ranks = [next(i for i, s in enumerate(urgency) if s in text) for text in statuses]
    assert ranks == sorted(ranks) and ranks[0] < urgency.index("current")
    # The counts by area are there on demand, not as a column each.
    expect(page.locator("details.coverage-details .area-table")).to_be_hidden()
    page.locator("details.coverage-details summary").click()
    expect(page.locator("details.coverage-details .area-table")).to_be_visible()


def test_the_coverage_chart_tells_the_statuses_apart_in_words_readable_on_a_phone(
    new_page, sign_in, world
):
    page = open_as(new_page, sign_in, "admin", PHONE)
    page.goto("/directory/coverage")

    labels = page.locator(".coverage-chart svg text")
    assert "⚠" in labels.first.text_content()  # the first bar is a state that needs action
    sizes = page.evaluate(
        """() => Array.from(document.querySelectorAll('.coverage-chart svg text'))
             .map((t) => t.getBoundingClientRect().height)"""
    )
    assert min(sizes) >= 12  # not scaled down with the drawing
    texts = " ".join(labels.all_text_contents())
    assert "no focal point" in texts and "current" in texts


def test_the_review_page_shows_last_verified_and_edit_on_a_laptop(new_page, sign_in, world):
    page = open_as(new_page, sign_in, "focal1.mx", LAPTOP)
    page.goto(world["review"])

    within_width(page, page.get_by_role("columnheader", name="Last verified"), LAPTOP)
    within_width(
        page, page.locator(".review-table tbody").get_by_role("link", name="Edit").first, LAPTOP
    )


def test_the_review_page_shows_email_and_phones_on_a_phone(new_page, sign_in, world):
    page = open_as(new_page, sign_in, "focal1.mx", PHONE)
    page.goto(world["review"])

    first = page.locator(".review-table tbody tr").first
    within_width(page, first.locator("a[href^='mailto:']"), PHONE)
    within_width(page, first.locator("a[href^='tel:']").first, PHONE)


def test_the_directory_is_sorted_and_paged_by_number(new_page, sign_in, world):
    page = open_as(new_page, sign_in, "admin", LAPTOP)
    page.goto("/directory/")

    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Search").click()
    names = page.locator(".directory-results tbody tr td:first-child > a").all_inner_texts()
    assert names == sorted(names) and len(names) == 50
    page.locator(".page-numbers").get_by_role("link", name="3").click()
    expect(page.locator(".page-numbers a[aria-current='page']")).to_contain_text("3")
    assert "sort=name" in page.url


def test_the_printable_directory_has_its_title_above_the_filters_and_unbroken_phones(
    new_page, sign_in, world
):
    page = open_as(new_page, sign_in, "admin", PHONE)
    page.goto("/directory/snapshot")

    title = page.get_by_role("heading", level=1).bounding_box()
    filters = page.locator("form.filters").bounding_box()
    assert title["y"] + title["height"] <= filters["y"]
    lines = page.evaluate(
        "() => Array.from(document.querySelectorAll('.snapshot .phone'))"
        ".map((p) => p.getClientRects().length)"
    )
    assert lines and set(lines) == {1}
