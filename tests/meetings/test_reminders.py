"""Reminders: at the series' offsets or the occurrence's own, to those who have not
declined, in their language and zone, never twice, never for a cancelled occurrence,
late but not after the start; moving the meeting moves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tasks.meetings import send_meeting_reminders
from tests.meetings.support import guest, invite, make_series
from tests.querycount import count_queries
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import reminders
from webapp.meetings.models import CANCELLED, DECLINED, Participant

SCAN_QUERIES = 9

START = datetime(2027, 5, 4, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
DAY = timedelta(days=1)


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


@pytest.fixture()
def meeting(organizer):
    made = make_series(organizer)
    guest(made, organizer, "ana@customs.example", language="fr", timezone="America/Port-au-Prince")
    invite(made)
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
    invite(meeting)
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


def test_no_reminder_to_a_removed_participant(meeting, organizer):
    other = guest(meeting, organizer, "bo@customs.example")
    invite(meeting)
    other.removed_at = START - 30 * DAY
    db.session.commit()
    _run(START - DAY)
    assert [m.recipient for m in _reminders()] == ["ana@customs.example"]


def test_a_participant_invited_to_one_occurrence_is_reminded_of_that_one_only(organizer):
    made = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    first, second = made.occurrences
    guest(second, organizer, "cy@customs.example")
    invite(second)
    assert _run(first.starts_at - DAY) == 0
    assert _run(second.starts_at - DAY) == 1
    assert [m.recipient for m in _reminders()] == ["cy@customs.example"]


def _crowd(organizer, meetings: int, people: int) -> None:
    """`meetings` one-off meetings on START, each with `people` guests, inserted in bulk."""
    for n in range(meetings):
        made = make_series(organizer, title=f"Meeting {n}")
        db.session.execute(
            sa.insert(Participant),
            [
                {"series_id": made.id, "email": f"p{k}-{n}@customs.example", "name": f"P {k}",
                 "language": ("en", "es", "fr", "pt")[k % 4], "timezone": "America/Lima",
                 "role": "delegate", "answer": "needs-action", "invited_sequence": 0}
                for k in range(people)
            ],
        )  # fmt: skip
    db.session.commit()


def _counted_run(now: datetime, **batches: int) -> tuple[int, int]:
    with count_queries() as counted:
        written = reminders.send_due_reminders(now, **batches)
    db.session.commit()
    return written, counted.count


@pytest.mark.parametrize(("meetings", "people"), [(2, 3), (8, 40)])
def test_the_scan_issues_the_same_queries_for_six_reminders_as_for_three_hundred_twenty(
    organizer, meetings, people
):
    _crowd(organizer, meetings, people)
    written, queries = _counted_run(START - DAY)
    assert written == meetings * people
    # The due occurrences; per batch of occurrences: themselves, their series, its
    # organizers and their states, the reminders already written, the participants; per batch of
    # messages: the outbox rows and their records.
    assert queries == SCAN_QUERIES


def test_the_scan_queries_grow_with_the_batches_not_the_reminders(organizer):
    _crowd(organizer, 6, 50)
    written, queries = _counted_run(START - DAY, occurrence_batch=2, write_batch=100)
    assert written == 300
    # Three batches of occurrences instead of one (six more queries each), three
    # batches of messages instead of one (two more queries each).
    assert queries == SCAN_QUERIES + 2 * 6 + 2 * 2


def test_a_second_scan_renders_nothing_and_writes_nothing(organizer):
    _crowd(organizer, 4, 25)
    assert _run(START - DAY) == 100
    written, queries = _counted_run(START - DAY)
    assert written == 0
    assert queries == SCAN_QUERIES - 2
