"""Reading the audit log across the platform: filters, paging, and who each actor is.

Every `Audited` model is found through the ORM registry, so a new part's records appear
here without this module importing it. A record belongs to a member state when it is
the state itself, has a `member_state_id`, or (accounts) is tied to the state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import User, user_states
from webapp.core import paging
from webapp.core.audit import CREATE, DELETE, REVERT, UPDATE, Audited, AuditEntry
from webapp.core.i18n import datetime_with_zone, day
from webapp.core.reference import MemberState
from webapp.core.timezones import to_utc
from webapp.extensions import db

PAGE_SIZE = 50

ACTION_LABELS = {
    CREATE: _l("Created"),
    UPDATE: _l("Changed"),
    DELETE: _l("Deleted"),
    REVERT: _l("Reverted"),
}


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def shown_value(value: object) -> str:
    """A recorded value as the page shows it: a date (kept in the log as ISO text) in the
    site's date style, like every other date on the page."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            if ISO_DAY.fullmatch(value):
                return day(date.fromisoformat(value))
            if ISO_INSTANT.match(value):
                instant = datetime.fromisoformat(value)
                if instant.tzinfo is None:
                    instant = instant.replace(tzinfo=UTC)  # stored in UTC
                return datetime_with_zone(instant, "short")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(shown_value(v) for v in value)
    return str(value)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@dataclass(frozen=True)
class Filters:
    actor_id: int | None = None
    entity_type: str | None = None
    member_state_id: int | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class Page(paging.Page):
    """One page of entries (`items`), newest first, with the names of the people who acted."""

    actor_names: dict[int, str] = field(default_factory=dict)


def audited_models() -> dict[str, type]:
    """Every audited model by the name the log records it under."""
    return {
        mapper.class_.__name__: mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Audited)
    }


def kind_label(entity_type: str) -> str:
    """A record kind in words: the model's `__audit_label__`, else its name spelled out."""
    model = audited_models().get(entity_type)
    label = getattr(model, "__audit_label__", None)
    if label is not None:
        return str(label)
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", entity_type).lower()
    return words[:1].upper() + words[1:]


def kinds() -> list[tuple[str, str]]:
    """(entity_type, label) for every audited kind, by label."""
    return sorted(((name, kind_label(name)) for name in audited_models()), key=lambda k: k[1])


def actors() -> list[User]:
    """The accounts that appear in the log as having changed something, by name."""
    acted = sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(acted))
            .order_by(sa.func.lower(User.name), User.email)
            .options(sa.orm.lazyload("*"))
        )
    )


def _of_state(state_id: int) -> sa.ColumnElement[bool]:
    """Entries about records that belong to the member state."""
    conditions = [
        sa.and_(AuditEntry.entity_type == MemberState.__name__, AuditEntry.entity_id == state_id),
        sa.and_(
            AuditEntry.entity_type == User.__name__,
            AuditEntry.entity_id.in_(
                sa.select(user_states.c.user_id).where(user_states.c.member_state_id == state_id)
            ),
        ),
    ]
    for name, model in audited_models().items():
        column = getattr(model, "member_state_id", None)
        if column is not None and hasattr(column, "in_"):
            conditions.append(
                sa.and_(
                    AuditEntry.entity_type == name,
                    AuditEntry.entity_id.in_(sa.select(model.id).where(column == state_id)),
                )
            )
    return sa.or_(*conditions)


def _day_start(day: date, zone: str) -> datetime:
    return to_utc(datetime.combine(day, time()), zone)


def entries(filters: Filters, page: int, zone: str) -> Page:
    """A page of the log, newest first; dates are whole days in the viewer's `zone`.
    Three queries whatever the page holds: the count, the entries, the actors' names."""
    query = sa.select(AuditEntry)
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.member_state_id is not None:
        query = query.where(_of_state(filters.member_state_id))
    if filters.since:
        query = query.where(AuditEntry.at >= _day_start(filters.since, zone))
    if filters.until:
        query = query.where(AuditEntry.at < _day_start(filters.until + timedelta(days=1), zone))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    page = min(page, paging.page_count(total, PAGE_SIZE))
    rows = list(
        db.session.scalars(
            query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(rows, page, PAGE_SIZE, total, actor_names=actor_names(rows))


def actor_names(rows: list[AuditEntry]) -> dict[int, str]:
    """The names of the people who made these entries, in one query (any history page
    shows people by name with `actor_name(entry, names)`)."""
    ids = {row.actor_id for row in rows if row.actor_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def actor_name(entry: AuditEntry, names: dict[int, str]) -> str:
    """The person by name; the recorded label (a command, "system") when not a person."""
    if entry.actor_id is not None and names.get(entry.actor_id):
        return names[entry.actor_id]
    return entry.actor_label
