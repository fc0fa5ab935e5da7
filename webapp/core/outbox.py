"""The outbox: the one path by which the platform sends email.

A request that sends mail writes one row per recipient, with an idempotency key, in the
same transaction as the change it announces. After that transaction commits, a Celery
task is queued per batch of rows; the worker claims them atomically for a short while,
renewing the claim as it goes, sends them and records each result. A periodic sweep
re-queues rows nobody picked up or whose claim lapsed, so a broker outage or a worker
killed mid-delivery loses nothing and delays little.

Over 400 lines because the outbox is one contract: the rows, their writing, and the
claim-send-record cycle whose guarantees (never twice, never lost) hold only together.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from webapp.core import jobs
from webapp.core.mail import (
    PermanentFailure,
    SMTPSettings,
    TemporaryFailure,
    build_mime,
    transport_for,
    wire_bytes,
)
from webapp.core.timezones import UTCDateTime, utcnow
from webapp.extensions import db

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)
_DISPATCH_KEY = "puerto.outbox.dispatch"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(320), index=True)
    reply_to: Mapped[str | None] = mapped_column(sa.String(320))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    subject: Mapped[str] = mapped_column(sa.String(500))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    calendar_method: Mapped[str | None] = mapped_column(sa.String(20))
    calendar_content: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # "smtp" when handed to an SMTP server, "kept" when no server is configured.
    transport: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message",
        cascade="all, delete-orphan",
        order_by="OutboxAttachment.id",
        lazy="selectin",
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.recipient} {self.status}>"


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Email:
    """What a part hands to the outbox: one message for one recipient."""

    kind: str
    recipient: str
    subject: str
    body_text: str
    idempotency_key: str
    language: str = "en"
    body_html: str | None = None
    reply_to: str | None = None
    calendar_method: str | None = None
    calendar_content: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def _row(email: Email) -> dict[str, object]:
    if email.calendar_method and not email.calendar_content:
        raise ValueError("a calendar method needs calendar content")
    return {
        "idempotency_key": email.idempotency_key,
        "kind": email.kind,
        "recipient": email.recipient,
        "reply_to": email.reply_to,
        "language": email.language,
        "subject": email.subject,
        "body_text": email.body_text,
        "body_html": email.body_html,
        "calendar_method": email.calendar_method,
        "calendar_content": email.calendar_content,
        "status": PENDING,
        "attempts": 0,
        "created_at": utcnow(),
        "updated_at": utcnow(),
        "next_attempt_at": utcnow(),
    }


def _insert(session: Session) -> Any:  # the dialect's own `insert`
    dialect = session.get_bind().dialect.name
    return pg_insert if dialect == "postgresql" else sqlite_insert


def enqueue(email: Email, session: Session | None = None) -> int | None:
    """Write one outbox row in the caller's transaction. Returns its id, or None when a
    row with the same idempotency key already exists (a second write is a no-op)."""
    session = session or db.session
    statement = (
        _insert(session)(OutboxMessage)
        .values(**_row(email))
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    message_id = session.execute(statement).scalar()
    if message_id is None:
        return None
    _attach(session, message_id, email)
    session.info.setdefault(_DISPATCH_KEY, []).append(message_id)
    return message_id


def enqueue_many(emails: list[Email], session: Session | None = None) -> dict[str, int]:
    """Write many outbox rows in the caller's transaction. Returns {idempotency key: id}
    of the rows written; a key that exists already is skipped (as `enqueue` does), so two
    writers racing write each row once."""
    session = session or db.session
    written: dict[str, int] = {}
    if emails:
        # One statement given many rows: SQLAlchemy sends them as multi-row INSERTs
        # ("insertmanyvalues", sized to the database's limits) from one compiled form,
        # where `.values([...])` compiled a new statement for every batch.
        statement = (
            _insert(session)(OutboxMessage.__table__)
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(OutboxMessage.id, OutboxMessage.idempotency_key)
        )
        rows = session.execute(statement, [_row(email) for email in emails]).all()
        written.update({key: message_id for message_id, key in rows})
        by_key = {email.idempotency_key: email for email in emails}
        for message_id, key in rows:
            _attach(session, message_id, by_key[key])
    # Delivery in the order the caller gave.
    ids = [written[e.idempotency_key] for e in emails if e.idempotency_key in written]
    session.info.setdefault(_DISPATCH_KEY, []).extend(ids)
    return written


def _attach(session: Session, message_id: int, email: Email) -> None:
    for attachment in email.attachments:
        session.add(
            OutboxAttachment(
                message_id=message_id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                content=attachment.content,
            )
        )


# Rows per delivery task: one task and one claim carry a batch, so the per-message cost is
# one SMTP transaction and one commit.
DISPATCH_BATCH = 25


DELIVER_TASK = "tasks.mail.deliver_outbox_messages"


def _batches(message_ids: list[int]) -> list[tuple[str, tuple[object, ...]]]:
    return [
        (DELIVER_TASK, (message_ids[start : start + DISPATCH_BATCH],))
        for start in range(0, len(message_ids), DISPATCH_BATCH)
    ]


def dispatch(message_ids: list[int]) -> None:
    """Queue delivery tasks now. A broker that is down is logged, not raised, and costs
    one short attempt: the rows stay pending and the sweep finds them."""
    jobs.queue_all(_batches(message_ids))


@event.listens_for(Session, "before_commit")
def _queue_at_commit(session: Session) -> None:
    """The rows written in this transaction are queued once it commits (core.jobs)."""
    message_ids = session.info.pop(_DISPATCH_KEY, None)
    for task_name, args in _batches(message_ids or []):
        jobs.queue_after_commit(task_name, *args, session=session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: object) -> None:
    session.info.pop(_DISPATCH_KEY, None)


# --- delivery (called by tasks.mail) -------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry", "failed" or "skipped"
    retry_in: int | None = None


def _claim_expired_before(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    """Pending and due, or held by a claim that was not renewed in time (a dead worker)."""
    return sa.or_(
        sa.and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(
            OutboxMessage.status == SENDING,
            OutboxMessage.claimed_at < _claim_expired_before(now),
        ),
    )


def _claim(message_ids: list[int], now: datetime) -> list[int]:
    """Atomically mark the claimable rows among `message_ids` as ours; return their ids.
    A racing worker's claim finds them no longer claimable and gets nothing."""
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), _claimable(now))
        .values(
            status=SENDING,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
            updated_at=now,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _renew(
    connection: sa.Connection, message_ids: list[int], since: datetime, now: datetime
) -> set[int]:
    """Extend our claim on the rows still to send. Our claim is the stamp we wrote
    (`since`): a row that another worker reclaimed after our claim expired carries another
    stamp and is no longer ours, so we leave it to them."""
    if not message_ids:
        return set()
    table = OutboxMessage.__table__
    return set(
        connection.scalars(
            update(table)
            .where(table.c.id.in_(message_ids), table.c.status == SENDING)
            .where(table.c.claimed_at == since)
            .values(claimed_at=now)
            .returning(table.c.id)
        )
    )


def retry_delay(attempts: int) -> int:
    """Exponential backoff: base, 2*base, 4*base ... capped at six hours."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600)


# A claim is renewed after a message once it is older than this share of
# MAIL_CLAIM_SECONDS (9 s of the default 90), not after every message: each message starts
# under a claim with nine tenths of its time left, and a batch of quick messages pays for
# no renewal at all.
RENEW_AFTER = 0.1


def deliver_batch(message_ids: list[int]) -> dict[int, Outcome]:
    """Send outbox rows. Safe to run twice and from racing workers: only the worker whose
    atomic claim succeeds sends a row. The claim is short (MAIL_CLAIM_SECONDS) and renewed
    as the batch goes on, so a live worker keeps its rows however long the batch takes,
    while the rows of a worker killed mid-batch are free again soon after. Each row's
    result is committed as soon as it is known, so a killed worker loses nothing it sent."""
    outcomes = {message_id: Outcome("skipped") for message_id in message_ids}
    claimed_at = utcnow()
    claimed = _claim(list(message_ids), claimed_at)
    if not claimed:
        return outcomes
    config = current_app.config
    settings = SMTPSettings.from_config(config)
    renew_after = timedelta(seconds=config["MAIL_CLAIM_SECONDS"] * RENEW_AFTER)
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    # Detached, and the session's transaction ended: the results go through `_Results`.
    for message in messages:
        db.session.expunge(message)
    db.session.commit()
    table = OutboxMessage.__table__
    held = set(claimed)
    with _Results(db.engine) as results:
        for position, message in enumerate(messages):
            if message.id not in held:
                continue  # reclaimed by another worker while we were slow: theirs now
            # Built while the previous message's result is being committed ...
            mime = _message_for(message, config["MAIL_FROM"]) if settings is not None else None
            results.wait()  # ... and handed over only once it is.
            outcome, values = _send(message, mime, settings, config)
            outcomes[message.id] = outcome
            results.write(
                update(table).where(table.c.id == message.id).values(updated_at=utcnow(), **values)
            )
            # The claim on the rest renewed once it has aged (see `RENEW_AFTER`).
            now = utcnow()
            if now - claimed_at >= renew_after:
                rest = [m.id for m in messages[position + 1 :] if m.id in held]
                held = results.renew(rest, claimed_at, now)
                claimed_at = now
    return outcomes


class _Results:
    """Where a batch writes its results: one connection held for the batch, in autocommit
    (each result one UPDATE, its own transaction, durable when it returns), on a thread
    of its own. `write` returns at once; `wait` returns once the last result written is
    committed. The batch waits before it hands the next message to SMTP, so, as with a
    commit after each message, a killed worker leaves at most the message it was sending
    unrecorded; meanwhile it builds that next message instead of waiting for the disk.
    (This replaced a session commit per message: a pool checkout, a ping, BEGIN, UPDATE,
    COMMIT and a reset each time.)"""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-results")
        self._connection: sa.Connection | None = None
        self._pending: Future[object] | None = None

    def _connect(self) -> sa.Connection:  # on the results' thread, which alone uses it
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    def write(self, statement: sa.Executable) -> None:
        self.wait()
        self._pending = self._thread.submit(lambda: self._connect().execute(statement))

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()  # a failed write raises here, as a failed commit did

    def renew(self, message_ids: list[int], since: datetime, now: datetime) -> set[int]:
        self.wait()
        return self._thread.submit(
            lambda: _renew(self._connect(), message_ids, since, now)
        ).result()

    def __enter__(self) -> _Results:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.wait()
        finally:
            if self._connection is not None:
                self._thread.submit(self._connection.close).result()
            self._thread.shutdown()


def deliver(message_id: int) -> Outcome:
    """Send one outbox row (see `deliver_batch`)."""
    return deliver_batch([message_id])[message_id]


def _message_for(message: OutboxMessage, mail_from: str) -> Message | bytes:
    """The message as SMTP will carry it: its bytes written directly (a tenth of the CPU
    of a MIME tree flattened by smtplib), or the tree when it needs the general path."""
    return wire_bytes(message, mail_from) or build_mime(message, mail_from)


def _send(
    message: OutboxMessage,
    mime: Message | bytes | None,
    settings: SMTPSettings | None,
    config: dict,
) -> tuple[Outcome, dict[str, object]]:
    """Hand one message (from `_message_for`) to SMTP, or keep it when no server is
    configured; return the outcome and the row's new values."""
    try:
        if settings is not None and mime is not None:
            transport_for(settings).send(mime, message.recipient, config["MAIL_FROM"])
    except TemporaryFailure as exc:
        error = str(exc)[:2000]
        if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            return Outcome("failed"), {"status": FAILED, "last_error": error}
        delay = retry_delay(message.attempts)
        return Outcome("retry", delay), {
            "status": PENDING,
            "last_error": error,
            "claimed_at": None,
            "next_attempt_at": utcnow() + timedelta(seconds=delay),
        }
    except PermanentFailure as exc:
        return Outcome("failed"), {"status": FAILED, "last_error": str(exc)[:2000]}
    return Outcome("sent"), {
        "status": SENT,
        "transport": "smtp" if settings is not None else "kept",
        "sent_at": utcnow(),
        "last_error": None,
    }


def sweep(now: datetime | None = None, grace_seconds: int = 60, limit: int = 1000) -> int:
    """Re-queue rows that are due and were not picked up: pending past their next attempt
    (plus a grace period for a queued task to arrive), or held by a claim that expired (a
    worker that died: live workers renew theirs). Returns how many were queued."""
    now = now or utcnow()
    due = now - timedelta(seconds=grace_seconds)
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                sa.or_(
                    sa.and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= due),
                    sa.and_(
                        OutboxMessage.status == SENDING,
                        OutboxMessage.claimed_at < _claim_expired_before(now),
                    ),
                )
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    db.session.commit()
    dispatch(ids)
    return len(ids)


def retry(message_id: int) -> bool:
    """An admin's retry of a failed row: back to pending, due now, queued after commit."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != FAILED:
        return False
    message.status = PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_at = None
    db.session.info.setdefault(_DISPATCH_KEY, []).append(message.id)
    return True
