"""In the browser: the organizer creates a series, adds a participant and sends the
invitations, watching delivery without a reload; the participant opens the emailed
answer link and confirms. Each in two languages, on a phone-sized screen."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.support import field
from tests.meetings.support import NOW, guest, make_series
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.models import ACCEPTED, MeetingSeries, Participant

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def _scrolls_sideways(page) -> bool:
    """On a phone the page itself never scrolls sideways; wide tables scroll in their frame."""
    scrolled = page.evaluate("window.scrollTo(1000, 0); window.scrollX")
    page.evaluate("window.scrollTo(0, 0)")
    return scrolled != 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_organizer_creates_a_series_adds_a_guest_and_sends_invitations(
    page, user, sign_in, translated, smtp_server, language
):
    t = lambda message: translated(language, message)  # noqa: E731 - a short alias
    organizer = user("organizer", email="organizer@secretariat.example", language=language)
    page.set_viewport_size(PHONE)
    sign_in(page, organizer.email, organizer.test_password)
    page.goto("/meetings/new")
    field(page, t("Title")).fill("Caribbean ports meeting")
    field(page, t("Starts")).fill("2027-05-04T10:00")
    field(page, t("Ends")).fill("2027-05-04T17:00")
    field(page, t("Time zone of the venue")).select_option("America/Jamaica")
    field(page, t("Repeats")).select_option("yearly")
    field(page, t("Number of meetings")).fill("2")
    field(page, t("Venue address")).fill("Port Authority, Kingston")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caribbean ports meeting")
    assert not _scrolls_sideways(page)
    # Schedule the first meeting of the series on its own page.
    page.get_by_role("link", name="Caribbean ports meeting").first.click()
    field(page, t("Status")).select_option("scheduled")
    assert not _scrolls_sideways(page)
    with page.expect_navigation():
        page.locator("main form").first.get_by_role("button", name=t("Save")).click()
    made = db.session.scalar(sa.select(MeetingSeries))
    db.session.refresh(made.occurrences[0])
    assert [o.status for o in made.occurrences] == ["scheduled", "draft"]

    page.get_by_role("link", name=t("Participants")).click()
    field(page, t("Email")).fill("ana@customs.example")
    field(page, t("Name")).fill("Ana Pérez")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Add")).last.click()
    expect(page.get_by_text("ana@customs.example")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=t("Send invitations")).click()
    row = page.locator("tr", has_text="ana@customs.example")
    expect(row.locator(".delivery")).to_have_text(t("sent"))
    assert smtp_server.wait_for(1)[0].recipients == ["ana@customs.example"]
    assert not _scrolls_sideways(page)


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_the_participant_opens_the_emailed_link_and_confirms(new_page, user, translated, language):
    organizer = user("organizer", email="organizer@secretariat.example")
    meeting = make_series(organizer, first_start=datetime(2027, 5, 4, 10, 0))
    person = guest(meeting, organizer, "ana@customs.example", language=language)
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()
    body = db.session.scalar(sa.select(OutboxMessage.body_text))
    link = next(u for u in re.findall(r"https?://\S+", body) if u.endswith("answer=accepted"))

    page = new_page("en-US")  # the browser says English; the page follows the participant
    page.set_viewport_size(PHONE)
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", language)
    confirm = page.get_by_role("button", name=translated(language, "Confirm my answer"))
    expect(confirm).to_be_visible()
    assert not _scrolls_sideways(page)
    db.session.refresh(person)
    assert person.answer != ACCEPTED  # opening the link answered nothing
    with page.expect_navigation():
        confirm.click()
    expect(page.locator(".flash")).to_contain_text(translated(language, "Accepted"))
    db.session.expire_all()
    assert db.session.get(Participant, person.id).answer == ACCEPTED


@pytest.mark.parametrize("language", ["pt"])
def test_the_organizer_adds_people_from_the_directory_on_its_own_page(
    page, user, sign_in, translated, member_state, contact, language
):
    t = lambda message: translated(language, message)  # noqa: E731 - a short alias
    organizer = user("organizer", email="organizer@secretariat.example", language=language)
    brazil, mexico = member_state("BR"), member_state("MX")
    contact(brazil, name="João Lima", email="joao@receita.example")
    contact(mexico, name="Mario Ruiz", email="mario@aduanas.example")
    meeting = make_series(organizer)
    guest(meeting, organizer, "mario@aduanas.example", name="Mario Ruiz")
    page.set_viewport_size(PHONE)
    sign_in(page, organizer.email, organizer.test_password)
    page.goto(f"/meetings/{meeting.id}/participants")
    page.get_by_role("link", name=t("Add people from the directory")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Add people from the directory"))
    field(page, t("Member state")).select_option(str(brazil.id))
    with page.expect_navigation():
        page.get_by_role("button", name=t("Show")).click()
    expect(page.locator(".choice-list label")).to_have_count(1)
    field(page, t("Role")).select_option("speaker")
    page.get_by_label(re.compile("João Lima")).check()
    assert not _scrolls_sideways(page)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=t("Add")).click()
    expect(page.locator(".flash")).to_contain_text(
        translated(language, "%(num)d participant added.").split("%")[0]
    )
    expect(page.get_by_text("joao@receita.example")).to_be_visible()
    # Everyone listed without a filter: João and Mario already take part.
    page.get_by_role("link", name=t("Add people from the directory")).click()
    page.get_by_label(t("Add everyone listed, on every page")).check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=t("Add")).click()
    expect(page.locator(".flash")).to_contain_text("2")
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 2
