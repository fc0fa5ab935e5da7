"""Queuing tasks after commit (core.jobs): by name, once committed, and never holding a
request for long when the broker is down."""

from __future__ import annotations

import time

import sqlalchemy as sa

from webapp.core import jobs, outbox
from webapp.core.outbox import Email, OutboxMessage
from webapp.extensions import db


def email(n: int) -> Email:
    return Email(
        kind="test",
        recipient=f"officer{n}@example.org",
        subject="Subject",
        body_text="Text",
        idempotency_key=f"test:{n}",
    )


def pending() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.status == outbox.PENDING)
    )


def test_a_task_queued_in_a_transaction_runs_only_after_commit(app):
    message_id = outbox.enqueue(email(1))
    assert pending() == 1  # not delivered while the transaction is open
    db.session.commit()
    assert db.session.get(OutboxMessage, message_id).status == outbox.SENT


def test_a_task_queued_in_a_transaction_that_rolls_back_is_forgotten(app):
    jobs.queue_after_commit("tasks.directory_import.run_directory_import", 999)
    db.session.rollback()
    db.session.commit()
    assert jobs.not_queued() == []


def test_with_the_broker_down_a_commit_of_a_thousand_messages_returns_quickly(app, broker_down):
    for n in range(1000):
        outbox.enqueue(email(n))
    started = time.monotonic()
    db.session.commit()
    elapsed = time.monotonic() - started
    # One short publish attempt, not one per batch of 25 (forty of them took ~28 s).
    assert elapsed < 3, f"the commit waited {elapsed:.1f} s on a broker that is down"
    assert pending() == 1000  # kept for the sweep
    assert jobs.not_queued() == [outbox.DELIVER_TASK] * 40


def test_with_the_broker_down_the_next_commit_does_not_wait_either(app, broker_down):
    outbox.enqueue(email(1))
    db.session.commit()
    outbox.enqueue(email(2))
    started = time.monotonic()
    db.session.commit()
    assert time.monotonic() - started < 0.5
    assert pending() == 2


def test_a_task_that_fails_when_run_eagerly_does_not_take_the_broker_for_down(app):
    # Run eagerly (tests; no worker), a task's own error surfaces while queuing it. That
    # is not the broker failing: the next task must still be queued, not skipped.
    celery = app.extensions["celery"]
    ran = []
    # Not shared: a shared task joins every Celery app made later in this process (mutmut
    # runs the suite twice in one), where registering it again is a duplicate name.

    @celery.task(name="tests.jobs.fails", shared=False)
    def fails() -> None:
        raise ValueError("the task's own bug")

    @celery.task(name="tests.jobs.works", shared=False)
    def works() -> None:
        ran.append(True)

    assert jobs.queue("tests.jobs.fails") is False
    assert not jobs.broker_known_down()
    assert jobs.queue("tests.jobs.works") is True
    assert ran == [True]
