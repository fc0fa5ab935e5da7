"""The contributions report shows its long tables (by donor, by earmark, funding, in-kind)
a page at a time, each table paged on its own, while the downloads hold every row; a page
kept between requests follows changes made in any process."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from webapp.accounts.models import User
from webapp.contributions import pledges, receipts
from webapp.contributions.models import Donor
from webapp.contributions.report_cache import PER_PAGE
from webapp.extensions import db

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PROGRAMS = PER_PAGE + 5


@pytest.fixture()
def programs(donor, finance) -> Donor:
    """Brazil pledged USD 1,000 to each of PER_PAGE + 5 programs ("Program 00"...)."""
    brazil = donor("BR")
    for i in range(PROGRAMS):
        pledges.record_pledge(
            donor=brazil,
            amount="1000",
            currency="USD",
            pledged_on=date(2026, 1, 5),
            earmark_kind="program",
            earmark_label=f"Program {i:02d}",
            by=finance,
        )
    db.session.commit()
    return brazil


def section(page: str, heading_id: str) -> str:
    """The part of the page from a heading to the next one."""
    start = page.index(f'<h2 id="{heading_id}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end > 0 else None]


def programs_in(page: str, heading_id: str) -> list[str]:
    return re.findall(r"Program (\d\d)</th>", section(page, heading_id))


def test_the_earmarks_show_a_page_at_a_time_and_together_every_one(
    client, login, finance, programs
):
    login(finance)
    first = client.get("/contributions/").get_data(as_text=True)
    second = client.get("/contributions/?earmarks=2").get_data(as_text=True)
    assert programs_in(first, "by-earmark") == [f"{i:02d}" for i in range(PER_PAGE)]
    assert programs_in(second, "by-earmark") == [f"{i:02d}" for i in range(PER_PAGE, PROGRAMS)]
    assert "Page 1 of 2" in section(first, "by-earmark")
    assert 'href="/contributions/?earmarks=2#by-earmark" rel="next"' in first


def test_each_long_table_turns_its_own_pages_and_keeps_the_others_where_they_are(
    client, login, finance, programs
):
    login(finance)
    page = client.get("/contributions/?funding=2").get_data(as_text=True)
    assert programs_in(page, "funding") == [f"{i:02d}" for i in range(PER_PAGE, PROGRAMS)]
    assert programs_in(page, "by-earmark")[0] == "00"
    assert 'href="/contributions/?funding=2&amp;earmarks=2#by-earmark"' in page
    assert 'href="/contributions/#funding" rel="prev"' in page


def test_a_page_past_the_last_shows_the_last(client, login, finance, programs):
    login(finance)
    page = client.get("/contributions/?earmarks=99").get_data(as_text=True)
    assert "Page 2 of 2" in section(page, "by-earmark")
    assert client.get("/contributions/?earmarks=x").status_code == 200


def test_the_totals_count_every_row_whatever_the_page(client, login, finance, programs):
    login(finance)
    page = client.get("/contributions/?earmarks=2").get_data(as_text=True)
    assert "$30,000.00" in section(page, "totals")


def test_the_downloads_hold_every_row(client, login, finance, programs):
    login(finance)
    text = client.get("/contributions/report.csv").get_data(as_text=True)
    assert all(f"Program {i:02d}" in text for i in range(PROGRAMS))


def test_a_donor_in_the_report_links_to_their_page(client, login, finance, programs):
    login(finance)
    page = client.get("/contributions/").get_data(as_text=True)
    assert f'<a href="/contributions/donors/{programs.id}">Brazil</a>' in page


def test_a_second_page_kept_follows_a_receipt_recorded_by_another_process(
    changed_by_another_process, client, login, finance, programs
):
    login(finance)
    assert "$777.00" not in client.get("/contributions/?earmarks=2").get_data(as_text=True)
    with changed_by_another_process():
        receipts.record_receipt(
            donor=db.session.get(Donor, programs.id),
            amount="777",
            currency="USD",
            received_on=date(2026, 2, 2),
            earmark_kind="program",
            earmark_label=f"Program {PROGRAMS - 1:02d}",
            by=db.session.get(User, finance.id),
            now=NOW,
        )
    page = client.get("/contributions/?earmarks=2").get_data(as_text=True)
    assert "$777.00" in section(page, "by-earmark")
