"""The outbox's delivery rules: which rows a worker may claim, how long it holds them, how
temporary failures are retried, what the sweep re-queues, and an admin's retry."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from celery.signals import before_task_publish

from tasks.mail import deliver_outbox_messages
from webapp.core import outbox
from webapp.core.outbox import Attachment, Email, OutboxMessage
from webapp.core.timezones import utcnow
from webapp.extensions import db


def email(key: str) -> Email:
    return Email(
        kind="test",
        recipient="officer@example.org",
        subject=f"Message {key}",
        body_text="Hello",
        idempotency_key=key,
    )


def write_lost(*keys: str) -> list[int]:
    """Rows whose delivery tasks never reach a worker (a broker that lost them)."""
    ids = [outbox.enqueue(email(key)) for key in keys]
    db.session.info.pop(outbox._DISPATCH_KEY, None)
    db.session.commit()
    return ids


def set_row(message_id: int, **values: object) -> None:
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
    )
    db.session.commit()


def row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def subjects(smtp_server) -> list[str]:
    return sorted(r.message["Subject"] for r in smtp_server.received)


@pytest.fixture()
def published(app) -> Iterator[list[tuple[list[int], datetime | None]]]:
    """Delivery tasks published to the real broker instead of run eagerly, as
    (message ids, eta) in the order they were published."""
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = False
    seen: list[tuple[list[int], datetime | None]] = []

    def record(sender: str | None = None, body=None, headers=None, **_kwargs) -> None:
        if sender == deliver_outbox_messages.name:
            eta = (headers or {}).get("eta")
            seen.append((list(body[0][0]), datetime.fromisoformat(eta) if eta else None))

    before_task_publish.connect(record, weak=False)
    try:
        yield seen
    finally:
        before_task_publish.disconnect(record)
        celery.control.purge()
        celery.conf.task_always_eager = True


# Claims


def test_a_delivery_task_claims_and_sends_only_the_rows_of_its_own_batch(app, smtp_server):
    first, second, third = write_lost("a", "b", "c")
    outcomes = outbox.deliver_batch([first, second])
    assert {k: o.status for k, o in outcomes.items()} == {first: "sent", second: "sent"}
    assert subjects(smtp_server) == ["Message a", "Message b"]
    assert row(third).status == outbox.PENDING
    assert row(third).attempts == 0


@pytest.mark.parametrize("status", [outbox.SENT, outbox.FAILED])
def test_a_sent_or_failed_row_is_never_claimed_again_however_old_its_claim(
    app, smtp_server, status
):
    [message_id] = write_lost("done")
    long_ago = utcnow() - timedelta(days=30)
    set_row(message_id, status=status, claimed_at=long_ago, next_attempt_at=long_ago)
    assert outbox.deliver(message_id).status == "skipped"
    assert row(message_id).status == status
    assert row(message_id).attempts == 0
    assert smtp_server.received == []


def test_a_row_held_by_a_live_claim_is_left_to_the_worker_holding_it(app, smtp_server):
    app.config["MAIL_CLAIM_SECONDS"] = 90
    [message_id] = write_lost("in-flight")
    claimed = utcnow() - timedelta(seconds=80)
    set_row(message_id, status=outbox.SENDING, claimed_at=claimed, attempts=1)
    assert outbox.deliver(message_id).status == "skipped"
    assert (row(message_id).status, row(message_id).claimed_at) == (outbox.SENDING, claimed)
    assert smtp_server.received == []


def test_a_row_whose_claim_lapsed_is_claimed_and_sent_by_another_worker(app, smtp_server):
    app.config["MAIL_CLAIM_SECONDS"] = 90
    [message_id] = write_lost("lapsed")
    set_row(
        message_id,
        status=outbox.SENDING,
        claimed_at=utcnow() - timedelta(seconds=100),
        attempts=1,
    )
    assert outbox.deliver(message_id).status == "sent"
    assert (row(message_id).status, row(message_id).attempts) == (outbox.SENT, 2)
    assert subjects(smtp_server) == ["Message lapsed"]


def test_a_claim_records_when_it_was_made_and_counts_the_attempt(app, smtp_server):
    [message_id] = write_lost("stamped")
    before = utcnow()
    outbox.deliver(message_id)
    message = row(message_id)
    assert before <= message.claimed_at <= message.sent_at <= utcnow()
    assert message.attempts == 1


def deliver_in_thread(app, message_ids: list[int], results: list) -> threading.Thread:
    def work() -> None:
        with app.app_context():
            try:
                results.append(outbox.deliver_batch(message_ids))
            finally:
                db.session.remove()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def wait_for_status(message_id: int, status: str, timeout: float = 20.0) -> None:
    deadline = utcnow() + timedelta(seconds=timeout)
    while row(message_id).status != status:
        assert utcnow() < deadline, f"row {message_id} never became {status}"
        threading.Event().wait(0.02)


def test_a_worker_keeps_its_rows_while_a_batch_takes_longer_than_the_claim(app, smtp_server):
    # Each message takes 0.6 s, the claim lasts 1 s, the batch 2.4 s: renewed after each
    # message, the claim never lapses, so another worker trying all along gets nothing.
    app.config["MAIL_CLAIM_SECONDS"] = 1
    smtp_server.slow_down(0.6)
    ids = write_lost("r1", "r2", "r3", "r4")
    results: list = []
    first = deliver_in_thread(app, ids, results)
    wait_for_status(ids[0], outbox.SENDING)
    stolen, last_row_claims = [], set()
    while first.is_alive():
        stolen += [k for k, o in outbox.deliver_batch(ids).items() if o.status != "skipped"]
        if row(ids[3]).status == outbox.SENDING:
            last_row_claims.add(row(ids[3]).claimed_at)
        threading.Event().wait(0.05)
    first.join()
    assert stolen == []
    assert None not in last_row_claims
    assert len(last_row_claims) >= 2  # renewed while the batch went on
    assert [o.status for o in results[0].values()] == ["sent"] * 4
    assert subjects(smtp_server) == ["Message r1", "Message r2", "Message r3", "Message r4"]


def test_a_row_reclaimed_after_a_lapsed_claim_is_left_to_the_worker_that_took_it(app, smtp_server):
    # The first message takes longer than the claim: another worker takes the second row
    # meanwhile. The slow worker, finding its claim on that row gone, leaves it, and goes
    # on with the third, which nobody took.
    app.config["MAIL_CLAIM_SECONDS"] = 1
    smtp_server.slow_down(1.5)
    ids = write_lost("s1", "s2", "s3")
    slow: list = []
    thread = deliver_in_thread(app, ids, slow)
    wait_for_status(ids[0], outbox.SENDING)
    while (taken := outbox.deliver_batch([ids[1]]))[ids[1]].status == "skipped":
        threading.Event().wait(0.05)
    thread.join()
    assert {k: o.status for k, o in slow[0].items()} == {
        ids[0]: "sent",
        ids[1]: "skipped",
        ids[2]: "sent",
    }
    assert taken[ids[1]].status == "sent"
    assert subjects(smtp_server) == ["Message s1", "Message s2", "Message s3"]


def test_a_calendar_method_without_its_content_is_refused(app):
    with pytest.raises(ValueError, match="calendar content"):
        outbox.enqueue(Email(**{**email("no-ics").__dict__, "calendar_method": "REQUEST"}))


def test_the_envelope_sender_is_the_configured_from_address(app, smtp_server):
    app.config["MAIL_FROM"] = "Secretariat <secretariat@example.org>"
    [message_id] = write_lost("envelope")
    outbox.deliver(message_id)
    [received] = smtp_server.received
    assert received.mail_from == "secretariat@example.org"
    assert received.recipients == ["officer@example.org"]


@pytest.mark.parametrize("attached", [False, True])  # plain: bytes written directly
def test_a_delivered_message_says_it_is_from_the_configured_address(app, smtp_server, attached):
    app.config["MAIL_FROM"] = "Secretariat <secretariat@example.org>"
    attachments = [Attachment("list.csv", "text/csv", b"a,b\r\n")] if attached else []
    message_id = outbox.enqueue(Email(**{**email("from").__dict__, "attachments": attachments}))
    db.session.info.pop(outbox._DISPATCH_KEY, None)
    db.session.commit()
    outbox.deliver(message_id)
    [received] = smtp_server.received
    assert received.message["From"] == "Secretariat <secretariat@example.org>"
    assert received.message["Message-ID"].endswith("@example.org>")
    assert received.message.is_multipart() == attached


def test_a_permanent_failure_is_reported_failed_and_not_retried(app, smtp_server, published):
    smtp_server.fail_next("550 5.1.1 User unknown")
    [message_id] = write_lost("refused")
    deliver = app.extensions["celery"].tasks[deliver_outbox_messages.name]
    assert deliver.apply(args=[[message_id]]).get() == {message_id: "failed"}
    assert published == []
    assert row(message_id).status == outbox.FAILED


# Temporary failures


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (10, 15360), (11, 21600), (30, 21600)],
)
def test_the_retry_delay_doubles_with_each_attempt_up_to_six_hours(app, attempts, delay):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 30
    assert outbox.retry_delay(attempts) == delay


def test_a_temporary_failure_is_retried_by_celery_after_a_delay_that_grows(
    app, smtp_server, published
):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 30
    smtp_server.fail_next("451 first", "451 second", "451 third")
    [message_id] = write_lost("greylisted")
    deliver = app.extensions["celery"].tasks[deliver_outbox_messages.name]
    waits = []
    for _attempt in range(3):
        before = utcnow()
        deliver.apply(args=[[message_id]])
        ids, eta = published[-1]
        assert ids == [message_id]
        waits.append(round((eta - before).total_seconds()))
        message = row(message_id)
        assert message.status == outbox.PENDING
        assert abs((message.next_attempt_at - eta).total_seconds()) < 1
        set_row(message_id, next_attempt_at=utcnow())  # the delay has passed
    assert waits == [30, 60, 120]
    assert smtp_server.received == []


def test_a_row_retried_later_is_claimable_once_its_delay_has_passed(app, smtp_server):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 30
    smtp_server.fail_next("451 try later")
    [message_id] = write_lost("later")
    assert outbox.deliver(message_id) == outbox.Outcome("retry", 30)
    assert row(message_id).claimed_at is None
    assert outbox.deliver(message_id).status == "skipped"
    set_row(message_id, next_attempt_at=utcnow() - timedelta(seconds=1))
    assert outbox.deliver(message_id).status == "sent"
    assert (row(message_id).attempts, row(message_id).last_error) == (2, None)


def test_the_last_allowed_attempt_fails_the_row_for_good(app, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    [message_id] = write_lost("last")
    set_row(message_id, attempts=2)
    smtp_server.fail_next("451 still busy")
    assert outbox.deliver(message_id).status == "failed"
    assert (row(message_id).status, row(message_id).last_error) == (
        outbox.FAILED,
        "451 still busy",
    )


def test_an_attempt_before_the_last_is_retried(app, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    [message_id] = write_lost("not-last")
    set_row(message_id, attempts=1)
    smtp_server.fail_next("451 still busy")
    assert outbox.deliver(message_id).status == "retry"
    assert row(message_id).status == outbox.PENDING


@pytest.mark.parametrize("code", ["550", "451"])
def test_a_long_error_is_kept_cut_to_two_thousand_characters(app, smtp_server, code):
    smtp_server.fail_next(f"{code} " + "x" * 3000)
    [message_id] = write_lost("long-error")
    outbox.deliver(message_id)
    assert row(message_id).last_error == f"{code} " + "x" * 1996


# Large dispatches


def test_every_row_of_a_large_dispatch_is_queued_in_batches(app, published):
    keys = [f"many-{n}" for n in range(120)]
    ids = [outbox.enqueue(email(key)) for key in keys]
    db.session.commit()
    batches = [batch for batch, _eta in published]
    assert sorted(i for batch in batches for i in batch) == sorted(ids)
    assert max(len(batch) for batch in batches) == outbox.DISPATCH_BATCH
    assert len(batches) == 5


def test_every_row_of_a_large_dispatch_is_delivered(app, smtp_server):
    keys = [f"many-{n}" for n in range(120)]
    for key in keys:
        outbox.enqueue(email(key))
    db.session.commit()
    assert len(smtp_server.wait_for(120)) == 120
    assert subjects(smtp_server) == sorted(f"Message {key}" for key in keys)
    statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
    assert statuses == [outbox.SENT] * 120


# The sweep


def test_the_sweep_requeues_only_due_or_lapsed_rows(app, published):
    app.config["MAIL_CLAIM_SECONDS"] = 90
    now = utcnow()
    long_ago = now - timedelta(days=2)
    due, lapsed, sent, failed, in_flight, later, fresh = write_lost(
        "due", "lapsed", "sent", "failed", "in-flight", "later", "fresh"
    )
    set_row(due, next_attempt_at=now - timedelta(seconds=60))  # the grace period is over
    set_row(lapsed, status=outbox.SENDING, claimed_at=now - timedelta(seconds=90, microseconds=1))
    set_row(sent, status=outbox.SENT, claimed_at=long_ago, next_attempt_at=long_ago)
    set_row(failed, status=outbox.FAILED, claimed_at=long_ago, next_attempt_at=long_ago)
    set_row(in_flight, status=outbox.SENDING, claimed_at=now - timedelta(seconds=90))
    set_row(later, next_attempt_at=now + timedelta(minutes=5))
    set_row(fresh, next_attempt_at=now - timedelta(seconds=59))  # its task may be on its way
    assert outbox.sweep(now=now) == 2
    assert published == [([due, lapsed], None)]


def test_the_sweep_queues_at_most_its_limit_oldest_first(app, published):
    ids = write_lost("one", "two", "three")
    assert outbox.sweep(now=utcnow() + timedelta(minutes=5), limit=2) == 2
    assert published == [(ids[:2], None)]


# An admin's retry


def test_an_admins_retry_makes_a_failed_row_due_now_with_fresh_attempts(app, smtp_server):
    [message_id] = write_lost("failed")
    set_row(
        message_id,
        status=outbox.FAILED,
        attempts=8,
        claimed_at=utcnow() - timedelta(hours=1),
        next_attempt_at=utcnow() + timedelta(hours=5),
    )
    assert outbox.retry(message_id) is True
    db.session.flush()
    message = row(message_id)
    assert (message.status, message.attempts, message.claimed_at) == (outbox.PENDING, 0, None)
    assert message.next_attempt_at <= utcnow()


def test_an_admins_retry_is_delivered_after_commit(app, smtp_server):
    [message_id] = write_lost("retried")
    set_row(message_id, status=outbox.FAILED, attempts=8, last_error="550 no")
    outbox.retry(message_id)
    assert smtp_server.received == []
    db.session.commit()
    assert subjects(smtp_server) == ["Message retried"]
    assert (row(message_id).status, row(message_id).attempts) == (outbox.SENT, 1)


@pytest.mark.parametrize("status", [outbox.PENDING, outbox.SENDING, outbox.SENT])
def test_only_a_failed_row_can_be_retried(app, smtp_server, status):
    [message_id] = write_lost("not-failed")
    set_row(message_id, status=status, attempts=3)
    assert outbox.retry(message_id) is False
    db.session.commit()
    assert (row(message_id).status, row(message_id).attempts) == (status, 3)
    assert smtp_server.received == []


def test_retrying_a_row_that_does_not_exist_changes_nothing(app):
    assert outbox.retry(12345) is False
