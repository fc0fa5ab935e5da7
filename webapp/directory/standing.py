"""Where each member state stands in the refresh cycle: its verification period, its
entries' oldest verification, its focal points and its requests, in a fixed number of
queries. The rules that act on it are in `refresh`; the coverage page shows it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from webapp.accounts.models import User, user_states
from webapp.core.access import FOCAL_POINT
from webapp.core.reference import WITHDRAWN as STATE_WITHDRAWN
from webapp.core.reference import MemberState
from webapp.directory.models import (
    ACTIVE,
    DirectorySettings,
    PointOfContact,
    RefreshRequest,
    contact_areas,
)
from webapp.extensions import db

MIN_VERIFICATION_DAYS, MAX_VERIFICATION_DAYS = 1, 3650

# Coverage statuses, most urgent first.
NO_CONTACTS, NO_FOCAL_POINT, STALE, DUE, CURRENT = (
    "no_contacts",
    "no_focal_point",
    "stale",
    "due",
    "current",
)
STATUSES = (NO_CONTACTS, NO_FOCAL_POINT, STALE, DUE, CURRENT)


# --- settings ---------------------------------------------------------------------------


def default_verification_days() -> int:
    return int(current_app.config["DIRECTORY_VERIFICATION_DAYS"])


def set_verification_days(state_id: int, days: int | None) -> None:
    """Set a state's verification period; `None` returns it to the default."""
    if days is not None and not MIN_VERIFICATION_DAYS <= days <= MAX_VERIFICATION_DAYS:
        raise ValueError(f"verification days must be {MIN_VERIFICATION_DAYS}..3650, not {days}")
    settings = db.session.get(DirectorySettings, state_id)
    if days is None:
        if settings is not None:
            db.session.delete(settings)
        return
    if settings is None:
        db.session.add(DirectorySettings(member_state_id=state_id, verification_days=days))
    else:
        settings.verification_days = days


# --- where each state stands ------------------------------------------------------------


@dataclass
class Standing:
    """One member state's place in the refresh cycle, as the coverage page shows it."""

    state: MemberState
    period_days: int
    custom_period: bool = False
    active_contacts: int = 0
    never_verified: int = 0
    # The oldest verification among active entries (creation day for the never verified).
    oldest_verified_on: date | None = None
    contacts_by_area: dict[int, int] = field(default_factory=dict)
    focal_points: int = 0
    last_request_at: datetime | None = None
    last_answer: str | None = None
    last_answered_at: datetime | None = None
    open_cycle: date | None = None
    open_since: datetime | None = None
    due_on: date | None = None
    status: str = CURRENT

    @property
    def reference_on(self) -> date | None:
        answered = self.last_answered_at.date() if self.last_answered_at else None
        known = [d for d in (self.oldest_verified_on, answered) if d is not None]
        return max(known) if known else None

    def cycle_on(self, today: date) -> date | None:
        """The cycle a request sent today belongs to: the open one, else the due date if
        the state is due, else none."""
        if self.open_cycle is not None:
            return self.open_cycle
        if self.due_on is not None and self.due_on <= today:
            return self.due_on
        return None


def _status(standing: Standing, today: date, escalation_days: int) -> str:
    if standing.active_contacts == 0:
        return NO_CONTACTS
    if standing.focal_points == 0:
        return NO_FOCAL_POINT
    if standing.due_on is None or today < standing.due_on:
        return CURRENT
    if today > standing.due_on + timedelta(days=escalation_days):
        return STALE
    return DUE


def _is_focal_point() -> sa.ColumnElement[bool]:
    """An active focal point who has signed up (an invitation not yet accepted is not)."""
    return sa.and_(
        User.roles.contains(FOCAL_POINT),
        User.is_active_account.is_(True),
        User.password_hash.is_not(None),
    )


