"""A real Celery worker process consumes delivery tasks from the real broker (the
filesystem queue by default, Redis when `REDIS_URL`/`CELERY_BROKER_URL` is set) and the
mail reaches a real SMTP server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from webapp.core import outbox
from webapp.core.outbox import Email, OutboxMessage
from webapp.extensions import db

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def status_of(message_id: int) -> OutboxMessage:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def forget_tasks(celery: object) -> None:
    """Empty the queue, and on Redis also the tasks a killed worker had taken: Redis hands
    those out again an hour later (the visibility timeout), and their row ids, which
    restart at 1 in every test, would name this test's rows."""
    celery.control.purge()
    with celery.connection_for_write() as connection:
        if connection.transport.driver_type == "redis":
            client = connection.default_channel.client
            client.delete("unacked", "unacked_index", "unacked_mutex")


@pytest.fixture()
def broker(app) -> Iterator[object]:
    """The app publishes to the real broker (not eagerly) for the length of the test."""
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = False
    forget_tasks(celery)
    yield celery
    forget_tasks(celery)
    celery.conf.task_always_eager = True


@pytest.fixture()
def start_worker(app, broker, smtp_server, run_dir, database_url, tmp_path):
    """Starts `celery -A wsgi worker` with the test database, broker and SMTP server."""
    processes: list[subprocess.Popen] = []
    logs: list[object] = []

    def start(**settings: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "PUERTO_ENV": "development",
            "PUERTO_INSTANCE": str(run_dir),
            "DATABASE_URL": database_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_server.port),
            "MAIL_RETRY_BASE_SECONDS": "1",
            "SECRET_KEY": app.config["SECRET_KEY"],
            **settings,
        }
        log = (tmp_path / f"worker{len(processes)}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "wsgi",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-n",
                f"test{len(processes)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in logs:
        log.close()


def email(key: str) -> Email:
    return Email(
        kind="test",
        recipient="delegate@example.org",
        subject=f"Message {key}",
        body_text="Hello",
        idempotency_key=key,
    )


def test_a_worker_process_delivers_a_committed_message(app, start_worker, smtp_server):
    start_worker()
    message_id = outbox.enqueue(email("worker-delivers"))
    db.session.commit()
    [received] = smtp_server.wait_for(1, timeout=60)
    assert received.message["Subject"] == "Message worker-delivers"
    assert wait_until(lambda: status_of(message_id).status == outbox.SENT)
    assert status_of(message_id).transport == "smtp"


def test_the_sweep_delivers_a_message_whose_task_was_lost(app, broker, start_worker, smtp_server):
    message_id = outbox.enqueue(email("lost-task"))
    db.session.commit()
    broker.control.purge()  # the queued task is lost before any worker sees it
    assert status_of(message_id).status == outbox.PENDING
    start_worker()
    assert outbox.sweep(grace_seconds=0) == 1
    smtp_server.wait_for(1, timeout=60)
    assert wait_until(lambda: status_of(message_id).status == outbox.SENT)
    assert len(smtp_server.received) == 1


def test_a_temporary_then_permanent_smtp_error_retries_then_fails_with_the_reason(
    app, start_worker, smtp_server
):
    smtp_server.fail_next("451 4.3.0 Greylisted, try again", "550 5.1.1 User unknown")
    start_worker()
    message_id = outbox.enqueue(email("fails"))
    db.session.commit()
    assert wait_until(lambda: status_of(message_id).status == outbox.FAILED, timeout=60)
    message = status_of(message_id)
    assert message.attempts == 2
    assert message.last_error == "550 5.1.1 User unknown"
    assert smtp_server.received == []


def test_two_worker_processes_never_send_a_message_twice(app, broker, start_worker, smtp_server):
    keys = [f"race-{n}" for n in range(20)]
    for key in keys:
        outbox.enqueue(email(key))
    db.session.commit()
    # Every task queued twice, as a sweep racing the original dispatch would.
    outbox.dispatch(list(db.session.scalars(sa.select(OutboxMessage.id))))
    start_worker()
    start_worker()
    smtp_server.wait_for(len(keys), timeout=90)
    assert wait_until(
        lambda: (
            db.session.scalar(
                sa.select(sa.func.count()).where(OutboxMessage.status == outbox.SENT)
            )
            == len(keys)
        ),
        timeout=60,
    )
    time.sleep(1)
    subjects = [r.message["Subject"] for r in smtp_server.received]
    assert sorted(subjects) == sorted(f"Message {key}" for key in keys)


def worker_log(tmp_path: Path, number: int) -> str:
    return (tmp_path / f"worker{number}.log").read_text(errors="replace")


def sent_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == outbox.SENT))


