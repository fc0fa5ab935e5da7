"""The contributions report over 1,000 pledges (with instalments) and 20,000 receipts in
six currencies, generated deterministically; prints the time to build the report, to
render the report page and the CSV/XLSX exports, and the page's query count.

Rows are inserted in bulk (the services would also write 20,000 letters, which is not what
is measured here). Run: `make bench` or `.venv/bin/python bench/bench_contributions.py
[--pledges N --receipts N]`. Uses DATABASE_URL if set, else a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 20261130
CURRENCIES = {
    "USD": "1",
    "EUR": "1.08",
    "JPY": "0.0067",
    "KWD": "3.25",
    "CAD": "0.73",
    "BRL": "0.19",
}
KINDS = ("member_state", "permanent_observer", "organization", "other")


def populate(db, pledges: int, receipts: int) -> None:
    import sqlalchemy as sa

    from webapp.accounts.models import User
    from webapp.contributions.models import (
        Donor,
        ExchangeRate,
        Instalment,
        Pledge,
        Receipt,
    )
    from webapp.core.money import Money, precision

    rng = random.Random(SEED)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    # An active account (it has a password hash) that never signs in with a password.
    finance = User(
        email="finance@bench.example", name="Finance", roles="finance", password_hash="-"
    )
    db.session.add(finance)
    db.session.flush()
    donors = [
        {
            "id": i,
            "kind": KINDS[i % 4],
            "name": f"Donor {i:03d}",
            "language": "en",
            "created_at": now,
        }
        for i in range(1, 121)
    ]
    db.session.execute(sa.insert(Donor), donors)
    start = date(2022, 1, 3)
    days = [start + timedelta(days=d) for d in range(0, 1800, 7)]
    db.session.execute(
        sa.insert(ExchangeRate),
        [
            {"currency": c, "on": d, "rate": Decimal(r), "source": "bench"}
            for c, r in CURRENCIES.items()
            if c != "USD"
            for d in days
        ],
    )
    pledge_rows, instalment_rows = [], []
    for pid in range(1, pledges + 1):
        currency = rng.choice(list(CURRENCIES))
        units = rng.randint(10, 5000) * 10 ** (precision(currency) + 1)
        day = rng.choice(days)
        rate = Decimal(CURRENCIES[currency])
        pledge_rows.append(
            {
                "id": pid,
                "donor_id": rng.randint(1, len(donors)),
                "amount_minor": units,
                "currency": currency,
                "usd_minor": Money.from_minor(units, currency).converted(rate).minor_units,
                "usd_rate": rate,
                "rate_source": "bench",
                "pledged_on": day,
                "instrument": "",
                "earmark_kind": rng.choice(("unearmarked", "program", "activity")),
                "earmark_label": f"Activity {rng.randint(1, 40)}",
                "reason": "",
                "posted_at": now,
                "posted_by_id": finance.id,
            }
        )
        parts = rng.randint(1, 4)
        share = units // parts
        for n in range(parts):
            amount = share if n < parts - 1 else units - share * (parts - 1)
            instalment_rows.append(
                {
                    "pledge_id": pid,
                    "amount_minor": amount,
                    "due_on": day + timedelta(days=90 * (n + 1)),
                }
            )
    db.session.execute(sa.insert(Pledge), pledge_rows)
    db.session.execute(sa.insert(Instalment), instalment_rows)
    receipt_rows = []
    for _ in range(receipts):
        pledge = rng.choice(pledge_rows)
        units = max(pledge["amount_minor"] // rng.randint(20, 60), 1)
        rate = Decimal(CURRENCIES[pledge["currency"]])
        receipt_rows.append(
            {
                "donor_id": pledge["donor_id"],
                "pledge_id": pledge["id"],
                "amount_minor": units,
                "currency": pledge["currency"],
                "usd_minor": Money.from_minor(units, pledge["currency"])
                .converted(rate)
                .minor_units,
                "usd_rate": rate,
                "rate_source": "bench",
                "received_on": pledge["pledged_on"] + timedelta(days=rng.randint(0, 400)),
                "bank_reference": "",
                "earmark_kind": pledge["earmark_kind"],
                "earmark_label": pledge["earmark_label"],
                "reason": "",
                "posted_at": now,
                "posted_by_id": finance.id,
            }
        )
    for chunk in range(0, len(receipt_rows), 5000):
        db.session.execute(sa.insert(Receipt), receipt_rows[chunk : chunk + 5000])
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pledges", type=int, default=1000)
    parser.add_argument("--receipts", type=int, default=20000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="puerto-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["PUERTO_INSTANCE"] = str(work)
    os.environ["PUERTO_ENV"] = "development"
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")

    import sqlalchemy as sa

    from tests.querycount import count_queries
    from webapp import create_app
    from webapp.contributions import exports, reports
    from webapp.contributions.queries import earmark_name
    from webapp.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        populate(db, args.pledges, args.receipts)
        from webapp.accounts.models import User

        finance = db.session.scalar(sa.select(User))
        today = date(2026, 11, 30)

        began = time.perf_counter()
        report = reports.build(today)
        built = time.perf_counter() - began

        user_id = finance.get_id()
    # Requests of their own, as in production.
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
    client.get("/contributions/")  # warm the templates
    with app.app_context(), count_queries() as queries:
        began = time.perf_counter()
        page = client.get("/contributions/")
        rendered = time.perf_counter() - began
    with app.app_context():
        assert page.status_code == 200, page.status_code

        began = time.perf_counter()
        exports.as_csv(report, earmark_name)
        exports.as_xlsx(report, earmark_name)
        exported = time.perf_counter() - began
        totals = ", ".join(
            f"{line.currency} {line.outstanding.amount}" for line in report.totals.currency_lines
        )
        print(
            f"pledges: {args.pledges}, receipts: {args.receipts}, donors: {len(report.by_donor)}"
        )
        print(f"report built:      {built * 1000:8.1f} ms")
        print(f"report page:       {rendered * 1000:8.1f} ms, {queries.count} queries")
        print(f"CSV + XLSX:        {exported * 1000:8.1f} ms")
        print(f"outstanding:       {totals}")
        db.drop_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
