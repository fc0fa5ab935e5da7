"""Locks that keep a periodic task from overlapping with itself.

Held in the database, so they work the same with the filesystem queue and with Redis, and
across worker machines. A lock expires on its own, so a killed worker cannot hold it
forever."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.timezones import UTCDateTime, utcnow
from webapp.extensions import db


class TaskLock(db.Model):
    __tablename__ = "task_locks"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    owner: Mapped[str | None] = mapped_column(sa.String(64))
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime())


def acquire(name: str, seconds: int) -> str | None:
    """Take the lock for `seconds`; return an owner token, or None if someone holds it."""
    owner = uuid.uuid4().hex
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    taken = db.session.execute(
        sa.update(TaskLock)
        .where(TaskLock.name == name, TaskLock.locked_until < now)
        .values(owner=owner, locked_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        try:
            with db.session.begin_nested():
                db.session.add(TaskLock(name=name, owner=owner, locked_until=until))
        except IntegrityError:
            db.session.rollback()
            return None
    db.session.commit()
    return owner


def release(name: str, owner: str) -> None:
    db.session.execute(
        sa.update(TaskLock)
        .where(TaskLock.name == name, TaskLock.owner == owner)
        .values(owner=None, locked_until=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@contextmanager
def single_run(name: str, seconds: int) -> Iterator[bool]:
    """`with single_run("outbox-sweep", 300) as mine: if mine: ...`"""
    owner = acquire(name, seconds)
    try:
        yield owner is not None
    finally:
        if owner is not None:
            db.session.rollback()
            release(name, owner)