def standings(today: date, state_ids: Iterable[int] | None = None) -> list[Standing]:
    """Where every member state (or those in `state_ids`) stands, in a fixed number of
    queries whatever the number of states, contacts and requests."""
    query = (
        sa.select(MemberState)
        .where(MemberState.status != STATE_WITHDRAWN)
        .order_by(MemberState.name_en)
    )
    if state_ids is not None:
        query = query.where(MemberState.id.in_(list(state_ids)))
    states = list(db.session.scalars(query))
    if not states:
        return []
    ids = [s.id for s in states]
    default_days = default_verification_days()
    custom = dict(
        db.session.execute(
            sa.select(DirectorySettings.member_state_id, DirectorySettings.verification_days)
            .where(DirectorySettings.member_state_id.in_(ids))
            .where(DirectorySettings.verification_days.is_not(None))
        ).all()
    )
    by_id = {
        s.id: Standing(
            state=s,
            period_days=custom.get(s.id) or default_days,
            custom_period=s.id in custom,
        )
        for s in states
    }

    active = sa.and_(PointOfContact.status == ACTIVE, PointOfContact.member_state_id.in_(ids))
    never = PointOfContact.last_verified_on.is_(None)
    for state_id, count, oldest, oldest_created, unverified in db.session.execute(
        sa.select(
            PointOfContact.member_state_id,
            sa.func.count(PointOfContact.id),
            sa.func.min(PointOfContact.last_verified_on),
            sa.func.min(sa.case((never, PointOfContact.created_at))),
            sa.func.sum(sa.case((never, 1), else_=0)),
        )
        .where(active)
        .group_by(PointOfContact.member_state_id)
    ):
        standing = by_id[state_id]
        standing.active_contacts = count
        standing.never_verified = int(unverified or 0)
        candidates = [d for d in (oldest, oldest_created and oldest_created.date()) if d]
        standing.oldest_verified_on = min(candidates) if candidates else None

    for state_id, area_id, count in db.session.execute(
        sa.select(PointOfContact.member_state_id, contact_areas.c.area_id, sa.func.count())
        .join(contact_areas, contact_areas.c.contact_id == PointOfContact.id)
        .where(active)
        .group_by(PointOfContact.member_state_id, contact_areas.c.area_id)
    ):
        by_id[state_id].contacts_by_area[area_id] = count

    for state_id, count in db.session.execute(
        sa.select(user_states.c.member_state_id, sa.func.count())
        .join(User, User.id == user_states.c.user_id)
        .where(_is_focal_point(), user_states.c.member_state_id.in_(ids))
        .group_by(user_states.c.member_state_id)
    ):
        by_id[state_id].focal_points = count

    is_open = RefreshRequest.answered_at.is_(None)
    for state_id, last_sent, open_cycle, open_since in db.session.execute(
        sa.select(
            RefreshRequest.member_state_id,
            sa.func.max(RefreshRequest.sent_at),
            sa.func.max(sa.case((is_open, RefreshRequest.cycle))),
            sa.func.min(sa.case((is_open, RefreshRequest.sent_at))),
        )
        .where(RefreshRequest.member_state_id.in_(ids))
        .group_by(RefreshRequest.member_state_id)
    ):
        standing = by_id[state_id]
        standing.last_request_at = last_sent
        standing.open_cycle = open_cycle
        standing.open_since = open_since

    ranked = (
        sa.select(
            RefreshRequest.member_state_id,
            RefreshRequest.answer,
            RefreshRequest.answered_at,
            sa.func.row_number()
            .over(
                partition_by=RefreshRequest.member_state_id,
                order_by=(RefreshRequest.answered_at.desc(), RefreshRequest.id.desc()),
            )
            .label("position"),
        )
        .where(RefreshRequest.answered_at.is_not(None))
        .where(RefreshRequest.member_state_id.in_(ids))
        .subquery()
    )
    for state_id, answer, answered_at in db.session.execute(
        sa.select(ranked.c.member_state_id, ranked.c.answer, ranked.c.answered_at).where(
            ranked.c.position == 1
        )
    ):
        by_id[state_id].last_answer = answer
        by_id[state_id].last_answered_at = answered_at

    escalation_days = int(current_app.config["REFRESH_ESCALATION_DAYS"])
    for standing in by_id.values():
        reference = standing.reference_on
        if reference is not None:
            standing.due_on = reference + timedelta(days=standing.period_days)
        standing.status = _status(standing, today, escalation_days)
    return list(by_id.values())


def standing_of(state_id: int, today: date) -> Standing | None:
    found = standings(today, [state_id])
    return found[0] if found else None


def focal_points_by_state(state_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active accounts with the focal point role, per state they speak for."""
    ids = list(state_ids)
    if not ids:
        return {}
    found: dict[int, list[User]] = defaultdict(list)
    for state_id, person in db.session.execute(
        sa.select(user_states.c.member_state_id, User)
        .join(User, User.id == user_states.c.user_id)
        .where(_is_focal_point(), user_states.c.member_state_id.in_(ids))
        .order_by(User.id)
    ):
        found[state_id].append(person)
    return dict(found)


def is_focal_point_of(person: User | None, state_id: int) -> bool:
    return (
        person is not None
        and person.is_active
        and person.has_role(FOCAL_POINT)
        and state_id in person.member_state_ids
    )


def state_entries(state_id: int) -> list[PointOfContact]:
    """The active entries of a state, for the review page."""
    return list(
        db.session.scalars(
            sa.select(PointOfContact)
            .where(PointOfContact.member_state_id == state_id, PointOfContact.status == ACTIVE)
            .order_by(PointOfContact.name, PointOfContact.id)
        )
    )


def changed_since(state_id: int, since: datetime) -> int:
    """How many active entries of a state were changed after `since` (for the review page)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(PointOfContact.id)).where(
                PointOfContact.member_state_id == state_id,
                PointOfContact.status == ACTIVE,
                PointOfContact.updated_at > since,
            )
        )
        or 0
    )
