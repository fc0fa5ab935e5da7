"""Reminders: at the series' offsets or the occurrence's own, to those who have not
declined, in their language and zone, never twice, never for a cancelled occurrence,
late but not after the start; moving the meeting moves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tasks.meetings import send_meeting_reminders
from tests.meetings.support import guest, make_series
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import reminders
from webapp.meetings.models import CANCELLED, DECLINED

START = datetime(2027, 5, 4, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
DAY = timedelta(days=1)


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


@pytest.fixture()
def meeting(organizer):
    made = make_series(organizer)
    guest(made, organizer, "ana@customs.example", language="fr", timezone="America/Port-au-Prince")
    return made


def _run(now: datetime) -> int:
    written = reminders.send_due_reminders(now)
    db.session.commit()
    return written


def _reminders() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "meeting-reminder")
        )
    )


def test_nothing_is_due_before_the_first_offset(meeting):
    assert _run(START - 15 * DAY) == 0


def test_the_fourteen_day_reminder_goes_out_in_the_recipients_language_and_zone(meeting):
    assert _run(START - 14 * DAY + timedelta(minutes=5)) == 1
    (message,) = _reminders()
    assert message.recipient == "ana@customs.example"
    assert message.calendar_method is None and message.calendar_content is None
    assert "(America/Port-au-Prince)" in message.body_text
    assert "(America/Bogota)" in message.body_text
    assert message.language == "fr"


def test_a_reminder_is_never_written_twice(meeting):
    moment = START - 14 * DAY + timedelta(minutes=5)
    assert _run(moment) == 1
    assert _run(moment) == 0
    assert _run(moment + timedelta(hours=1)) == 0
    assert len(_reminders()) == 1


def test_each_offset_sends_its_own_reminder(meeting):
    _run(START - 14 * DAY)
    assert _run(START - DAY) == 1
    assert len(_reminders()) == 2


def test_a_late_run_sends_only_the_latest_due_reminder_before_the_start(meeting):
    assert _run(START - timedelta(hours=2)) == 1
    assert _run(START - timedelta(hours=1)) == 0


def test_no_reminder_after_the_start(meeting):
    assert _run(START + timedelta(minutes=1)) == 0


def test_no_reminder_for_a_cancelled_occurrence(meeting):
    meeting.occurrences[0].status = CANCELLED
    db.session.commit()
    assert _run(START - DAY) == 0


def test_no_reminder_to_someone_who_declined(meeting, organizer):
    other = guest(meeting, organizer, "bo@customs.example")
    other.answer = DECLINED
    db.session.commit()
    _run(START - DAY)
    assert [m.recipient for m in _reminders()] == ["ana@customs.example"]


def test_moving_the_meeting_moves_its_reminders(meeting):
    assert _run(START - DAY) == 1
    occurrence = meeting.occurrences[0]
    occurrence.starts_at += 7 * DAY
    occurrence.ends_at += 7 * DAY
    db.session.commit()
    # Eight days before the new start: its fourteen-day reminder, late, and nothing more.
    assert _run(START - DAY + timedelta(minutes=1)) == 1
    assert "11 mai 2027" in _reminders()[-1].body_text
    assert _run(START) == 0
    assert _run(START + 6 * DAY) == 1  # one day before the new start


def test_an_occurrence_can_override_the_series_offsets(meeting):
    meeting.occurrences[0].reminder_offsets = "180"  # three hours
    db.session.commit()
    assert _run(START - DAY) == 0
    assert _run(START - timedelta(hours=3)) == 1


def test_the_periodic_task_takes_an_injected_clock_and_commits(meeting, app):
    assert send_meeting_reminders((START - DAY).isoformat()) == 1
    db.session.rollback()
    assert len(_reminders()) == 1


def test_the_task_is_on_the_beat_schedule(app):
    from tasks.schedule import beat_schedule

    assert beat_schedule(app.config)["meeting-reminders"]["task"] == (
        "tasks.meetings.send_meeting_reminders"
    )
