"""The contributions' rows for `flask demo scale`: donors (every member state, some
observers and organizations, a few others), weekly exchange rates for five years, 1,000
pledges with their instalments and 20,000 receipts in six currencies, some earmarked to
meeting series. No acknowledgement letters (their PDFs are not what pages read).

Rows go in with bulk Core inserts, as in `webapp.scale`. Runs after the meetings' filler
(`webapp.scale.LATER_PARTS`), whose series it earmarks to.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from webapp.extensions import db
from webapp.scale import Scale, insert, part

RATES = {"EUR": "1.08", "JPY": "0.0067", "KWD": "3.25", "CAD": "0.73", "BRL": "0.19"}
CURRENCIES = ["USD", "USD", "USD", *RATES]
OTHER_DONORS = ["Foundation for Safer Borders", "Port Operators' Association",
                "Regional Development Bank", "Maritime Security Fund"]  # fmt: skip


@part("contributions")
def fill_contributions(scale: Scale) -> int:
    from webapp.contributions.models import Donor, ExchangeRate, Instalment, Pledge, Receipt
    from webapp.core.money import Money, precision
    from webapp.core.reference import Organization, PermanentObserver

    rng, volumes = scale.rng, scale.volumes
    observers = list(db.session.scalars(sa.select(PermanentObserver.id).order_by("id")))
    organizations = list(db.session.scalars(sa.select(Organization.id).order_by("id")))
    donor_rows = [
        {"kind": "member_state", "member_state_id": state_id}
        for state_id, _code in scale.ids["states"]
    ]
    donor_rows += [
        {"kind": "permanent_observer", "permanent_observer_id": o} for o in observers[:30]
    ]
    donor_rows += [{"kind": "organization", "organization_id": o} for o in organizations[:12]]
    donor_rows += [{"kind": "other", "name": name} for name in OTHER_DONORS]
    for row in donor_rows:
        for key in ("member_state_id", "permanent_observer_id", "organization_id"):
            row.setdefault(key, None)
        row.setdefault("name", "")
        row.update(language=rng.choice(("en", "es", "fr", "pt")), created_at=scale.now)
    donors = insert(Donor.__table__, donor_rows, returning=True)
    # Big givers give often.
    weights = [rng.paretovariate(1.1) for _ in donors]

    start = scale.today - timedelta(days=5 * 365)
    weeks = [start + timedelta(days=7 * n) for n in range(5 * 52 + 1)]
    insert(
        ExchangeRate.__table__,
        [
            {"currency": c, "on": day, "rate": Decimal(r), "source": "scale data"}
            for c, r in RATES.items()
            for day in weeks
        ],
    )
    rate_of = {"USD": Decimal(1), **{c: Decimal(r) for c, r in RATES.items()}}
    finance = scale.ids["users"]["finance"]
    series = scale.ids.get("meeting_series", [])

    def posted(units: int, currency: str) -> dict:
        rate = rate_of[currency]
        usd = Money.from_minor(units, currency).converted(rate).minor_units
        return {
            "amount_minor": units,
            "currency": currency,
            "usd_minor": usd,
            "usd_rate": rate,
            "rate_source": "scale data",
            "reason": "",
            "posted_at": scale.now,
            "posted_by_id": finance,
        }

    pledge_rows = []
    for _ in range(volumes.pledges):
        currency = rng.choice(CURRENCIES)
        units = rng.randint(10, 5000) * 10 ** (precision(currency) + 2)
        earmark = rng.random()
        if earmark < 0.2 and series:
            series_id = rng.choice(series)
            mark = ("meeting_series", str(series_id), series_id)
        elif earmark < 0.6:
            mark = ("program", f"Border training program {rng.randint(1, 12)}", None)
        else:
            mark = ("unearmarked", "", None)
        pledge_rows.append(
            {
                "donor_id": rng.choices(donors, weights)[0],
                "pledged_on": rng.choice(weeks[:-26]),
                "instrument": "",
                "earmark_kind": mark[0],
                "earmark_label": mark[1],
                "meeting_series_id": mark[2],
                **posted(units, currency),
            }
        )
    pledge_ids = insert(Pledge.__table__, pledge_rows, returning=True)
    instalment_rows = []
    for pledge_id, row in zip(pledge_ids, pledge_rows, strict=True):
        parts = rng.randint(1, 4)
        share = row["amount_minor"] // parts
        for n in range(parts):
            instalment_rows.append(
                {
                    "pledge_id": pledge_id,
                    "due_on": row["pledged_on"] + timedelta(days=90 * (n + 1)),
                    "amount_minor": share if n < parts - 1 else row["amount_minor"] - share * n,
                }
            )
    insert(Instalment.__table__, instalment_rows)

    receipt_rows = []
    pledges = list(zip(pledge_ids, pledge_rows, strict=True))
    for n in range(volumes.receipts):
        pledge_id, pledge = rng.choice(pledges)
        units = max(pledge["amount_minor"] // rng.randint(20, 60), 1)
        received = min(pledge["pledged_on"] + timedelta(days=rng.randint(0, 400)), scale.today)
        receipt_rows.append(
            {
                "donor_id": pledge["donor_id"],
                "pledge_id": pledge_id,
                "received_on": received,
                "bank_reference": f"TRF-{n:06d}",
                "earmark_kind": pledge["earmark_kind"],
                "earmark_label": pledge["earmark_label"],
                "meeting_series_id": pledge["meeting_series_id"],
                **posted(units, pledge["currency"]),
            }
        )
    insert(Receipt.__table__, receipt_rows)
    scale.ids["donors"] = donors
    return len(donor_rows) + len(pledge_rows) + len(instalment_rows) + len(receipt_rows)
