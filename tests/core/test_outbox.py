"""The outbox: one row per recipient, written with the change, delivered after commit."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from webapp.core import outbox
from webapp.core.outbox import Attachment, Email, OutboxMessage
from webapp.core.timezones import utcnow
from webapp.extensions import db

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Puerto//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1@puerto\r\nDTSTAMP:20261129T120000Z\r\n"
    "DTSTART:20270115T150000Z\r\nSEQUENCE:0\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def email(key: str = "test:1", **fields: object) -> Email:
    values = {
        "kind": "test",
        "recipient": "officer@example.org",
        "subject": "Reunión de puntos de contacto",
        "body_text": "Texto con acentos: áéíóú",
        "body_html": "<p>Texto con <b>acentos</b>: áéíóú</p>",
        "idempotency_key": key,
        "language": "es",
    }
    values.update(fields)
    return Email(**values)


def enqueue_lost(message: Email) -> int:
    """Write a row whose delivery task never reaches a worker (a broker that lost it)."""
    message_id = outbox.enqueue(message)
    db.session.info[outbox._DISPATCH_KEY].remove(message_id)
    return message_id


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_row_written_in_a_transaction_that_rolls_back_is_never_sent(app):
    outbox.enqueue(email())
    db.session.rollback()
    assert messages() == []


def test_a_second_write_with_the_same_key_is_a_no_op(app):
    first = outbox.enqueue(email("invite:7"))
    second = outbox.enqueue(email("invite:7", subject="Another subject"))
    db.session.commit()
    assert first is not None
    assert second is None
    assert [m.subject for m in messages()] == ["Reunión de puntos de contacto"]


def test_the_same_key_in_a_later_transaction_is_still_a_no_op(app):
    outbox.enqueue(email("invite:8"))
    db.session.commit()
    assert outbox.enqueue(email("invite:8")) is None
    db.session.commit()
    assert len(messages()) == 1


def test_without_smtp_the_message_is_kept_in_the_outbox_after_commit(app):
    outbox.enqueue(email())
    db.session.commit()
    [message] = messages()
    assert message.status == outbox.SENT
    assert message.transport == "kept"
    assert message.attempts == 1


def test_after_commit_the_message_reaches_the_smtp_server(app, smtp_server):
    outbox.enqueue(email(reply_to="organizer@example.org"))
    db.session.commit()
    [received] = smtp_server.wait_for(1)
    mime = received.message
    assert received.recipients == ["officer@example.org"]
    assert mime["Subject"] == "Reunión de puntos de contacto"
    assert mime["Reply-To"] == "organizer@example.org"
    assert mime.get_content_type() == "multipart/alternative"
    assert mime.get_body(("plain",)).get_content().strip() == "Texto con acentos: áéíóú"
    assert "<b>acentos</b>" in mime.get_body(("html",)).get_content()
    [message] = messages()
    assert (message.status, message.transport) == (outbox.SENT, "smtp")


def test_a_calendar_message_is_imip_with_an_inline_part_and_an_ics_attachment(app, smtp_server):
    outbox.enqueue(email(calendar_method="REQUEST", calendar_content=CALENDAR))
    db.session.commit()
    [received] = smtp_server.wait_for(1)
    mime = received.message
    assert mime.get_content_type() == "multipart/mixed"
    alternative, attachment = mime.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar = alternative.get_payload()[2]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get("Content-Disposition") is None
    assert calendar.get_content() == CALENDAR
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode() == CALENDAR
    calendar_parts = [p for p in mime.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendar_parts) == 1


def test_attachments_travel_with_the_message(app, smtp_server):
    outbox.enqueue(
        email(attachments=[Attachment("letter.pdf", "application/pdf", b"%PDF-1.7 test")])
    )
    db.session.commit()
    [received] = smtp_server.wait_for(1)
    [part] = list(received.message.iter_attachments())
    assert part.get_filename() == "letter.pdf"
    assert part.get_content() == b"%PDF-1.7 test"


def test_many_messages_written_at_once_each_travel_with_their_own_attachments(app, smtp_server):
    letters = [
        email(f"many:{n}", recipient=f"officer{n}@example.org", attachments=attached)
        for n, attached in enumerate(
            [
                [Attachment("letter-0.pdf", "application/pdf", b"%PDF-1.7 zero")],
                [],
                [Attachment("letter-2.pdf", "application/pdf", b"%PDF-1.7 two")],
            ]
        )
    ]
    written = outbox.enqueue_many(letters)
    db.session.commit()
    assert sorted(written) == ["many:0", "many:1", "many:2"]
    received = {r.recipients[0]: r.message for r in smtp_server.wait_for(3)}
    assert [
        [(p.get_filename(), p.get_content()) for p in received[e.recipient].iter_attachments()]
        for e in letters
    ] == [[("letter-0.pdf", b"%PDF-1.7 zero")], [], [("letter-2.pdf", b"%PDF-1.7 two")]]


def test_a_temporary_failure_leaves_the_row_pending_with_the_reason(app, smtp_server):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 60
    smtp_server.fail_next("451 4.3.0 Mailbox temporarily unavailable")
    message_id = outbox.enqueue(email())
    db.session.commit()
    [message] = messages()
    assert message.status == outbox.PENDING
    assert message.attempts == 1
    assert "451" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert outbox.deliver(message_id).status == "skipped"  # not due yet


def test_a_temporary_failure_is_retried_until_it_is_sent(app, smtp_server):
    smtp_server.fail_next("451 4.3.0 Try again later", "421 4.7.0 Busy")
    outbox.enqueue(email())
    db.session.commit()
    smtp_server.wait_for(1)
    [message] = messages()
    assert message.status == outbox.SENT
    assert message.attempts == 3
    assert message.last_error is None


def test_a_permanent_failure_marks_the_row_failed_with_the_reason(app, smtp_server):
    smtp_server.fail_next("550 5.1.1 No such user here")
    outbox.enqueue(email())
    db.session.commit()
    [message] = messages()
    assert message.status == outbox.FAILED
    assert message.last_error == "550 5.1.1 No such user here"
    assert smtp_server.received == []


def test_temporary_failures_become_failed_after_the_last_attempt(app, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_server.fail_next("451 first", "452 second")
    outbox.enqueue(email())
    db.session.commit()
    [message] = messages()
    assert message.status == outbox.FAILED
    assert message.attempts == 2
    assert "452 second" in message.last_error


def test_a_refused_connection_is_a_temporary_failure(app):
    from tests.smtp import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), MAIL_RETRY_BASE_SECONDS=60)
    outbox.enqueue(email())
    db.session.commit()
    [message] = messages()
    assert message.status == outbox.PENDING
    assert "cannot connect" in message.last_error


def test_a_sent_row_is_never_sent_again(app, smtp_server):
    message_id = outbox.enqueue(email())
    db.session.commit()
    smtp_server.wait_for(1)
    assert outbox.deliver(message_id).status == "skipped"
    assert len(smtp_server.received) == 1


def test_two_workers_racing_for_a_row_send_it_once(app, smtp_server):
    # Write the row without queueing it, then let two threads race for it.
    outbox_id = enqueue_lost(email())
    db.session.commit()
    assert messages()[0].status == outbox.PENDING
    results: list[str] = []
    start = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            start.wait()
            results.append(outbox.deliver(outbox_id).status)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["sent", "skipped"]
    assert len(smtp_server.wait_for(1)) == 1


def test_the_sweep_requeues_rows_nobody_picked_up(app, smtp_server):
    lost = enqueue_lost(email("lost"))
    db.session.commit()
    assert outbox.sweep(now=utcnow() + timedelta(minutes=5)) == 1
    assert [m.status for m in messages()] == [outbox.SENT]
    assert lost == messages()[0].id
    assert len(smtp_server.wait_for(1)) == 1


def test_the_sweep_leaves_fresh_rows_to_their_queued_task(app):
    enqueue_lost(email("fresh"))
    db.session.commit()
    assert outbox.sweep() == 0
    assert messages()[0].status == outbox.PENDING


def test_the_sweep_recovers_a_row_left_sending_by_a_dead_worker(app, smtp_server):
    message_id = enqueue_lost(email("stuck"))
    db.session.commit()
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=outbox.SENDING, claimed_at=long_ago, attempts=1)
    )
    db.session.commit()
    assert outbox.sweep() == 1
    assert messages()[0].status == outbox.SENT
    assert len(smtp_server.wait_for(1)) == 1


def test_a_broker_that_is_down_does_not_fail_the_change(app):
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = False
    saved = celery.conf.broker_url
    celery.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        outbox.enqueue(email("broker-down"))
        db.session.commit()
    finally:
        celery.conf.task_always_eager = True
        celery.conf.broker_url = saved
    assert messages()[0].status == outbox.PENDING
