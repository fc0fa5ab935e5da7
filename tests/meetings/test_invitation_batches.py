"""Writing many invitations: the worker reads the invitees once and writes them a slice at
a time, each slice in a fixed number of statements whatever its size."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import tasks.meetings
from tests.meetings.support import NOW, guest, make_series
from tests.querycount import count_queries
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.models import Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


def meeting_with(organizer, count: int, prefix: str):
    meeting = make_series(organizer, rule="FREQ=MONTHLY;INTERVAL=6;COUNT=3")
    languages = ("en", "es", "fr", "pt")
    for n in range(count):
        guest(meeting, organizer, f"{prefix}{n}@customs.example", language=languages[n % 4])
    return meeting


def statements_to_write(organizer, count: int, prefix: str) -> int:
    meeting = meeting_with(organizer, count, prefix)
    ids = [person.id for person in invitations.invitees(meeting)]
    db.session.commit()  # as the task does between slices: nothing loaded is kept
    with count_queries() as counted:
        written = invitations.send_invitations(meeting, now=NOW, among=ids)
        db.session.flush()  # the participants' marks (the commit then delivers, not counted)
    db.session.commit()
    assert written == count
    return counted.count


def test_a_slice_of_invitations_costs_the_same_statements_whatever_its_size(organizer):
    assert statements_to_write(organizer, 3, "few") == statements_to_write(organizer, 12, "many")


def outbox_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def test_the_task_writes_every_invitation_slice_by_slice_and_once(organizer, monkeypatch):
    monkeypatch.setattr(tasks.meetings, "INVITATION_BATCH", 2)
    meeting = meeting_with(organizer, 5, "p")
    assert tasks.meetings.send_invitations(meeting.id, NOW.isoformat()) == 5
    assert outbox_rows() == 5
    marked = db.session.scalars(sa.select(Participant.invited_sequence)).all()
    assert None not in marked
    assert tasks.meetings.send_invitations(meeting.id, NOW.isoformat()) == 0
    assert outbox_rows() == 5


def test_a_removed_participant_in_a_slice_is_not_invited(organizer):
    meeting = meeting_with(organizer, 3, "r")
    ids = [person.id for person in invitations.invitees(meeting)]
    removed = db.session.get(Participant, ids[1])
    removed.removed_at = NOW
    db.session.commit()
    assert invitations.send_invitations(meeting, now=NOW, among=ids) == 2
    db.session.commit()
    assert removed.invited_sequence is None


def test_a_participant_of_another_meeting_in_a_slice_is_not_invited(organizer):
    meeting = meeting_with(organizer, 2, "own")
    other = meeting_with(organizer, 1, "other")
    ids = [p.id for p in invitations.invitees(meeting)] + [
        p.id for p in invitations.invitees(other)
    ]
    assert invitations.send_invitations(meeting, now=NOW, among=ids) == 2
    db.session.commit()
    assert outbox_rows() == 2
