"""Fixtures for the contributions tests: a finance officer, donors and exchange rates,
all real rows in the test database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.contributions import donors, rates
from webapp.contributions.models import MEMBER_STATE, OTHER, Donor, ExchangeRate
from webapp.extensions import db


@pytest.fixture()
def finance(user) -> object:
    return user("finance", name="Fiona Finance")


@pytest.fixture()
def donor(app: Flask, finance, member_state) -> Callable[..., Donor]:
    """`donor()` a member state (Brazil unless `code`), `donor(name="Foundation")` another
    donor; `contact=` an email gives it a contact person."""

    def make(
        code: str = "BR",
        *,
        name: str | None = None,
        language: str = "pt",
        contact: str | None = None,
        contact_language: str = "pt",
    ) -> Donor:
        if name is not None:
            made = donors.create_donor(kind=OTHER, name=name, language=language, by=finance)
        else:
            state = member_state(code)
            made = donors.create_donor(
                kind=MEMBER_STATE, reference_id=state.id, language=language, by=finance
            )
        if contact:
            donors.add_contact(
                made, name="Contact Person", email=contact, language=contact_language, by=finance
            )
        db.session.commit()
        return made

    return make


@pytest.fixture()
def rate(app: Flask, finance) -> Callable[..., ExchangeRate]:
    """`rate("EUR", date(2026, 3, 2), "1.0842")`: a recorded rate (US dollars per unit)."""

    def make(currency: str, on: date, value: str, source: str = "Test rates") -> ExchangeRate:
        row = rates.set_rate(currency=currency, on=on, rate=value, source=source, by=finance)
        db.session.commit()
        return row

    return make


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
