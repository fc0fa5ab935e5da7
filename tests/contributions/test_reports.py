"""The contributions report: figures per currency with US-dollar totals, ageing, funding,
exports and chart; a fixed number of queries whatever the data."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.querycount import count_queries
from webapp.contributions import budgets, exports, ledger, pledges, receipts, reports
from webapp.contributions.queries import CONTRIBUTIONS, earmark_name
from webapp.core import freshness
from webapp.core.money import Money
from webapp.extensions import db

TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def usd(text: str) -> Money:
    return Money(Decimal(text), "USD")


def jpy(text: str) -> Money:
    return Money(Decimal(text), "JPY")


@pytest.fixture()
def scenario(donor, finance, rate, user):
    """Brazil pledged USD 10,000 in two instalments and paid the first; a foundation
    pledged JPY 1,000,000 for a workshop and paid JPY 400,000 (at another day's rate)."""
    brazil = donor("BR")
    foundation = donor(name="Harbour Foundation", language="en")
    rate("JPY", date(2026, 1, 10), "0.0068")
    rate("JPY", date(2026, 2, 1), "0.0067")
    first = pledges.record_pledge(
        donor=brazil,
        amount="10000",
        currency="USD",
        pledged_on=date(2025, 5, 1),
        instalments=[(date(2025, 6, 30), "5000"), (date(2025, 12, 31), "5000")],
        by=finance,
    )
    receipts.record_receipt(
        donor=brazil,
        pledge=first,
        amount="5000",
        currency="USD",
        received_on=date(2025, 7, 1),
        by=finance,
        now=NOW,
    )
    second = pledges.record_pledge(
        donor=foundation,
        amount="1000000",
        currency="JPY",
        pledged_on=date(2026, 1, 10),
        earmark_kind="activity",
        earmark_label="Port workshop",
        by=finance,
    )
    receipts.record_receipt(
        donor=foundation,
        pledge=second,
        amount="400000",
        currency="JPY",
        received_on=date(2026, 2, 1),
        by=finance,
        now=NOW,
    )
    budgets.set_budget(
        earmark_kind="activity",
        earmark_label="Port workshop",
        amount="5000",
        by=user("organizer"),
    )
    db.session.commit()
    return brazil, foundation


def test_figures_by_donor_stay_in_their_own_currency(scenario):
    report = reports.build(TODAY)
    brazil, foundation = report.by_donor  # by name
    [brazil_usd] = brazil.currency_lines
    assert (brazil_usd.pledged, brazil_usd.received, brazil_usd.outstanding) == (
        usd("10000"),
        usd("5000"),
        usd("5000"),
    )
    [yen] = foundation.currency_lines
    assert (yen.pledged, yen.received, yen.outstanding) == (
        jpy("1000000"),
        jpy("400000"),
        jpy("600000"),
    )
    assert foundation.pledged_usd == usd("6800.00")
    assert foundation.received_usd == usd("2680.00")


def test_totals_have_a_line_per_currency_and_a_us_dollar_total(scenario):
    totals = reports.build(TODAY).totals
    assert [line.currency for line in totals.currency_lines] == ["JPY", "USD"]
    assert totals.lines["USD"].pledged == usd("10000")
    assert totals.lines["JPY"].pledged == jpy("1000000")
    assert totals.pledged_usd == usd("16800.00")
    assert totals.received_usd == usd("7680.00")


def test_figures_by_year_and_by_earmark(scenario):
    report = reports.build(TODAY)
    assert [g.label for g in report.by_year] == ["2025", "2026"]
    assert report.by_year[1].lines["JPY"].received == jpy("400000")
    keys = [g.key for g in report.by_earmark]
    assert keys == [("activity", "Port workshop"), ("unearmarked", "")]


def test_ageing_puts_the_unpaid_instalment_in_its_bucket(scenario):
    ageing = reports.build(TODAY).ageing
    assert ageing[reports.DAYS_31_90] == {"USD": usd("5000")}  # due 2025-12-31: 74 days
    assert ageing[reports.NOT_DUE] == ageing[reports.DAYS_0_30] == ageing[reports.OVER_90] == {}


@pytest.mark.parametrize(
    ("today", "bucket"),
    [
        (date(2025, 12, 30), reports.NOT_DUE),
        (date(2025, 12, 31), reports.DAYS_0_30),
        (date(2026, 1, 30), reports.DAYS_0_30),
        (date(2026, 1, 31), reports.DAYS_31_90),
        (date(2026, 3, 31), reports.DAYS_31_90),
        (date(2026, 4, 1), reports.OVER_90),
    ],
)
def test_ageing_bucket_edges(today, bucket):
    assert reports.bucket_for(date(2025, 12, 31), today) == bucket


def test_a_receipt_against_a_pledge_pays_its_oldest_instalment_first(scenario, finance):
    brazil, _foundation = scenario
    [pledge] = pledges.open_pledges(brazil)
    receipts.record_receipt(
        donor=brazil,
        pledge=pledge,
        amount="1000",
        currency="USD",
        received_on=date(2026, 1, 5),
        by=finance,
        now=NOW,
    )
    db.session.commit()
    assert reports.build(TODAY).ageing[reports.DAYS_31_90] == {"USD": usd("4000")}


def test_funding_sets_earmarked_receipts_against_the_budget(scenario):
    [row] = reports.build(TODAY).funding
    assert (row.earmark_kind, row.earmark_label) == ("activity", "Port workshop")
    assert row.budget == usd("5000")
    assert row.received == {"JPY": jpy("400000")}
    assert row.received_usd == usd("2680.00")
    assert row.gap == usd("2320.00")
    assert row.share == 53


def test_reversals_net_out_of_every_figure(scenario, finance):
    brazil, _foundation = scenario
    [receipt] = brazil_receipts(brazil)
    ledger.reverse(receipt, reason="Bounced", by=finance, now=NOW)
    db.session.commit()
    report = reports.build(TODAY)
    brazil_group = next(g for g in report.by_donor if g.label == "Brazil")
    assert brazil_group.lines["USD"].received == usd("0")
    assert report.ageing[reports.OVER_90] == {"USD": usd("5000")}  # due 2025-06-30


def brazil_receipts(brazil):
    from webapp.contributions.queries import donor_ledger

    return donor_ledger(brazil).receipts


def test_the_csv_export_lists_each_currency_apart_with_exact_amounts(scenario):
    text = exports.as_csv(reports.build(TODAY), earmark_name)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["Section", "Group", "Currency", "Pledged", "Received", "Outstanding"]
    assert [
        "By donor",
        "Harbour Foundation",
        "JPY",
        "1000000",
        "400000",
        "600000",
        "6800.00",
        "2680.00",
    ] in rows
    assert [
        "Total",
        "All donors",
        "All currencies, in USD",
        "",
        "",
        "",
        "16800.00",
        "7680.00",
    ] in rows


def test_the_xlsx_export_opens_with_numbers_in_its_cells(scenario):
    data = exports.as_xlsx(reports.build(TODAY), earmark_name)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Section"
    brazil = next(r for r in rows if r[:3] == ["By donor", "Brazil", "USD"])
    assert [Decimal(str(v)) for v in brazil[3:8]] == [10000, 5000, 5000, 10000, 5000]
    earmark = next(r for r in rows if r[0] == "By earmark" and r[2] == "JPY")
    assert earmark[1] == "Named activity: Port workshop"


def test_a_donor_name_cannot_become_a_spreadsheet_formula(donor, finance):
    named = donor(name='=HYPERLINK("http://evil.example")')
    pledges.record_pledge(
        donor=named, amount="1", currency="USD", pledged_on=date(2026, 1, 1), by=finance
    )
    db.session.commit()
    text = exports.as_csv(reports.build(TODAY), earmark_name)
    assert "'=HYPERLINK" in text


def test_the_chart_is_svg_with_a_bar_per_year_and_kind_of_donor(scenario):
    from webapp.contributions.charts import contributions_over_time

    report = reports.build(TODAY)
    svg = contributions_over_time(
        report.over_time,
        {"member_state": "Member state", "other": "Other donor"},
        title="Contributions",
        amount_label=str,
    )
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    bars = [
        r.find("svg:title", ns).text
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("svg:title", ns) is not None
    ]
    assert bars == ["2025 · Member state: 5000.00", "2026 · Other donor: 2680.00"]


def _add_data(donor, finance, n: int, code: str) -> None:
    who = donor(code)
    for i in range(n):
        pledge = pledges.record_pledge(
            donor=who,
            amount=str(100 + i),
            currency="USD",
            pledged_on=date(2025, 1, 1 + i),
            instalments=[(date(2025, 6, 1), "50"), (date(2025, 12, 1), str(50 + i))],
            earmark_kind="program",
            earmark_label=f"Program {i}",
            by=finance,
        )
        receipts.record_receipt(
            donor=who,
            pledge=pledge,
            amount="60",
            currency="USD",
            received_on=date(2025, 7, 1),
            by=finance,
            now=NOW,
        )
    db.session.commit()


def test_the_report_page_issues_the_same_queries_whatever_the_data(donor, finance, client, login):
    login(finance)
    _add_data(donor, finance, 2, "BR")
    client.get("/contributions/")
    # The body kept from the request before is dropped: both counts are of the whole work.
    freshness.touch(db.session, CONTRIBUTIONS)
    db.session.commit()
    with count_queries() as small:
        assert client.get("/contributions/").status_code == 200
    _add_data(donor, finance, 12, "MX")
    with count_queries() as large:
        page = client.get("/contributions/")
    assert page.status_code == 200
    assert "Program 11" in page.get_data(as_text=True)
    assert large.count == small.count
    assert small.count <= 15  # the signed-in user, then the report's own queries


# --- the rules behind the figures (tests/MUTATION.md) -------------------------------------


def _pledge(who, finance, amount, *, on=date(2025, 5, 1), instalments=(), **earmark):
    made = pledges.record_pledge(
        donor=who,
        amount=amount,
        currency="USD",
        pledged_on=on,
        instalments=list(instalments),
        by=finance,
        **earmark,
    )
    db.session.commit()
    return made


def _receive(who, finance, amount, *, on=date(2025, 7, 1), **against):
    made = receipts.record_receipt(
        donor=who, amount=amount, currency="USD", received_on=on, by=finance, now=NOW, **against
    )
    db.session.commit()
    return made


def _gift(who, finance, amount, currency="USD"):
    made = receipts.record_in_kind(
        donor=who,
        description="Interpretation booths",
        amount=amount,
        currency=currency,
        received_on=date(2025, 9, 1),
        basis="Supplier's quote",
        by=finance,
        now=NOW,
    )
    db.session.commit()
    return made


def test_what_is_outstanding_in_us_dollars_is_pledged_less_received(scenario):
    report = reports.build(TODAY)
    foundation = next(g for g in report.by_donor if g.label == "Harbour Foundation")
    assert foundation.outstanding_usd == usd("4120.00")
    assert report.totals.outstanding_usd == usd("9120.00")


def test_donors_are_listed_by_name_whatever_its_case(donor, finance):
    for who in (donor(name="Zeta Fund"), donor("BR"), donor(name="alpha Trust")):
        _pledge(who, finance, "10")
        _gift(who, finance, "5")
    report = reports.build(TODAY)
    assert [g.label for g in report.by_donor] == ["alpha Trust", "Brazil", "Zeta Fund"]
    assert [who.display_name for who, _value, _usd in report.in_kind] == [
        "alpha Trust",
        "Brazil",
        "Zeta Fund",
    ]


def test_totals_add_up_every_donor_in_the_same_currency(donor, finance):
    brazil, mexico = donor("BR"), donor("MX")
    _receive(brazil, finance, "30", pledge=_pledge(brazil, finance, "100"))
    _receive(mexico, finance, "20", pledge=_pledge(mexico, finance, "250"))
    [line] = reports.build(TODAY).totals.currency_lines
    assert (line.pledged, line.received, line.outstanding) == (usd("350"), usd("50"), usd("300"))
    totals = reports.build(TODAY).totals
    assert (totals.pledged_usd, totals.received_usd) == (usd("350"), usd("50"))


def test_money_received_without_a_pledge_counts_for_its_donor_year_and_earmark(donor, finance):
    brazil = donor("BR")
    _receive(brazil, finance, "300", on=date(2024, 4, 2), earmark_kind="program",
             earmark_label="Training")  # fmt: skip
    report = reports.build(TODAY)
    [by_donor], [by_year], [by_earmark] = report.by_donor, report.by_year, report.by_earmark
    assert (by_donor.label, by_year.key, by_year.label) == ("Brazil", (2024,), "2024")
    assert by_earmark.key == ("program", "Training")
    for group in (by_donor, by_year, by_earmark, report.totals):
        [line] = group.currency_lines
        assert (line.pledged, line.received, line.outstanding) == (
            usd("0"),
            usd("300"),
            usd("-300"),
        )
        assert (group.pledged_usd, group.received_usd) == (usd("0"), usd("300"))
    assert report.today == TODAY


def test_gifts_in_kind_are_listed_at_their_valuation_and_a_reversed_one_is_not(
    donor, finance, rate
):
    brazil, mexico = donor("BR"), donor("MX")
    rate("EUR", date(2025, 9, 1), "1.10")
    _gift(brazil, finance, "1200.50", "EUR")
    ledger.reverse(_gift(mexico, finance, "800"), reason="Never delivered", by=finance, now=NOW)
    db.session.commit()
    assert reports.build(TODAY).in_kind == [
        (brazil, Money(Decimal("1200.50"), "EUR"), usd("1320.55"))
    ]


def test_received_money_over_time_is_in_us_dollars_by_year_and_kind_of_donor(scenario):
    assert reports.build(TODAY).over_time == {
        (2025, "member_state"): usd("5000.00"),
        (2026, "other"): usd("2680.00"),
    }


def test_funding_lists_every_earmark_with_a_budget_or_money_but_not_the_unearmarked(
    scenario, donor, finance, user
):
    mexico = donor("MX")
    _pledge(mexico, finance, "700", earmark_kind="program", earmark_label="Charts")
    budgets.set_budget(earmark_kind="program", earmark_label="Training", amount="900",
                       by=user("organizer"))  # fmt: skip
    db.session.commit()
    funding = {(f.earmark_kind, f.earmark_label): f for f in reports.build(TODAY).funding}
    assert list(funding) == [
        ("activity", "Port workshop"),
        ("program", "Charts"),
        ("program", "Training"),
    ]
    pledged_only = funding[("program", "Charts")]  # no budget: no gap nor share
    assert (pledged_only.budget, pledged_only.gap, pledged_only.share) == (None, None, None)
    assert (pledged_only.received, pledged_only.received_usd) == ({}, usd("0"))
    budget_only = funding[("program", "Training")]
    assert (budget_only.received, budget_only.gap, budget_only.share) == ({}, usd("900"), 0)


def test_a_budget_of_nothing_has_no_share_rather_than_a_division_by_zero():
    nothing = reports.Funding("program", "Training", usd("0"), {}, usd("10"))
    assert (nothing.share, nothing.gap) == (None, usd("-10"))
    overfunded = reports.Funding("program", "Training", usd("200"), {}, usd("250"))
    assert (overfunded.share, overfunded.gap) == (125, usd("-50"))


def test_what_is_left_of_each_instalment_names_its_pledge_donor_and_due_date(donor, finance):
    brazil, mexico = donor("BR"), donor("MX")
    first, second, third = date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)
    pledge = _pledge(brazil, finance, "300",
                     instalments=[(first, "100"), (second, "100"), (third, "100")])  # fmt: skip
    _paid, b, c = pledge.instalments
    _receive(brazil, finance, "99.99", instalment=c)  # against the last one: it pays that one
    _receive(brazil, finance, "150", pledge=pledge)  # against the pledge: the oldest first
    gone = _pledge(mexico, finance, "50", instalments=[(first, "50")])
    ledger.reverse(gone, reason="Withdrawn", by=finance, now=NOW)
    db.session.commit()
    assert reports.unpaid_instalments() == [
        reports.Unpaid(b.id, pledge.id, brazil.id, second, usd("50")),
        reports.Unpaid(c.id, pledge.id, brazil.id, third, usd("0.01")),  # a cent is owed
    ]


