"""The audit log: who changed what, when, with old and new values. Append-only.

A model opts in by inheriting `Audited` and naming its audited fields in
`__audit_fields__`. A flush listener writes one `AuditEntry` per created, changed or
deleted object, holding every changed field as `{field: [old, new]}`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ColumnProperty, Mapped, Mapper, Session, mapped_column

from webapp.core.timezones import UTCDateTime, utcnow
from webapp.extensions import db

CREATE, UPDATE, DELETE, REVERT = "create", "update", "delete", "revert"

# Set by a service around a change, e.g. `with audit_action("revert"): ...`.
_action_override: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_action", default=None
)
# Who acts outside a request (a CLI command, a task, a signed link's holder).
_actor_override: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar(
    "audit_actor", default=None
)


class AppendOnlyError(RuntimeError):
    pass


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(320), default="system")
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(20))
    changes: Mapped[dict[str, list[Any]]] = mapped_column(sa.JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.entity_type}:{self.entity_id} {self.action}>"


class Audited:
    """Mixin for audited models: list the audited column attributes."""

    __audit_fields__: ClassVar[tuple[str, ...]] = ()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if hasattr(value, "__mapper__"):  # a related object in a collection: recorded by its id
        return inspect(value).mapper.primary_key_from_instance(value)[0]
    return value


@contextmanager
def audit_action(action: str) -> Iterator[None]:
    token = _action_override.set(action)
    try:
        yield
    finally:
        _action_override.reset(token)


@contextmanager
def acting_as(actor_id: int | None, label: str) -> Iterator[None]:
    token = _actor_override.set((actor_id, label))
    try:
        yield
    finally:
        _actor_override.reset(token)


def current_actor() -> tuple[int | None, str]:
    override = _actor_override.get()
    if override is not None:
        return override
    try:
        from flask import has_request_context
        from flask_login import current_user

        if has_request_context() and current_user.is_authenticated:
            return current_user.id, current_user.email
    except RuntimeError:
        pass
    return None, "system"


def _changes(obj: Audited, created: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for name in obj.__audit_fields__:
        history = state.attrs[name].history
        if created:
            value = getattr(obj, name)
            if value not in (None, "", [], ()):
                changes[name] = [None, _jsonable(value)]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            if name in _collection_names(obj):
                old = _jsonable(list(history.unchanged) + list(history.deleted))
                new = _jsonable(getattr(obj, name))
            else:
                old = _jsonable(old)
                new = _jsonable(getattr(obj, name))
            if old != new:
                changes[name] = [old, new]
    return changes


def _collection_names(obj: Audited) -> set[str]:
    return {r.key for r in inspect(type(obj)).relationships if r.uselist}


def audited_value(obj: Audited, name: str) -> Any:
    """The value of a field as the audit log records it (for collections: sorted labels)."""
    return _jsonable(getattr(obj, name))


def _keep_old_value(target: object, value: Any, oldvalue: Any, initiator: object) -> Any:
    return value


@event.listens_for(Mapper, "mapper_configured")
def _load_old_values(mapper: Mapper, class_: type) -> None:
    """Audited columns load their old value before a change, so an attribute expired by
    a commit still records what it was (not None)."""
    if not issubclass(class_, Audited):
        return
    for name in class_.__audit_fields__:
        if isinstance(mapper.attrs.get(name), ColumnProperty):
            event.listen(getattr(class_, name), "set", _keep_old_value, active_history=True)


@event.listens_for(Session, "before_flush")
def _record_changes(session: Session, flush_context: object, instances: object) -> None:
    actor_id, actor_label = current_actor()
    override = _action_override.get()
    pending: list[tuple[Audited, str, dict[str, list[Any]]]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append((obj, CREATE, _changes(obj, created=True)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj):
            changes = _changes(obj, created=False)
            if changes:
                pending.append((obj, override or UPDATE, changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append((obj, DELETE, {}))
    if not pending:
        return
    session.info.setdefault("puerto.audit.pending", []).extend(
        (obj, action, changes, actor_id, actor_label) for obj, action, changes in pending
    )


@event.listens_for(Session, "after_flush")
def _write_entries(session: Session, flush_context: object) -> None:
    pending = session.info.pop("puerto.audit.pending", None)
    if not pending:
        return
    # Ids exist now, for new objects too; insert with Core so no second flush is needed.
    rows = [
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "entity_type": type(obj).__name__,
            "entity_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
            "action": action,
            "changes": changes,
        }
        for obj, action, changes, actor_id, actor_label in pending
    ]
    session.connection().execute(sa.insert(AuditEntry.__table__), rows)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewrite(mapper: object, connection: object, target: AuditEntry) -> None:
    raise AppendOnlyError("the audit log is append-only")


def history(entity_type: str, entity_id: int) -> list[AuditEntry]:
    """Entries for one object, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
    )
