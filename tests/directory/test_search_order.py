"""The search page's orders and numbered pages: every entry appears exactly once across
the pages, in the order chosen, however the pages fall across member states."""

from __future__ import annotations

import re
from datetime import date, timedelta

from webapp.core.paging import Page
from webapp.directory.listing import page_numbers

NAMES = re.compile(r'href="/directory/contacts/\d+">([^<]+)</a>')


def _fill(member_state, contact) -> list[tuple]:
    """Four states of unequal size, two agencies each: 105 entries, pages of 50."""
    made = []
    sizes = {"BR": 41, "MX": 3, "CA": 44, "JM": 17}
    n = 0
    for code, size in sizes.items():
        state = member_state(code)
        for i in range(size):
            n += 1
            agency = ("Zeta Police", "Alpha Customs")[i % 2]
            verified = date(2026, 1, 1) - timedelta(days=(n * 37) % 400)
            name = f"Officer {(n * 7919) % 1000:03d}-{n}"
            contact(state, name=name, agency_name=agency, last_verified_on=verified)
            made.append((state.name_en, agency, name, verified))
    return made


def _all_pages(client, sort: str) -> list[str]:
    names = []
    for page in (1, 2, 3):
        body = client.get(f"/directory/?sort={sort}&page={page}").get_data(as_text=True)
        names += NAMES.findall(body)
    return names


def test_the_default_order_is_state_agency_name_across_page_boundaries(
    client, user, login, member_state, contact
):
    made = _fill(member_state, contact)
    login(user("admin"))

    expected = [name for *_, name, _v in sorted(made, key=lambda r: (r[0], r[1], r[2]))]
    assert _all_pages(client, "state") == expected


def test_the_directory_can_be_sorted_by_name(client, user, login, member_state, contact):
    made = _fill(member_state, contact)
    login(user("admin"))

    assert _all_pages(client, "name") == sorted(r[2] for r in made)


def test_the_directory_can_be_sorted_by_agency(client, user, login, member_state, contact):
    made = _fill(member_state, contact)
    login(user("admin"))

    names = _all_pages(client, "agency")
    assert sorted(names) == sorted(r[2] for r in made)
    agencies = {r[2]: r[1] for r in made}
    assert [agencies[n] for n in names] == sorted(agencies[n] for n in names)


def test_the_directory_can_be_sorted_by_last_verification_oldest_first(
    client, user, login, member_state, contact
):
    made = _fill(member_state, contact)
    login(user("admin"))

    names = _all_pages(client, "verified")
    verified = {r[2]: r[3] for r in made}
    assert sorted(names) == sorted(verified)
    assert [verified[n] for n in names] == sorted(verified.values())


def test_pages_are_numbered_and_keep_the_order_and_filters(
    client, user, login, member_state, contact
):
    _fill(member_state, contact)
    login(user("admin"))

    body = client.get("/directory/?sort=name&kind=customs").get_data(as_text=True)

    assert 'aria-current="page"' in body
    assert "sort=name" in body and "page=2" in body and "kind=customs" in body


def test_far_pages_are_left_out_between_the_first_and_the_last():
    page = Page(items=[], page=10, per_page=50, total=50 * 40)
    assert page_numbers(page) == [1, None, 8, 9, 10, 11, 12, None, 40]


def test_a_text_search_counts_each_matching_entry_once(client, user, login, member_state, contact):
    brazil = member_state("BR")
    for n in range(3):
        contact(brazil, name=f"Garcia {n}", agency_name=f"Agency {n}")
    contact(brazil, name="Silva", agency_name="Agency 9")
    login(user("admin"))

    for sort in ("state", "name"):
        body = client.get(f"/directory/?q=garcia&sort={sort}").get_data(as_text=True)
        assert "3 entries" in body
        assert sorted(NAMES.findall(body)) == ["Garcia 0", "Garcia 1", "Garcia 2"]
