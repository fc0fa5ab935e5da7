"""Acknowledgement numbers stay gap-free when two receipts are recorded at the same time.

Two real transactions, each in its own thread, application context, session and database
connection, record a receipt at once; the second waits on the row lock the first took on
the year's counter (`letters.next_number`), so the numbers come out consecutive, with no
duplicate and no gap — also for the first two letters of a year, when both transactions
race to create the counter.

This runs only on PostgreSQL (`DATABASE_URL=postgresql://…`, as in CI). On SQLite the
database lock serialises writers anyway: a second writer cannot even begin writing until
the first commits, so there is no concurrency there to prove anything about.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.contributions import receipts
from webapp.contributions.models import AcknowledgementLetter, Donor
from webapp.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: on SQLite the database lock serialises writers",
)

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def record_two_at_once(app, donor_id: int, finance_id: int) -> list[Exception]:
    """Both threads open their transaction, meet at the barrier, then record a receipt;
    each holds its transaction open a moment before committing, so they overlap."""
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def work(reference: str) -> None:
        try:
            with app.app_context():
                donor = db.session.get(Donor, donor_id)
                finance = db.session.get(User, finance_id)
                start.wait(timeout=10)
                receipts.record_receipt(
                    donor=donor,
                    amount="10",
                    currency="USD",
                    received_on=date(2026, 3, 2),
                    bank_reference=reference,
                    by=finance,
                    now=NOW,
                )
                time.sleep(0.3)  # keep the counter's row locked while the other waits
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"FT-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_receipts_recorded_at_the_same_time_get_consecutive_numbers(app, donor, finance):
    brazil = donor()
    donor_id, finance_id = brazil.id, finance.id
    db.session.commit()
    db.session.close()  # the threads must not wait on this test's own connection

    # The year's counter does not exist yet: both transactions race to create it.
    assert record_two_at_once(app, donor_id, finance_id) == []
    # Now it exists: both transactions race to bump it.
    assert record_two_at_once(app, donor_id, finance_id) == []

    numbers = db.session.scalars(
        sa.select(AcknowledgementLetter.number)
        .where(AcknowledgementLetter.year == 2026)
        .order_by(AcknowledgementLetter.number)
    ).all()
    assert numbers == [1, 2, 3, 4]
