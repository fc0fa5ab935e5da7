"""Pledges: an amount in a currency at its minor units, an earmark, and a schedule of
instalments that adds up exactly to the pledge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.contributions.conftest import count
from webapp.contributions import pledges
from webapp.contributions.models import ACTIVITY, Instalment, Pledge
from webapp.core.audit import history
from webapp.core.errors import RuleError
from webapp.core.money import Money


def test_a_pledge_with_instalments_is_posted_with_its_usd_value(donor, finance, rate):
    rate("EUR", date(2026, 3, 2), "1.08")
    pledge = pledges.record_pledge(
        donor=donor(),
        amount="10000.00",
        currency="eur",
        pledged_on=date(2026, 3, 2),
        instrument="Note 12/2026",
        earmark_kind=ACTIVITY,
        earmark_label="Port security workshop",
        instalments=[(date(2026, 9, 30), "4000"), (date(2026, 6, 30), "6000.00")],
        by=finance,
    )
    assert pledge.money == Money.from_minor(1_000_000, "EUR")
    assert pledge.usd == Money.from_minor(1_080_000, "USD")
    assert (pledge.usd_rate, pledge.rate_source) == (Decimal("1.08"), "Test rates")
    assert [(i.due_on, i.money.amount) for i in pledge.instalments] == [
        (date(2026, 6, 30), 6000),
        (date(2026, 9, 30), 4000),
    ]
    assert history("Pledge", pledge.id)[0].actor_label == finance.email


def test_the_schedule_is_read_one_instalment_per_line():
    assert pledges.parse_schedule("2026-06-30 5000.00\n\n2026-12-31; 5000") == [
        (date(2026, 6, 30), "5000.00"),
        (date(2026, 12, 31), "5000"),
    ]


def test_a_schedule_line_without_a_date_names_the_line():
    with pytest.raises(RuleError, match="line 2") as caught:
        pledges.parse_schedule("2026-06-30 5000\nsoon 5000")
    assert caught.value.field == "instalments"


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-5", "USD", "amount", "greater than zero"),
        ("0", "USD", "amount", "greater than zero"),
        ("12,5.x", "USD", "amount", "as a number"),
        ("100", "ZZZ", "currency", "ISO 4217"),
        ("100.5", "JPY", "amount", "no decimals"),
        ("1.2345", "KWD", "amount", "at most 3 decimals"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_posted(
    donor, finance, amount, currency, field, message
):
    with pytest.raises(RuleError, match=message) as caught:
        pledges.record_pledge(
            donor=donor(),
            amount=amount,
            currency=currency,
            pledged_on=date(2026, 1, 5),
            by=finance,
        )
    assert caught.value.field == field
    assert count(Pledge) == 0


def test_instalments_that_do_not_add_up_to_the_pledge_are_refused(donor, finance):
    with pytest.raises(
        RuleError, match=r"add up to 9999\.99 USD, not to the pledge of 10000\.00 USD\.$"
    ) as caught:
        pledges.record_pledge(
            donor=donor(),
            amount="10000",
            currency="USD",
            pledged_on=date(2026, 1, 5),
            instalments=[(date(2026, 2, 1), "5000"), (date(2026, 3, 1), "4999.99")],
            by=finance,
        )
    assert caught.value.field == "instalments"
    assert (count(Pledge), count(Instalment)) == (0, 0)


def test_an_instalment_with_more_decimals_than_the_currency_is_refused(donor, finance):
    with pytest.raises(RuleError, match="no decimals") as caught:
        pledges.record_pledge(
            donor=donor(),
            amount="1000",
            currency="JPY",
            pledged_on=date(2026, 1, 5),
            instalments=[(date(2026, 2, 1), "999.5"), (date(2026, 3, 1), "0.5")],
            by=finance,
        )
    assert caught.value.field == "instalments"


def test_a_pledge_in_a_currency_without_a_rate_for_its_date_is_refused(donor, finance, rate):
    rate("EUR", date(2026, 3, 1), "1.08")
    with pytest.raises(RuleError, match="no exchange rate for EUR on Mar 2, 2026"):
        pledges.record_pledge(
            donor=donor(), amount="100", currency="EUR", pledged_on=date(2026, 3, 2), by=finance
        )


def test_an_earmarked_pledge_names_what_it_is_for(donor, finance):
    with pytest.raises(RuleError) as caught:
        pledges.record_pledge(
            donor=donor(),
            amount="100",
            currency="USD",
            pledged_on=date(2026, 3, 2),
            earmark_kind=ACTIVITY,
            by=finance,
        )
    assert caught.value.field == "earmark_label"
