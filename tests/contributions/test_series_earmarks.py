"""Contributions earmarked to a meeting series: chosen in the pledge form from the series
that exist, refused when the series is unknown, reported under the series' title, and
set against the budget organizers give the series, which its page shows them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.contributions.conftest import count
from tests.meetings.support import make_series
from webapp.contributions import budgets, pledges, receipts, reports
from webapp.contributions.models import MEETING_SERIES, Pledge, Receipt
from webapp.contributions.queries import series_funding
from webapp.core.errors import RuleError
from webapp.core.money import Money
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def ports(organizer):
    return make_series(organizer, title="Caribbean ports meeting")


def receive(donor, finance, series, amount, currency="USD", pledge=None):
    made = receipts.record_receipt(
        donor=donor,
        amount=amount,
        currency=currency,
        received_on=date(2026, 3, 2),
        earmark_kind=MEETING_SERIES,
        earmark_series=series.id if series else None,
        pledge=pledge,
        by=finance,
        now=NOW,
    )
    db.session.commit()
    return made


def test_a_pledge_earmarked_to_a_series_points_at_it(donor, finance, ports):
    pledge = pledges.record_pledge(
        donor=donor(),
        amount="5000",
        currency="USD",
        pledged_on=date(2026, 2, 1),
        earmark_kind=MEETING_SERIES,
        earmark_series=str(ports.id),
        by=finance,
    )
    db.session.commit()
    stored = db.session.get(Pledge, pledge.id)
    assert (stored.earmark_kind, stored.meeting_series_id) == (MEETING_SERIES, ports.id)


def test_a_receipt_against_that_pledge_carries_the_series(donor, finance, ports):
    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil,
        amount="5000",
        currency="USD",
        pledged_on=date(2026, 2, 1),
        earmark_kind=MEETING_SERIES,
        earmark_series=ports.id,
        by=finance,
    )
    db.session.commit()
    receipt = receive(brazil, finance, None, "1000", pledge=pledge)
    assert db.session.get(Receipt, receipt.id).meeting_series_id == ports.id


@pytest.mark.parametrize("given", [None, "", "999999", "ports"])
def test_an_unknown_series_is_refused_and_nothing_is_posted(donor, finance, ports, given):
    brazil = donor()
    with pytest.raises(RuleError, match="Choose a meeting series from the list") as refused:
        pledges.record_pledge(
            donor=brazil,
            amount="5000",
            currency="USD",
            pledged_on=date(2026, 2, 1),
            earmark_kind=MEETING_SERIES,
            earmark_series=given,
            by=finance,
        )
    assert refused.value.field == "earmark_series"
    db.session.rollback()
    assert count(Pledge) == 0


def test_the_report_names_the_series_by_earmark_and_keeps_two_series_apart(
    donor, finance, organizer, ports, app
):
    other = make_series(organizer, title="Andean borders meeting")
    brazil = donor()
    receive(brazil, finance, ports, "300")
    receive(brazil, finance, other, "200")
    report = reports.build(TODAY)
    by_earmark = {g.key: g for g in report.by_earmark}
    assert by_earmark[(MEETING_SERIES, str(ports.id))].received_usd == Money(Decimal("300"), "USD")
    assert by_earmark[(MEETING_SERIES, str(other.id))].received_usd == Money(Decimal("200"), "USD")
    from webapp.contributions.queries import earmark_name

    with app.test_request_context():
        assert earmark_name(MEETING_SERIES, str(ports.id)) == (
            "Meeting series: Caribbean ports meeting"
        )


def test_a_series_budget_is_set_against_its_earmarked_receipts(
    donor, finance, organizer, ports, rate
):
    rate("EUR", date(2026, 3, 2), "1.10")
    budgets.set_budget(
        earmark_kind=MEETING_SERIES,
        earmark_label="",
        earmark_series=ports.id,
        amount="10000",
        by=organizer,
    )
    db.session.commit()
    brazil = donor()
    receive(brazil, finance, ports, "2500")
    receive(brazil, finance, ports, "1000", currency="EUR")
    [row] = reports.build(TODAY).funding
    assert (row.earmark_kind, row.earmark_label) == (MEETING_SERIES, str(ports.id))
    assert row.budget == Money(Decimal("10000"), "USD")
    assert row.received_usd == Money(Decimal("3600"), "USD")
    assert row.received == {
        "EUR": Money(Decimal("1000"), "EUR"),
        "USD": Money(Decimal("2500"), "USD"),
    }
    funding = series_funding(ports.id)
    assert (funding.budget, funding.received_usd, funding.gap, funding.funded) == (
        Money(Decimal("10000"), "USD"),
        Money(Decimal("3600"), "USD"),
        Money(Decimal("6400"), "USD"),
        False,
    )


def test_a_series_without_a_budget_has_no_gap(donor, finance, ports):
    receive(donor(), finance, ports, "50")
    funding = series_funding(ports.id)
    assert (funding.budget, funding.gap, funding.funded) == (None, None, False)
    assert funding.received_usd == Money(Decimal("50"), "USD")


def test_finance_chooses_the_series_in_the_pledge_form(client, login, finance, donor, ports):
    brazil = donor()
    login(finance)
    form = client.get("/contributions/pledges/new").get_data(as_text=True)
    assert f'<option value="{ports.id}">Caribbean ports meeting</option>' in form
    response = client.post(
        "/contributions/pledges/new",
        data={
            "donor": brazil.id,
            "amount": "5000",
            "currency": "USD",
            "pledged_on": "2026-02-01",
            "earmark_kind": MEETING_SERIES,
            "earmark_series": str(ports.id),
        },
    )
    assert response.status_code == 302
    [pledge] = db.session.scalars(db.select(Pledge)).all()
    assert pledge.meeting_series_id == ports.id
    page = client.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert "Meeting series: Caribbean ports meeting" in page


def test_the_pledge_form_says_why_an_unknown_series_is_refused(client, login, finance, donor):
    brazil = donor()
    login(finance)
    page = client.post(
        "/contributions/pledges/new",
        data={
            "donor": brazil.id,
            "amount": "5000",
            "currency": "USD",
            "pledged_on": "2026-02-01",
            "earmark_kind": MEETING_SERIES,
            "earmark_series": "424242",
        },
    )
    assert page.status_code == 200
    assert "Choose a meeting series from the list." in page.get_data(as_text=True)
    assert count(Pledge) == 0


def test_organizers_see_on_the_series_page_whether_it_is_funded(
    client, login, organizer, donor, finance, ports
):
    budgets.set_budget(
        earmark_kind=MEETING_SERIES,
        earmark_label="",
        earmark_series=ports.id,
        amount="1000",
        by=organizer,
    )
    db.session.commit()
    receive(donor(), finance, ports, "400")
    login(organizer)
    page = client.get(f"/meetings/{ports.id}").get_data(as_text=True)
    assert 'id="funding"' in page
    assert "This series is not yet funded." in page
    assert "600.00" in page  # the gap
    receive(donor("MX", language="es"), finance, ports, "600")
    page = client.get(f"/meetings/{ports.id}").get_data(as_text=True)
    assert "This series is funded." in page


def test_a_reversed_receipt_no_longer_funds_the_series(donor, finance, organizer, ports):
    from webapp.contributions import ledger

    budgets.set_budget(
        earmark_kind=MEETING_SERIES,
        earmark_label="",
        earmark_series=ports.id,
        amount="1000",
        by=organizer,
    )
    receipt = receive(donor(), finance, ports, "1000")
    assert series_funding(ports.id).funded
    reversal = ledger.reverse(receipt, reason="Wrong donor", by=finance, now=NOW)
    db.session.commit()
    assert reversal.meeting_series_id == ports.id
    assert series_funding(ports.id).received_usd == Money(Decimal("0"), "USD")
    assert not series_funding(ports.id).funded


def test_the_report_kept_between_requests_shows_a_series_new_title_at_once(
    donor, finance, ports, client, login
):
    receive(donor(), finance, ports, "100")
    login(finance)
    assert "Caribbean ports meeting" in client.get("/contributions/").get_data(as_text=True)
    ports.title = "Andean ports meeting"
    db.session.commit()
    page = client.get("/contributions/").get_data(as_text=True)
    assert "Andean ports meeting" in page and "Caribbean ports meeting" not in page


def test_the_report_kept_between_requests_shows_a_new_receipt_at_once(
    donor, finance, ports, client, login
):
    giver = donor()
    receive(giver, finance, ports, "100")
    login(finance)
    assert "$1,234.00" not in client.get("/contributions/").get_data(as_text=True)
    receive(giver, finance, ports, "1134")
    assert "$1,234.00" in client.get("/contributions/").get_data(as_text=True)
