"""Builders for the refresh-cycle and coverage tests: areas, agencies and entries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

import sqlalchemy as sa

from webapp.core.outbox import OutboxMessage
from webapp.directory.models import ACTIVE, Agency, Area, PointOfContact, RefreshRequest
from webapp.extensions import db

_numbers = count(1)

# A fixed "today" for the cycle: tests pass explicit times, never the wall clock.
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def area(code: str = "customs", position: int = 100) -> Area:
    found = db.session.scalar(sa.select(Area).where(Area.code == code))
    if found:
        return found
    name = code.replace("_", " ").title()
    made = Area(
        code=code, name_en=name, name_es=name, name_fr=name, name_pt=name, position=position
    )
    db.session.add(made)
    db.session.commit()
    return made


def agency(state: object, name: str = "Customs Administration") -> Agency:
    found = db.session.scalar(
        sa.select(Agency).where(Agency.member_state_id == state.id, Agency.name == name)
    )
    if found:
        return found
    made = Agency(member_state_id=state.id, name=name, kind="customs")
    db.session.add(made)
    db.session.commit()
    return made


def contact(
    state: object,
    *,
    verified: date | None = None,
    created: datetime | None = None,
    areas: tuple[Area, ...] = (),
    status: str = ACTIVE,
    name: str | None = None,
) -> PointOfContact:
    n = next(_numbers)
    entry = PointOfContact(
        member_state_id=state.id,
        agency_id=agency(state).id,
        name=name or f"Officer {n}",
        title="Inspector",
        email=f"officer{n}@example.org",
        phones="+525555555555",
        languages="es,en",
        status=status,
        last_verified_on=verified,
        created_at=created or at(date(2024, 1, 1)),
    )
    entry.areas = list(areas)
    db.session.add(entry)
    db.session.commit()
    return entry


def requests_of(state: object) -> list[RefreshRequest]:
    return list(
        db.session.scalars(
            sa.select(RefreshRequest)
            .where(RefreshRequest.member_state_id == state.id)
            .order_by(RefreshRequest.id)
        )
    )


def mail(kind: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))
