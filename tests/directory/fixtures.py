"""The directory's test fixtures: factories for areas, agencies and entries, the refresh
requests of a state, and the fixed clock of the refresh-cycle tests. Registered for the
whole suite (browser tests too) by `tests/conftest.py`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import count

import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.directory.models import Agency, Area, PointOfContact, RefreshRequest
from webapp.extensions import db

# A fixed "today" for the cycle: tests pass explicit times, never the wall clock.
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture()
def area(app: Flask) -> Callable[..., Area]:
    """`area("customs")`, `area("drugs", "Illicit drugs", position=2)`: a saved area,
    created once per code."""

    def make(code: str = "customs", name: str | None = None, *, position: int = 100) -> Area:
        found = db.session.scalar(sa.select(Area).where(Area.code == code))
        if found:
            return found
        name = name or code.replace("_", " ").capitalize()
        made = Area(
            code=code, name_en=name, name_es=name, name_fr=name, name_pt=name, position=position
        )
        db.session.add(made)
        db.session.commit()
        return made

    return make


def _agency(state: object, name: str = "Customs Administration", kind: str = "customs") -> Agency:
    found = db.session.scalar(
        sa.select(Agency).where(Agency.member_state_id == state.id, Agency.name == name)
    )
    if found:
        return found
    made = Agency(member_state_id=state.id, name=name, kind=kind)
    db.session.add(made)
    db.session.commit()
    return made


@pytest.fixture()
def agency(app: Flask) -> Callable[..., Agency]:
    """`agency(brazil, "Receita Federal", "customs")`: a saved agency, once per name."""
    return _agency


@pytest.fixture()
def contact(app: Flask) -> Callable[..., PointOfContact]:
    """`contact(brazil, verified=day, areas=[customs], name=...)`: a saved active entry of
    the state's agency `agency_name` (made with `kind` if new). `verified` is its last
    verification, `created` when it was added; any other field of the entry may be given."""
    numbers = count(1)

    def make(
        state: object,
        *,
        agency_name: str = "Customs Administration",
        kind: str = "customs",
        verified: date | None = None,
        created: datetime | None = None,
        **fields: object,
    ) -> PointOfContact:
        n = next(numbers)
        if created is not None:
            fields["created_at"] = created
        if "areas" in fields:
            fields["areas"] = list(fields["areas"])
        made = PointOfContact(
            member_state_id=state.id,
            agency=_agency(state, agency_name, kind),
            name=fields.pop("name", None) or f"Officer {n}",
            email=fields.pop("email", f"officer{n}@example.org"),
            **{"last_verified_on": verified, **fields},
        )
        db.session.add(made)
        db.session.commit()
        return made

    return make


@pytest.fixture()
def requests_of(app: Flask) -> Callable[[object], list[RefreshRequest]]:
    """`requests_of(brazil)`: the state's refresh requests, oldest first."""

    def find(state: object) -> list[RefreshRequest]:
        return list(
            db.session.scalars(
                sa.select(RefreshRequest)
                .where(RefreshRequest.member_state_id == state.id)
                .order_by(RefreshRequest.id)
            )
        )

    return find
