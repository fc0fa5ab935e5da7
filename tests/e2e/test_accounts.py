"""In the browser: an invitation from the admin pages to a working account, and
signing out and in again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import field

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "harbour lights at dawn"


def test_an_invited_focal_point_sets_a_password_and_signs_in_with_it(
    page, new_page, live_server, user, member_state, sign_in
):
    member_state("BR")
    admin = user("admin", name="Alex Admin")
    sign_in(page, admin.email, admin.test_password)

    # The admin invites a focal point for Brazil from the users pages.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    page.locator("main").get_by_role("link", name="Invite a person").click()
    field(page, "Name").fill("Ana Souza")
    field(page, "Email").fill("ana.souza@example.org")
    field(page, "Focal point").check()
    page.get_by_role("group", name="Member states").get_by_label("Brazil (BR)").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".flash")).to_have_text("An invitation was sent to ana.souza@example.org.")

    # The admin reads the email in the Mail outbox.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mail outbox").click()
    page.get_by_role("row").filter(has_text="ana.souza@example.org").get_by_role("link").click()
    body = page.locator("pre.mail-text").first.inner_text()
    links = re.findall(re.escape(live_server) + r"/invitation/\S+", body)
    assert len(links) == 1, body

    # The invitee, in their own browser, follows the link and chooses a password.
    invitee = new_page()
    invitee.goto(links[0])
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Welcome, Ana Souza")
    field(invitee, "New password").fill(NEW_PASSWORD)
    field(invitee, "Repeat the new password").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Activate my account").click()
    expect(invitee).to_have_url(live_server + "/")
    expect(invitee.locator(".flash")).to_have_text("Welcome to Puerto. Your account is ready.")
    expect(invitee.locator(".whoami")).to_have_text("Ana Souza")

    invitee.get_by_role("button", name="Sign out").click()
    expect(invitee).to_have_url(live_server + "/login")
    expect(invitee.locator(".flash")).to_have_text("You are signed out.")
    expect(invitee.locator(".whoami")).to_have_count(0)

    sign_in(invitee, "ana.souza@example.org", NEW_PASSWORD, open_form=False)
    expect(invitee).to_have_url(live_server + "/")
    expect(invitee.locator(".whoami")).to_have_text("Ana Souza")


def test_a_wrong_password_keeps_the_visitor_on_the_sign_in_form(page, live_server, user, sign_in):
    person = user("participant")
    sign_in(page, person.email, "not the password")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("#password-error")).to_have_text("The email or password is not correct.")
    expect(page.locator(".whoami")).to_have_count(0)