def start_ready_workers(start_worker, tmp_path: Path, count: int, **settings: str) -> list:
    processes = [start_worker(**settings) for _ in range(count)]
    for number in range(count):
        assert wait_until(lambda n=number: "ready." in worker_log(tmp_path, n), timeout=90)
    return processes


def test_rows_of_a_worker_killed_mid_batch_are_sent_soon_after_and_once(
    app, start_worker, smtp_server, tmp_path
):
    claim = 6
    app.config["MAIL_CLAIM_SECONDS"] = claim
    [busy] = start_ready_workers(start_worker, tmp_path, 1, MAIL_CLAIM_SECONDS=str(claim))
    smtp_server.slow_down(1.0)
    keys = [f"killed-{n}" for n in range(20)]
    for key in keys:
        outbox.enqueue(email(key))
    db.session.commit()  # one task carries the whole batch ...
    assert wait_until(lambda: "deliver_outbox_messages[" in worker_log(tmp_path, 0), timeout=60)
    # ... to the only worker running; the second one, started now, is there to take over.
    # (Which of two running workers took the task cannot be told from their logs: a task
    # left on the broker by an earlier run can reach either.)
    start_worker(MAIL_CLAIM_SECONDS=str(claim))
    assert wait_until(lambda: "ready." in worker_log(tmp_path, 1), timeout=90)
    assert wait_until(lambda: sent_count() >= 3, timeout=90)
    assert sent_count() < len(keys)
    os.kill(busy.pid, signal.SIGKILL)  # while it waits to hand over the next one
    killed_at = time.monotonic()
    busy.wait(10)
    smtp_server.slow_down(0)

    def everything_sent() -> bool:
        outbox.sweep(grace_seconds=0)  # as beat does, every OUTBOX_SWEEP_SECONDS
        return sent_count() == len(keys)

    assert wait_until(everything_sent, timeout=claim + 60)
    recovered_in = time.monotonic() - killed_at
    assert claim - 2 < recovered_in < claim + 20
    time.sleep(1)
    subjects = [r.message["Subject"] for r in smtp_server.received]
    assert sorted(subjects) == sorted(f"Message {key}" for key in keys)


def test_live_workers_never_send_twice_while_a_batch_outlasts_the_claim(
    app, start_worker, smtp_server, tmp_path
):
    # Each message takes 1 s, the claim lasts 3 s and the batch 8 s; the sweep runs all the
    # time and the other worker is idle: the claim, renewed after each message, holds.
    app.config["MAIL_CLAIM_SECONDS"] = 3
    start_ready_workers(start_worker, tmp_path, 2, MAIL_CLAIM_SECONDS="3")
    smtp_server.slow_down(1.0)
    keys = [f"slow-{n}" for n in range(8)]
    for key in keys:
        outbox.enqueue(email(key))
    db.session.commit()

    def everything_sent() -> bool:
        outbox.sweep(grace_seconds=0)
        return sent_count() == len(keys)

    assert wait_until(everything_sent, timeout=120)
    time.sleep(2)
    subjects = [r.message["Subject"] for r in smtp_server.received]
    assert sorted(subjects) == sorted(f"Message {key}" for key in keys)
