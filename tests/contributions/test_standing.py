"""Where a donor's pledges stand: per pledge, paid and outstanding, exact in the pledge's
currency, and each instalment paid, partly paid, due or overdue on a given day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from webapp.contributions import ledger, pledges, receipts
from webapp.contributions.queries import donor_ledger
from webapp.contributions.standing import DUE, OVERDUE, PAID, PARTLY_PAID, pledge_standings
from webapp.core.money import Money
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def money(text: str, currency: str = "USD") -> Money:
    return Money(Decimal(text), currency)


@pytest.fixture()
def brazil(donor):
    return donor()


@pytest.fixture()
def pledge(brazil, finance):
    made = pledges.record_pledge(
        donor=brazil,
        amount="12000.00",
        currency="USD",
        pledged_on=date(2026, 2, 1),
        instalments=[(date(2026, 3, 31), "6000"), (date(2026, 9, 30), "6000")],
        by=finance,
    )
    db.session.commit()
    return made


def pay(brazil, finance, amount, *, pledge=None, instalment=None, currency="USD"):
    made = receipts.record_receipt(
        donor=brazil,
        amount=amount,
        currency=currency,
        received_on=date(2026, 3, 2),
        pledge=pledge,
        instalment=instalment,
        by=finance,
        now=NOW,
    )
    db.session.commit()
    return made


def standing_of(brazil, pledge, today):
    found = donor_ledger(brazil)
    return pledge_standings(found.pledges, found.receipts, today)[pledge.id]


def states(standing):
    return [(s.state, s.left) for s in standing.instalments]


def test_a_payment_against_the_pledge_pays_its_instalments_oldest_first(brazil, finance, pledge):
    pay(brazil, finance, "8000", pledge=pledge)
    standing = standing_of(brazil, pledge, date(2026, 6, 1))
    assert (standing.paid, standing.outstanding) == (money("8000"), money("4000"))
    assert states(standing) == [(PAID, money("0")), (PARTLY_PAID, money("4000"))]


def test_an_unpaid_instalment_past_its_date_is_overdue_and_one_to_come_is_due(
    brazil, finance, pledge
):
    standing = standing_of(brazil, pledge, date(2026, 4, 1))
    assert states(standing) == [(OVERDUE, money("6000")), (DUE, money("6000"))]
    assert (standing.paid, standing.outstanding) == (money("0"), money("12000"))


def test_on_its_due_date_an_instalment_is_due_not_overdue(brazil, finance, pledge):
    assert standing_of(brazil, pledge, date(2026, 3, 31)).instalments[0].state == DUE


def test_a_partly_paid_instalment_past_its_date_is_overdue_for_what_is_left(
    brazil, finance, pledge
):
    pay(brazil, finance, "8000", pledge=pledge)
    standing = standing_of(brazil, pledge, date(2026, 10, 1))
    assert states(standing) == [(PAID, money("0")), (OVERDUE, money("4000"))]


def test_a_payment_against_an_instalment_pays_that_one(brazil, finance, pledge):
    pay(brazil, finance, "6000", instalment=pledge.instalments[1])
    standing = standing_of(brazil, pledge, date(2026, 4, 15))
    assert states(standing) == [(OVERDUE, money("6000")), (PAID, money("0"))]


def test_a_reversed_receipt_pays_nothing(brazil, finance, pledge):
    receipt = pay(brazil, finance, "6000", pledge=pledge)
    ledger.reverse(receipt, reason="Wrong pledge", by=finance, now=NOW)
    db.session.commit()
    standing = standing_of(brazil, pledge, date(2026, 3, 15))
    assert (standing.paid, standing.outstanding) == (money("0"), money("12000"))
    assert states(standing) == [(DUE, money("6000")), (DUE, money("6000"))]


def test_amounts_stay_exact_in_a_currency_without_minor_units(brazil, finance, rate):
    rate("JPY", date(2026, 2, 1), "0.0067")
    rate("JPY", date(2026, 3, 2), "0.0067")
    yen = pledges.record_pledge(
        donor=brazil, amount="1000000", currency="JPY", pledged_on=date(2026, 2, 1), by=finance
    )
    db.session.commit()
    pay(brazil, finance, "333333", pledge=yen, currency="JPY")
    standing = standing_of(brazil, yen, date(2026, 3, 15))
    assert str(standing.paid) == "333333 JPY"
    assert str(standing.outstanding) == "666667 JPY"


def test_the_donor_page_shows_paid_outstanding_and_each_instalments_state(
    client, login, brazil, finance
):
    today = datetime.now(UTC).date()
    made = pledges.record_pledge(
        donor=brazil,
        amount="1000.00",
        currency="USD",
        pledged_on=today - timedelta(days=60),
        instalments=[
            (today - timedelta(days=30), "400"),
            (today - timedelta(days=10), "300"),
            (today + timedelta(days=30), "300"),
        ],
        by=finance,
    )
    db.session.commit()
    receipts.record_receipt(
        donor=brazil,
        amount="500",
        currency="USD",
        received_on=today - timedelta(days=20),
        pledge=made,
        by=finance,
        now=datetime.now(UTC),
    )
    db.session.commit()
    login(finance)
    page = client.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    row = page[page.index(f'id="pledge-{made.id}"') :]
    row = row[: row.index("</tr>")]
    paid = row[row.index('class="num nowrap paid"') :]
    outstanding = row[row.index('class="num nowrap outstanding"') :]
    assert paid.split("</td>")[0].endswith("$500.00")
    assert outstanding.split("</td>")[0].endswith("$500.00")
    assert row.count("instalment-paid") == 1
    assert row.count("instalment-overdue") == 1
    assert row.count("instalment-due") == 1
    assert "Overdue" in row and "$200.00 left" in row