def test_ageing_adds_up_the_unpaid_instalments_of_a_bucket(donor, finance):
    brazil, mexico = donor("BR"), donor("MX")
    _pledge(brazil, finance, "100", instalments=[(date(2026, 3, 1), "100")])
    _pledge(
        mexico, finance, "80", instalments=[(date(2026, 2, 20), "30"), (date(2026, 4, 1), "50")]
    )
    ageing = reports.build(TODAY).ageing
    assert ageing[reports.DAYS_0_30] == {"USD": usd("130")}
    assert ageing[reports.NOT_DUE] == {"USD": usd("50")}


def test_a_donor_giving_in_two_currencies_has_a_line_for_each(donor, finance, rate):
    brazil = donor("BR")
    rate("EUR", date(2025, 5, 1), "1.10")
    _pledge(brazil, finance, "100", instalments=[(date(2026, 3, 1), "100")])
    pledges.record_pledge(donor=brazil, amount="200", currency="EUR", pledged_on=date(2025, 5, 1),
                          instalments=[(date(2026, 3, 5), "200")], by=finance)  # fmt: skip
    db.session.commit()
    report = reports.build(TODAY)
    [group] = report.by_donor
    assert [(x.currency, x.pledged) for x in group.currency_lines] == [
        ("EUR", Money(Decimal("200"), "EUR")),
        ("USD", usd("100")),
    ]
    assert group.pledged_usd == usd("320.00")
    # Each bucket lists its currencies in alphabetical order, as the page shows them.
    assert list(report.ageing[reports.DAYS_0_30].items()) == [
        ("EUR", Money(Decimal("200"), "EUR")),
        ("USD", usd("100")),
    ]


def test_money_over_time_is_summed_for_each_year_and_kind_of_donor_apart(donor, finance):
    brazil, mexico, fund = donor("BR"), donor("MX"), donor(name="Harbour Foundation")
    _receive(brazil, finance, "100", on=date(2024, 3, 1))
    _receive(brazil, finance, "200", on=date(2025, 3, 1))
    _receive(mexico, finance, "50", on=date(2025, 6, 1))
    _receive(fund, finance, "70", on=date(2025, 9, 1))
    assert reports.build(TODAY).over_time == {
        (2024, "member_state"): usd("100"),
        (2025, "member_state"): usd("250"),
        (2025, "other"): usd("70"),
    }
