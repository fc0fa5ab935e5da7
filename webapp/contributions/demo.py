"""A few donors, pledges and receipts for `flask demo load`, recorded through the
services as finance staff would (so the letters exist too). Skipped once any donor is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.contributions import budgets, donors, pledges, rates, receipts
from webapp.contributions.models import MEMBER_STATE, OTHER, Donor
from webapp.core.reference import MemberState
from webapp.extensions import db


def load(
    finance: User, organizer: User | None, states: dict[str, MemberState], today: date
) -> None:
    if db.session.scalar(sa.select(Donor.id).limit(1)) is not None:
        return
    now = datetime.now(UTC)
    year = today.year
    last_month = today - timedelta(days=30)
    for currency, rate in (("EUR", "1.0842"), ("JPY", "0.0067"), ("CAD", "0.7315")):
        for day in (last_month, today):
            rates.set_rate(currency=currency, on=day, rate=rate, source="Demo rates", by=finance)
    made = []
    for code, language, contact in (
        ("BR", "pt", "tesouro@itamaraty.example.gov.br"),
        ("CA", "en", "contributions@international.example.gc.ca"),
    ):
        if code not in states:
            continue
        donor = donors.create_donor(
            kind=MEMBER_STATE, reference_id=states[code].id, language=language, by=finance
        )
        donors.add_contact(
            donor, name="Finance desk", email=contact, language=language, by=finance
        )
        made.append(donor)
    foundation = donors.create_donor(
        kind=OTHER, name="Harbour Security Foundation", language="es", by=finance
    )
    made.append(foundation)
    first = pledges.record_pledge(
        donor=made[0],
        amount="60000.00",
        currency="USD",
        pledged_on=date(year, 1, 15),
        instrument=f"Note {year}/014",
        earmark_kind="program",
        earmark_label="Border training",
        instalments=[(date(year, 3, 31), "30000.00"), (date(year, 9, 30), "30000.00")],
        by=finance,
    )
    receipts.record_receipt(
        donor=made[0],
        pledge=first,
        amount="30000.00",
        currency="USD",
        received_on=date(year, 4, 2),
        bank_reference="FT-0402",
        by=finance,
        now=now,
    )
    second = pledges.record_pledge(
        donor=made[-1],
        amount="25000.00",
        currency="EUR",
        pledged_on=last_month,
        earmark_kind="activity",
        earmark_label="Port security workshop",
        by=finance,
    )
    receipts.record_receipt(
        donor=made[-1],
        pledge=second,
        amount="10000.00",
        currency="EUR",
        received_on=today,
        bank_reference="SEPA-1",
        by=finance,
        now=now,
    )
    if organizer is not None:
        budgets.set_budget(
            earmark_kind="activity",
            earmark_label="Port security workshop",
            amount="40000",
            by=organizer,
        )
