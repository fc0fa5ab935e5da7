"""Where a donor's pledges stand: per pledge, paid and outstanding, exact in the pledge's
currency, and each instalment paid, partly paid, due or overdue on a given day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from webapp.contributions import ledger, pledges, receipts
from webapp.contributions.queries import PLEDGES_PER_PAGE, RECEIPTS_PER_PAGE, donor_ledger
from webapp.contributions.standing import (
    DUE,
    OVERDUE,
    PAID,
    PARTLY_PAID,
    payments_of,
    pledge_standings,
)
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


def test_the_sums_the_database_makes_give_the_same_standing_as_the_rows(brazil, finance, pledge):
    first = pledge.instalments[0]
    pay(brazil, finance, "2500", pledge=pledge, instalment=first)
    pay(brazil, finance, "4000", pledge=pledge)
    wrong = pay(brazil, finance, "100", pledge=pledge)
    ledger.reverse(wrong, reason="Keyed twice", by=finance, now=NOW)
    db.session.commit()
    rows = donor_ledger(brazil)
    from_rows = pledge_standings(rows.pledges, rows.receipts, date(2026, 6, 1))[pledge.id]
    summed = pledge_standings(rows.pledges, payments_of(rows.pledges), date(2026, 6, 1))
    assert summed[pledge.id] == from_rows
    assert summed[pledge.id].paid == money("6500")


def test_a_large_donor_page_shows_the_newest_receipts_and_pages_to_the_older(
    brazil, finance, pledge, client, login
):
    for n in range(RECEIPTS_PER_PAGE + 1):
        receipts.record_receipt(
            donor=brazil,
            amount=str(100 + n),
            currency="USD",
            received_on=date(2026, 1, 1) + timedelta(days=n),
            pledge=pledge,
            by=finance,
            now=NOW,
        )
    db.session.commit()
    login(finance)
    first = client.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert "$150.00" in first and "$100.00" not in first  # the newest, not the oldest
    assert "page=2" in first
    second = client.get(f"/contributions/donors/{brazil.id}?page=2").get_data(as_text=True)
    assert "$100.00" in second and "$150.00" not in second
    # The pledge's standing counts every receipt, shown on this page or not.
    paid = sum(100 + n for n in range(RECEIPTS_PER_PAGE + 1))
    assert f"${paid:,}.00" in first


def test_a_reversed_pledge_on_another_page_still_reads_reversed(brazil, finance, client, login):
    made = [
        pledges.record_pledge(
            donor=brazil,
            amount=str(1000 + n),
            currency="USD",
            pledged_on=date(2025, 1, 1) + timedelta(days=n),
            by=finance,
        )
        for n in range(PLEDGES_PER_PAGE + 1)
    ]
    db.session.commit()
    # Newest first, the pledge is the last row of page 1 and its reversal (same day, right
    # after it) the first of page 2.
    reversal = ledger.reverse(made[1], reason="Withdrawn", by=finance, now=NOW)
    db.session.commit()
    login(finance)
    first = client.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert f'id="pledge-{reversal.id}"' not in first
    row = first[first.index(f'id="pledge-{made[1].id}"') :]
    row = row[: row.index("</tr>")]
    assert "Reversed" in row and "outstanding" in row and "—" in row
    older = client.get(f"/contributions/donors/{brazil.id}?pledges=2").get_data(as_text=True)
    assert f'id="pledge-{reversal.id}"' in older
