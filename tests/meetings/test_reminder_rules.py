"""Reminders, the rules mutation testing found unpinned (tests/MUTATION.md): who is
reminded, which offsets count, and what the reminder carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import guest, invite, links_in, make_series
from tests.querycount import count_queries
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import answers, reminders
from webapp.meetings.models import ACCEPTED, DELEGATED, TENTATIVE, ReminderSent

START = datetime(2027, 5, 4, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
DAY = timedelta(days=1)


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


def _run(now: datetime) -> int:
    written = reminders.send_due_reminders(now)
    db.session.commit()
    return written


def _recipients() -> list[str]:
    return sorted(
        db.session.scalars(
            sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "meeting-reminder")
        )
    )


def test_whoever_has_not_declined_is_reminded_and_one_who_sent_a_colleague_is_not(organizer):
    meeting = make_series(organizer)
    people = {}
    for email, answer in [("acc@x.example", ACCEPTED), ("ten@x.example", TENTATIVE),
                          ("del@x.example", DELEGATED), ("new@x.example", None)]:  # fmt: skip
        people[email] = guest(meeting, organizer, email), answer
    invite(meeting)
    for person, answer in people.values():
        if answer:
            person.answer = answer
    db.session.commit()
    assert _run(START - DAY) == 3
    assert _recipients() == ["acc@x.example", "new@x.example", "ten@x.example"]


def test_the_colleague_sent_instead_is_reminded_in_the_participants_place(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    answers.record_answer(person, DELEGATED, now=START - 30 * DAY,
                          colleague=answers.Colleague("bo@customs.example", "Bo"))  # fmt: skip
    db.session.commit()
    _run(START - DAY)
    assert _recipients() == ["bo@customs.example"]


def test_an_occurrence_without_offsets_of_its_own_follows_the_series(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    meeting.reminder_offsets = "60"
    db.session.commit()
    assert _run(START - DAY) == 0
    assert _run(START - timedelta(minutes=60)) == 1


def test_an_occurrence_can_have_no_reminders_at_all(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    meeting.occurrences[0].reminder_offsets = ""
    db.session.commit()
    assert _run(START - DAY) == 0
    assert _run(START - timedelta(minutes=1)) == 0


def test_a_reminder_is_due_at_its_offset_to_the_minute(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    assert _run(START - 14 * DAY - timedelta(seconds=1)) == 0
    assert _run(START - 14 * DAY) == 1


def test_a_late_run_sends_the_reminder_of_the_nearest_offset(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    _run(START - timedelta(hours=2))
    (record,) = db.session.scalars(sa.select(ReminderSent))
    assert record.key.split(":")[:3] == [str(person.id), str(meeting.occurrences[0].id), "1440"]
    assert record.occurrence_id == meeting.occurrences[0].id


def test_the_last_second_before_the_start_still_reminds_and_the_start_itself_does_not(
    organizer,
):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    assert _run(START) == 0
    assert _run(START - timedelta(seconds=1)) == 1


def test_a_meeting_further_off_than_any_offset_can_reach_is_not_scanned(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    meeting.occurrences[0].reminder_offsets = str(366 * 24 * 60)
    db.session.commit()
    assert _run(START - reminders.LONGEST_OFFSET) == 1
    assert _run(START - reminders.LONGEST_OFFSET - timedelta(seconds=1)) == 0


def test_the_reminder_greets_by_name_answers_to_the_organizer_and_carries_the_answer_link(
    organizer,
):
    meeting = make_series(organizer, title="Border cooperation meeting")
    person = guest(meeting, organizer, "ana@customs.example", name="Ana Pérez")
    invite(meeting)
    _run(START - DAY)
    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "meeting-reminder")
    )
    assert message.reply_to == "organizer@secretariat.example"
    assert "Ana Pérez" in message.body_text.split("\n", 1)[0]
    assert "Border cooperation meeting" in message.subject
    assert any(f"/answer/{person.id}/" in link for link in links_in(message.body_text))
    assert message.idempotency_key.startswith("meeting-reminder:")


def test_a_meeting_without_organizer_is_still_reminded_without_a_reply_address(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    invite(meeting)
    meeting.organizers = []
    db.session.commit()
    assert _run(START - DAY) == 1
    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "meeting-reminder")
    )
    assert message.reply_to is None


def test_every_reminder_of_a_large_run_is_written_and_recorded(organizer):
    meeting = make_series(organizer)
    for n in range(7):
        guest(meeting, organizer, f"p{n}@customs.example")
    invite(meeting)
    written = reminders.send_due_reminders(START - DAY, write_batch=3)
    db.session.commit()
    assert written == 7
    assert len(_recipients()) == 7
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 7
    assert _run(START - DAY) == 0


def test_a_large_run_writes_its_reminders_a_write_batch_at_a_time(organizer):
    # Seven reminders, three at a time: one INSERT of outbox rows and one of their records
    # for each 3 + 3 + 1, so that no statement (nor the memory it takes) grows past a batch.
    meeting = make_series(organizer)
    for n in range(7):
        guest(meeting, organizer, f"p{n}@customs.example")
    invite(meeting)
    with count_queries() as counted:
        written = reminders.send_due_reminders(START - DAY, write_batch=3)
    db.session.commit()
    assert written == 7
    inserts = [s.split("(")[0].split()[-1] for s in counted.statements if s.startswith("INSERT")]
    assert inserts == ["outbox_messages", "meeting_reminders_sent"] * 3


def test_the_reminders_of_the_meeting_that_starts_first_are_written_first(organizer):
    # Written, and so queued for delivery, in the order of the meetings' starts: a backlog
    # of reminders never holds back a meeting about to start behind one days away.
    later = make_series(organizer, title="Later", first_start=datetime(2027, 5, 14, 10, 0),
                        first_end=datetime(2027, 5, 14, 17, 0))  # fmt: skip
    sooner = make_series(organizer, title="Sooner")  # made second, so its ids come after
    guest(later, organizer, "later@customs.example")
    guest(sooner, organizer, "sooner@customs.example")
    invite(later)
    invite(sooner)
    assert _run(START - DAY) == 2  # the day before the one, 14 days before the other
    in_order = db.session.scalars(
        sa.select(OutboxMessage.recipient)
        .where(OutboxMessage.kind == "meeting-reminder")
        .order_by(OutboxMessage.id)
    )
    assert list(in_order) == ["sooner@customs.example", "later@customs.example"]


def test_every_occurrence_of_a_large_run_is_reminded(organizer):
    made = [make_series(organizer, title=f"Meeting {n}") for n in range(5)]
    for n, meeting in enumerate(made):
        guest(meeting, organizer, f"p{n}@customs.example")
        invite(meeting)
    written = reminders.send_due_reminders(START - DAY, occurrence_batch=2)
    db.session.commit()
    assert written == 5
    assert _recipients() == [f"p{n}@customs.example" for n in range(5)]


def test_someone_added_but_never_sent_the_invitation_hears_nothing_of_the_meeting(organizer):
    """The organizer has not decided to invite them yet: a reminder would announce it."""
    meeting = make_series(organizer)
    guest(meeting, organizer, "invited@customs.example")
    invite(meeting)
    guest(meeting, organizer, "not-yet@customs.example")
    assert _run(START - DAY) == 1
    assert _recipients() == ["invited@customs.example"]
    invite(meeting)
    assert _run(START - DAY + timedelta(minutes=1)) == 1
    assert _recipients() == ["invited@customs.example", "not-yet@customs.example"]
