"""Whatever finance staff post, in whatever order, the report adds up: for every donor and
currency, outstanding = pledged - received, exact to the minor unit, and the same sums
hold as a model of the ledger kept here in plain integers."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import _empty_tables
from webapp.accounts.models import User
from webapp.contributions import donors, ledger, pledges, rates, receipts, reports
from webapp.contributions.models import OTHER
from webapp.core.errors import RuleError
from webapp.core.money import Money
from webapp.extensions import db

DAY = date(2026, 4, 1)
NOW = datetime(2026, 4, 1, 12, tzinfo=UTC)
# Zero, two and three minor units, with rates that make conversion round.
CURRENCIES = {"USD": None, "JPY": "0.006713", "EUR": "1.084251", "KWD": "3.257771"}

amounts = st.integers(min_value=1, max_value=10**9)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("pledge"), st.integers(0, 1), st.sampled_from(list(CURRENCIES)), amounts
        ),
        st.tuples(
            st.just("receipt"),
            st.integers(0, 1),
            st.sampled_from(list(CURRENCIES)),
            amounts,
            st.integers(0, 5) | st.none(),
        ),
        st.tuples(st.just("reverse-pledge"), st.integers(0, 10)),
        st.tuples(st.just("reverse-receipt"), st.integers(0, 10)),
    ),
    max_size=10,
)


def _setup() -> tuple[User, list]:
    _empty_tables()
    officer = User(email="finance@example.org", name="Finance", roles="finance")
    db.session.add(officer)
    db.session.flush()
    people = [donors.create_donor(kind=OTHER, name=name, by=officer) for name in ("Alpha", "Beta")]
    for code, rate in CURRENCIES.items():
        if rate:
            rates.set_rate(currency=code, on=DAY, rate=rate, source="test", by=officer)
    db.session.commit()
    return officer, people


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_outstanding_is_pledged_minus_received_per_currency_to_the_minor_unit(app, ops):
    officer, people = _setup()
    pledged: dict[tuple[int, str], int] = defaultdict(int)
    received: dict[tuple[int, str], int] = defaultdict(int)
    posted_pledges: list = []
    posted_receipts: list = []
    for op in ops:
        try:
            if op[0] == "pledge":
                _kind, who, code, minor = op
                money = Money.from_minor(minor, code)
                posted_pledges.append(
                    pledges.record_pledge(
                        donor=people[who],
                        amount=str(money.amount),
                        currency=code,
                        pledged_on=DAY,
                        by=officer,
                    )
                )
                pledged[(people[who].id, code)] += minor
            elif op[0] == "receipt":
                _kind, who, code, minor, target = op
                money = Money.from_minor(minor, code)
                pledge = (
                    posted_pledges[target]
                    if target is not None and target < len(posted_pledges)
                    else None
                )
                posted_receipts.append(
                    receipts.record_receipt(
                        donor=people[who],
                        amount=str(money.amount),
                        currency=code,
                        received_on=DAY,
                        pledge=pledge,
                        by=officer,
                        now=NOW,
                    )
                )
                received[(people[who].id, code)] += minor
            else:
                entries = posted_pledges if op[0] == "reverse-pledge" else posted_receipts
                if op[1] >= len(entries):
                    continue
                entry = entries[op[1]]
                ledger.reverse(entry, reason="test", by=officer, now=NOW)
                book = pledged if op[0] == "reverse-pledge" else received
                book[(entry.donor_id, entry.currency)] -= entry.amount_minor
            db.session.commit()
        except RuleError:
            db.session.rollback()  # refused: nothing posted, and the model is unchanged
    report = reports.build(DAY)
    for group in report.by_donor:
        (donor_id,) = group.key
        for line in group.currency_lines:
            key = (donor_id, line.currency)
            assert line.pledged.minor_units == pledged[key]
            assert line.received.minor_units == received[key]
            assert line.outstanding == line.pledged - line.received
    for code in CURRENCIES:
        line = report.totals.lines.get(code)
        expected_pledged = sum(v for (_d, c), v in pledged.items() if c == code)
        expected_received = sum(v for (_d, c), v in received.items() if c == code)
        if line is None:
            assert expected_pledged == expected_received == 0
            continue
        assert line.outstanding.minor_units == expected_pledged - expected_received
