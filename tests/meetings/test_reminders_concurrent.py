"""Two workers scanning for reminders at the same moment write each reminder once.

Two real transactions, each in its own thread, application context, session and database
connection, run the scan at once, without the task's lock (`single_run`), so that the data
alone must keep them apart: each reminder's outbox row has an idempotency key and its
record a primary key, both written with ON CONFLICT DO NOTHING; the second writer waits
on the first's uncommitted rows, then skips them.

This runs only on PostgreSQL (`DATABASE_URL=postgresql://…`, as in CI): on SQLite the
database lock serialises writers, so there is no concurrency to prove anything about.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, invite, make_series
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import reminders
from webapp.meetings.models import ReminderSent

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: on SQLite the database lock serialises writers",
)

START = datetime(2027, 5, 4, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
DUE = START - timedelta(days=14) + timedelta(minutes=5)


def _scan_twice_at_once(app) -> tuple[list[int], list[Exception]]:
    start = threading.Barrier(2)
    written: list[int] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                written.append(reminders.send_due_reminders(DUE))
                time.sleep(0.3)  # hold the rows uncommitted while the other writes
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return written, errors


def test_two_scans_at_the_same_moment_write_each_reminder_once(app, user):
    organizer = user("organizer", email="organizer@secretariat.example")
    meeting = make_series(organizer)
    for n in range(5):
        guest(meeting, organizer, f"p{n}@customs.example")
    invite(meeting)
    db.session.close()  # the threads must not wait on this test's own connection

    written, errors = _scan_twice_at_once(app)
    assert errors == []
    assert sum(written) == 5  # one scan wrote them all, or each wrote its share
    recipients = db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "meeting-reminder")
    ).all()
    assert sorted(recipients) == [f"p{n}@customs.example" for n in range(5)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 5
