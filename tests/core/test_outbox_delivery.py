"""How a delivery batch talks to the database and to SMTP: each result durable before the
next message is handed over, one statement per message, one SMTP connection."""

from __future__ import annotations

import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.core import outbox
from webapp.core.outbox import Email, OutboxMessage
from webapp.extensions import db


def write_lost(*keys: str) -> list[int]:
    """Rows whose delivery tasks never reach a worker: the test delivers them itself."""
    ids = [
        outbox.enqueue(
            Email(
                kind="test",
                recipient=f"{key}@example.org",
                subject=f"Message {key}",
                body_text="Hello",
                idempotency_key=key,
            )
        )
        for key in keys
    ]
    db.session.info.pop(outbox._DISPATCH_KEY, None)
    db.session.commit()
    return ids


def test_each_result_is_recorded_before_the_next_message_is_handed_over(app, smtp_server):
    # What a killed worker can leave unrecorded is the one message it was sending: when
    # the server is given a message's sender, every message it accepted before is marked
    # sent in the database, as another connection reads it.
    ids = write_lost("first", "second", "third", "fourth")
    engine = db.engine
    seen: list[tuple[int, list[str]]] = []

    def read_statuses(accepted: int) -> None:
        with engine.connect() as connection:
            statuses = dict(
                connection.execute(sa.select(OutboxMessage.id, OutboxMessage.status)).all()
            )
        seen.append((accepted, [statuses[i] for i in ids]))

    smtp_server.on_mail(read_statuses)
    outcomes = outbox.deliver_batch(ids)
    smtp_server.on_mail(None)
    assert [o.status for o in outcomes.values()] == ["sent"] * 4
    assert [accepted for accepted, _ in seen] == [0, 1, 2, 3]
    for accepted, statuses in seen:
        assert statuses[:accepted] == [outbox.SENT] * accepted
        assert statuses[accepted:] == [outbox.SENDING] * (len(ids) - accepted)


def statements_to_deliver(count: int, prefix: str) -> int:
    ids = write_lost(*(f"{prefix}-{n}" for n in range(count)))
    with count_queries() as counted:
        outcomes = outbox.deliver_batch(ids)
    assert [o.status for o in outcomes.values()] == ["sent"] * count
    return counted.count


def test_a_batch_costs_one_statement_per_message_and_three_for_the_batch(app, smtp_server):
    # The claim, the read of the rows and the read of their attachments, then one UPDATE
    # per message, whatever the batch size: no per-message read, ping or transaction.
    assert statements_to_deliver(2, "small") == 2 + 3
    assert statements_to_deliver(12, "large") == 12 + 3


def test_a_batch_is_sent_over_one_smtp_connection(app, smtp_server):
    outbox.deliver_batch(write_lost("one", "two", "three", "four", "five"))
    assert len(smtp_server.received) == 5
    assert smtp_server.connections == 1


def test_a_database_failure_while_recording_a_result_stops_the_batch(app, smtp_server):
    # A result that cannot be written is not passed over: the batch stops before sending
    # anything more, and its rows stay claimed for the sweep to retry once the claim lapses.
    ids = write_lost("kept-1", "kept-2", "kept-3")
    engine = db.engine

    def break_the_table(accepted: int) -> None:
        if accepted == 1:
            with engine.begin() as connection:
                connection.execute(sa.text("ALTER TABLE outbox_messages RENAME TO moved_away"))

    smtp_server.on_mail(break_the_table)
    try:
        raised = None
        try:
            outbox.deliver_batch(ids)
        except sa.exc.DBAPIError as error:
            raised = error
    finally:
        smtp_server.on_mail(None)
        db.session.rollback()
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE moved_away RENAME TO outbox_messages"))
    assert raised is not None
    assert [r.message["Subject"] for r in smtp_server.received] == [
        "Message kept-1",
        "Message kept-2",
    ]
    statuses = dict(db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.status)).all())
    assert [statuses[i] for i in ids] == [outbox.SENT, outbox.SENDING, outbox.SENDING]


def test_a_batch_gives_back_the_database_connection_it_held_for_its_results(app, smtp_server):
    # A worker delivers batch after batch: one that kept its connection would soon take
    # every connection of the pool. Each is back in the pool as soon as its batch returns.
    pool = db.engine.pool
    for batch in range(3):
        ids = write_lost(f"batch-{batch}-a", f"batch-{batch}-b")
        before = pool.checkedout()
        outcomes = outbox.deliver_batch(ids)
        assert [o.status for o in outcomes.values()] == ["sent", "sent"]
        assert pool.checkedout() == before
