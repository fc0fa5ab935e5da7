"""Queuing Celery tasks: by name, and after the current transaction commits.

A layer names the task it wants run (`"tasks.mail.deliver_outbox_messages"`) instead of
importing it, so `webapp/core` and the parts never import `tasks/`. A task queued from a
transaction is published only once that transaction commits (the worker must find the
rows it is given) and forgotten if it rolls back.

A broker that is down must not hold a request: each publish is one short attempt, and
after one fails the next ones are skipped for `BROKER_DOWN_SECONDS` (logged once). The
work is not lost: the outbox sweep re-queues mail rows, the import sweep re-queues import
jobs left waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from weakref import WeakKeyDictionary

from flask import current_app
from kombu.exceptions import KombuError
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from webapp.extensions import db

log = logging.getLogger(__name__)

_PENDING_KEY = "puerto.jobs.after_commit"
_UNSENT_KEY = "puerto.jobs.unsent"
# After a failed publish, how long this process stops trying that broker.
BROKER_DOWN_SECONDS = 5.0
_down_until: WeakKeyDictionary[object, float] = WeakKeyDictionary()
# What a broker that cannot be reached raises: kombu wraps most transports' errors; a
# refused socket or an unwritable queue folder is an OSError; redis-py raises its own.
BROKER_ERRORS = (KombuError, OSError, RedisError)


def broker_known_down() -> bool:
    return time.monotonic() < _down_until.get(current_app.extensions["celery"], 0.0)


def queue(task_name: str, *args: object) -> bool:
    """Publish one task now, in one short attempt. False (logged) when the broker is down
    or was found down a moment ago."""
    if broker_known_down():
        return False
    celery = current_app.extensions["celery"]
    if task_name not in celery.tasks:
        celery.loader.import_default_modules()  # the `imports` setting names the modules
    try:
        celery.tasks[task_name].apply_async(args, retry=False)
    except BROKER_ERRORS:  # the caller's change stands, the task waits for the sweep
        _down_until[celery] = time.monotonic() + BROKER_DOWN_SECONDS
        log.warning("could not queue %s; the broker seems down", task_name, exc_info=True)
        return False
    except Exception:
        # Not the broker: run eagerly (tests, or no worker configured) the task itself
        # failed. Logged, and the broker is not taken for down, so later tasks still go.
        log.exception("task %s failed when queued", task_name)
        return False
    return True


def queue_all(calls: Sequence[tuple[str, tuple[object, ...]]]) -> list[int]:
    """Publish tasks in order; after the first failure, skip the rest. Returns the
    positions in `calls` that were not queued."""
    for position, (task_name, args) in enumerate(calls):
        if not queue(task_name, *args):
            unsent = list(range(position, len(calls)))
            if len(unsent) > 1:
                log.warning("broker down: %d more tasks left for later", len(unsent) - 1)
            return unsent
    return []


def _session(session: Session | scoped_session | None) -> Session | scoped_session:
    return session if session is not None else db.session


def queue_after_commit(task_name: str, *args: object, session: Session | None = None) -> None:
    """Publish `task_name(*args)` once the current transaction commits; nothing if it
    rolls back."""
    _session(session).info.setdefault(_PENDING_KEY, []).append((task_name, args))


def not_queued(session: Session | None = None) -> list[str]:
    """The names of the tasks the last commit could not queue (the broker was down)."""
    return list(_session(session).info.get(_UNSENT_KEY, []))


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    calls = session.info.pop(_PENDING_KEY, None)
    session.info.pop(_UNSENT_KEY, None)
    if calls:
        unsent = queue_all(calls)
        if unsent:
            session.info[_UNSENT_KEY] = [calls[i][0] for i in unsent]


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING_KEY, None)
