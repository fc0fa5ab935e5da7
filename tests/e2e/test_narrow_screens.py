"""On a phone (390 px wide) no main page scrolls sideways, for any role.

Every GET page a role may open is visited (those without arguments are found from the
routes; pages about one record use sample rows), and the page must not be wider than the
screen: `document.documentElement.scrollWidth <= 390`.
"""

from __future__ import annotations

import re

import pytest

from webapp.core.access import ROLES, permits, rule_for

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
FILE = re.compile(r"\.[a-z0-9]+$")  # /report.csv, /feed.ics: a file, not a page
# Downloads and images without a file extension, not pages.
NOT_PAGES = {
    "core.health",
    "directory.export_csv",
    "directory.export_vcard",
    "contributions.chart",
}

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest(".table-wrap, .choice-list, pre"))
    .slice(0, 3).map((el) => el.tagName + (el.className ? "." + el.className : ""));
  return [document.documentElement.scrollWidth, wide];
}"""


class Anonymous:
    is_authenticated = False
    role_names: frozenset[str] = frozenset()


def _pages_for(app, person) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        if rule.endpoint in NOT_PAGES or FILE.search(rule.rule):
            continue  # downloads (CSV, XLSX, PDF, calendars), not pages
        access = rule_for(rule.endpoint)
        if access is not None and permits(access, person or Anonymous()):
            paths.append(rule.rule)
    return sorted(paths)


def _record_pages(person, rows) -> list[str]:
    """Pages about one record, for the roles that may open them."""
    roles = person.role_names if person else frozenset()
    pages = []
    if "admin" in roles:
        pages += [
            f"/admin/users/{rows['someone'].id}",
            f"/admin/outbox/{rows['message_id']}",
            f"/admin/reference/member-states/{rows['state'].id}",
            f"/admin/reference/areas/{rows['area'].id}",
        ]
    if roles & {"admin", "organizer", "finance", "focal_point"}:
        pages.append(f"/directory/contacts/{rows['entry'].id}")
    if roles & {"admin", "focal_point"}:
        pages.append(f"/directory/contacts/{rows['entry'].id}/edit")
        pages.append(f"/directory/agencies/{rows['agency'].id}/edit")
    # Meetings' and contributions' pages, for whoever the access rules let in.
    for endpoint, path in rows["parts"]:
        if permits(rule_for(endpoint), person or Anonymous()):
            pages.append(path)
    return pages


def _part_pages(organizer, finance) -> list[tuple[str, str]]:
    """A series with a long-named guest invited and a donor with a receipt: the meetings'
    and contributions' pages about one record, as (endpoint, path)."""
    from datetime import date

    from tests.meetings.support import guest, invite, make_series
    from webapp.contributions import donors, receipts
    from webapp.contributions.models import OTHER
    from webapp.meetings import invitations

    meeting = make_series(
        organizer,
        title="Regional meeting of the customs and border-protection authorities",
        rule="FREQ=MONTHLY;COUNT=3",
    )
    person = guest(
        meeting,
        organizer,
        "maria.aparecida.dos.santos.oliveira@receita.fazenda.gov.br",
        name="Maria Aparecida dos Santos Oliveira",
    )
    invite(meeting)
    occurrence = meeting.occurrences[0].id
    donor = donors.create_donor(kind=OTHER, name="Inter-American Development Bank", by=finance)
    receipt = receipts.record_receipt(
        donor=donor, amount="250000", currency="USD", received_on=date(2026, 3, 2), by=finance
    )
    from webapp.extensions import db

    db.session.commit()
    series = f"/meetings/{meeting.id}"
    return [
        ("meetings.show_series", series),
        ("meetings.edit_series", f"{series}/edit"),
        ("meetings.change_rule", f"{series}/rule"),
        ("meetings.cancel_series", f"{series}/cancel"),
        ("meetings.participants_page", f"{series}/participants"),
        ("meetings.add_from_directory", f"{series}/participants/add"),
        ("meetings.edit_participant", f"{series}/participants/{person.id}/edit"),
        ("meetings.edit_occurrence", f"/meetings/occurrences/{occurrence}"),
        ("meetings.record", f"/meetings/occurrences/{occurrence}/record"),
        ("meetings.answer", invitations.answer_url(person).removeprefix("http://localhost")),
        ("contributions.donor", f"/contributions/donors/{donor.id}"),
        ("contributions.letter", f"/contributions/receipts/{receipt.id}/letter"),
    ]


@pytest.fixture()
def rows(app, user, member_state, area, agency, contact):
    from webapp.accounts.resets import request_password_reset
    from webapp.core.outbox import OutboxMessage
    from webapp.extensions import db

    brazil = member_state("BR")
    customs = area()
    office = agency(
        brazil, name="Receita Federal do Brasil — Coordenação-Geral de Administração Aduaneira"
    )
    entry = contact(
        brazil,
        agency_name=office.name,
        name="Maria Aparecida dos Santos Oliveira",
        phones="+556133123000",
        areas=[customs],
        email="maria.aparecida.dos.santos.oliveira@receita.fazenda.gov.br",
    )
    someone = user(
        "participant",
        name="Someone With A Rather Long Name",
        email="someone.with.a.long.address@example.org",
    )
    request_password_reset(someone.email, "en")
    db.session.commit()
    parts = _part_pages(
        user("organizer", email="organizer@secretariat.example"),
        user("finance", email="finance@secretariat.example"),
    )
    message = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.recipient == someone.email)
    ).first()
    return {
        "state": brazil,
        "area": customs,
        "agency": office,
        "entry": entry,
        "someone": someone,
        "message_id": message.id,
        "parts": parts,
        "reset_link": re.search(r"https?://[^/\s]+(/password/reset/\S+)", message.body_text)[1],
    }


@pytest.mark.parametrize("role", [None, *ROLES])
def test_no_main_page_scrolls_sideways_on_a_phone(
    app, new_page, sign_in, user, member_state, rows, role
):
    page = new_page()
    page.set_viewport_size(PHONE)
    person = None
    if role is not None:
        person = user(role, states=[rows["state"]] if role == "focal_point" else [])
        sign_in(page, person.email, person.test_password)
    paths = _pages_for(app, person) + _record_pages(person, rows)
    if role is None:
        paths.append(rows["reset_link"])
    too_wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.status < 500, (path, response.status)
        if response.status != 200:
            continue  # a page that needs more (a state to choose) is reached from another
        width, culprits = page.evaluate(OVERFLOW)
        if width > PHONE["width"]:
            too_wide[path] = (width, culprits)
    assert too_wide == {}
