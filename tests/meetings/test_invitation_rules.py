"""Invitations and updates, the rules behind them (tests/MUTATION.md): who is invited,
when an invitation is due again (its SEQUENCE), who gets an update, and what a
participant's delivery shows. Read at the outbox, where each message is written."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from tests.calendar_clients.readers import python_calendar
from tests.meetings.support import NOW, guest, make_series
from webapp.core import outbox
from webapp.core.errors import RuleError
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import answers, invitations, series
from webapp.meetings.models import CANCELLED, DRAFT, Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


def _rows(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def _send(target, **options) -> int:
    written = invitations.send_invitations(target, now=NOW, **options)
    db.session.commit()
    return written


def _move(occurrence, hours: int = 1):
    start, end = series.wall_clock(occurrence)
    return series.update_occurrence(
        occurrence,
        series.OccurrenceInput(
            starts=start + timedelta(hours=hours),
            ends=end + timedelta(hours=hours),
            zone=occurrence.zone,
            status=occurrence.status,
            venue=series.Venue(occurrence.venue_address),
        ),
        now=NOW,
    )


# --- who is invited -----------------------------------------------------------------------


def test_the_organizers_address_is_recognised_whatever_its_case(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "Organizer@Secretariat.Example")
    guest(meeting, organizer, "ana@customs.example")
    assert _send(meeting) == 1
    assert [m.recipient for m in _rows()] == ["ana@customs.example"]


def test_a_series_invites_those_of_its_meetings_that_take_place_and_not_the_others(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    first, second, third = monthly.occurrences
    guest(monthly, organizer, "all@customs.example")
    guest(first, organizer, "first@customs.example")
    guest(second, organizer, "second@customs.example")
    guest(third, organizer, "third@customs.example")
    second.status = CANCELLED
    third.status = DRAFT
    db.session.commit()
    assert _send(monthly) == 2
    assert sorted(m.recipient for m in _rows()) == ["all@customs.example", "first@customs.example"]
    whole = _by_recipient()["all@customs.example"]
    assert len(_meeting_lines(whole)) == 1  # the one that takes place


def test_one_meeting_of_a_series_invites_only_its_own_participants(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    first, second = monthly.occurrences
    guest(monthly, organizer, "all@customs.example")
    guest(first, organizer, "first@customs.example")
    guest(second, organizer, "second@customs.example")
    assert _send(first) == 1
    assert [m.recipient for m in _rows()] == ["first@customs.example"]


def test_a_removed_participant_is_not_invited(organizer):
    meeting = make_series(organizer)
    gone = guest(meeting, organizer, "gone@customs.example")
    guest(meeting, organizer, "ana@customs.example")
    gone.removed_at = NOW
    db.session.commit()
    assert _send(meeting) == 1
    assert [m.recipient for m in _rows()] == ["ana@customs.example"]


def test_invitations_go_slice_by_slice_until_everyone_has_one(organizer):
    meeting = make_series(organizer)
    people = [guest(meeting, organizer, f"p{n}@customs.example") for n in range(5)]
    ids = [person.id for person in people]
    assert _send(meeting, among=ids[:2]) == 2
    assert _send(meeting, among=ids[:2]) == 0  # they hold it already
    assert _send(meeting, among=ids[2:4]) == 2
    assert _send(meeting) == 1  # the last pass: whoever is left
    assert _send(meeting) == 0
    assert sorted(m.recipient for m in _rows()) == sorted(p.email for p in people)
    for person in people:
        db.session.refresh(person)
        assert person.invited_sequence == 0
        assert person.last_message_id is not None


def test_a_meeting_every_occurrence_of_which_is_cancelled_cannot_be_sent(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    guest(monthly, organizer, "ana@customs.example")
    for occurrence in monthly.occurrences:
        occurrence.status = CANCELLED
    db.session.commit()
    with pytest.raises(RuleError, match="Schedule the meeting"):
        invitations.send_invitations(monthly, now=NOW)
    with pytest.raises(RuleError):
        invitations.send_invitations(monthly.occurrences[0], now=NOW)
    monthly.occurrences[1].status = DRAFT
    db.session.commit()
    with pytest.raises(RuleError):
        invitations.send_invitations(monthly, now=NOW)
    assert _rows() == []


def test_a_series_with_one_meeting_scheduled_can_be_sent(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    guest(monthly, organizer, "ana@customs.example")
    monthly.occurrences[0].status = CANCELLED
    db.session.commit()
    assert _send(monthly) == 1


# --- when an invitation is due again --------------------------------------------------------


def test_the_invitation_of_a_series_carries_the_highest_sequence_of_its_meetings(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    person = guest(monthly, organizer, "ana@customs.example")
    assert invitations.current_sequence(person) == 0
    monthly.sequence = 2
    monthly.occurrences[1].sequence = 3
    monthly.occurrences[2].sequence = 1
    db.session.commit()
    assert invitations.current_sequence(person) == 5


def test_the_invitation_of_one_meeting_adds_its_own_and_its_series_sequence(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    first, second = monthly.occurrences
    person = guest(second, organizer, "ana@customs.example")
    monthly.sequence, first.sequence, second.sequence = 2, 7, 3
    db.session.commit()
    assert invitations.current_sequence(person) == 5


def test_an_invitation_is_written_again_only_when_its_sequence_rose(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    assert invitations.invite(person, now=NOW) is not None
    assert invitations.invite(person, now=NOW + timedelta(minutes=1)) is None
    meeting.sequence += 1
    db.session.flush()
    again = invitations.invite(person, now=NOW)
    db.session.commit()
    assert again is not None and person.last_message_id == again
    assert person.invited_sequence == 1
    assert len(_rows(invitations.INVITATION)) == 2


def test_an_invitation_written_by_another_process_meanwhile_is_not_written_twice(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    assert _send(meeting) == 1
    person.invited_sequence = None  # as a process that had read them before would see them
    assert invitations.send_invitations(meeting, now=NOW + timedelta(minutes=3)) == 0
    assert invitations.invite(person, now=NOW + timedelta(minutes=4)) is None
    assert len(_rows()) == 1


def test_an_invitation_sent_again_by_hand_is_a_new_message(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    first = invitations.invite(person, now=NOW)
    again = invitations.invite(person, now=NOW + timedelta(minutes=5), force=True)
    db.session.commit()
    assert again is not None and again != first
    assert person.last_message_id == again
    keys = [m.idempotency_key for m in _rows()]
    assert len(set(keys)) == 2


def test_the_organizer_is_never_invited_even_by_hand(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "organizer@secretariat.example")
    assert invitations.invite(person, now=NOW, force=True) is None
    assert person.invited_sequence is None
    assert _rows() == []


def test_a_change_of_rule_reaches_only_those_already_invited(organizer):
    meeting = make_series(organizer, rule="FREQ=YEARLY;COUNT=2")
    invited = guest(meeting, organizer, "ana@customs.example")
    also = guest(meeting, organizer, "cy@customs.example")
    _send(meeting)
    late = guest(meeting, organizer, "bo@customs.example")
    meeting.sequence += 1
    db.session.flush()
    assert invitations.send_series_update(meeting, now=NOW) == 2
    db.session.commit()
    assert sorted(m.recipient for m in _rows()) == [invited.email] * 2 + [also.email] * 2
    assert late.invited_sequence is None
    assert invitations.send_series_update(meeting, now=NOW) == 0  # nothing rose since


# --- who gets an update -------------------------------------------------------------------


def test_an_update_goes_to_those_invited_and_never_to_the_organizer(organizer):
    meeting = make_series(organizer)
    invited = guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    guest(meeting, organizer, "not-yet@customs.example")
    organizers_copy = guest(meeting, organizer, "ORGANIZER@secretariat.example")
    organizers_copy.invited_sequence = 0  # as if invited before they organized it
    db.session.commit()
    occurrence = meeting.occurrences[0]
    assert invitations.send_updates(occurrence, _move(occurrence), now=NOW) == 1
    db.session.commit()
    assert [m.recipient for m in _rows(invitations.UPDATE)] == [invited.email]
    assert "Updated:" in _rows(invitations.UPDATE)[0].subject


def test_an_edit_that_changes_neither_time_place_nor_status_sends_nothing(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    quiet = series.Changes(what=[series.TITLE])
    assert invitations.send_updates(meeting.occurrences[0], quiet, now=NOW) == 0
    assert _rows(invitations.UPDATE) == []


def test_after_an_update_a_one_off_invitation_is_current_and_not_sent_again(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    occurrence = meeting.occurrences[0]
    invitations.send_updates(occurrence, _move(occurrence), now=NOW)
    db.session.commit()
    assert person.invited_sequence == invitations.current_sequence(person) == 1
    assert _send(meeting) == 0


def test_after_an_update_of_one_meeting_a_series_invitee_still_holds_the_old_master(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    person = guest(monthly, organizer, "ana@customs.example")
    _send(monthly)
    moved = monthly.occurrences[1]
    invitations.send_updates(moved, _move(moved), now=NOW)
    db.session.commit()
    assert person.invited_sequence == 0
    assert invitations.current_sequence(person) == 1
    assert person.last_message_id == _rows(invitations.UPDATE)[0].id


def test_one_meetings_invitee_holds_the_updated_meeting(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    moved = monthly.occurrences[1]
    person = guest(moved, organizer, "ana@customs.example")
    _send(moved)
    invitations.send_updates(moved, _move(moved), now=NOW)
    db.session.commit()
    assert person.invited_sequence == invitations.current_sequence(person) == 1
    [held], [update] = (_events(m) for m in _rows())
    assert str(update["UID"]) == str(held["UID"]) and "RECURRENCE-ID" not in update


def test_a_cancelled_meeting_sends_a_cancel_not_an_update(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    occurrence = meeting.occurrences[0]
    changes = series.Changes(what=[series.STATUS], previous_status=occurrence.status)
    occurrence.status = CANCELLED
    occurrence.sequence += 1
    assert invitations.send_updates(occurrence, changes, now=NOW) == 1
    db.session.commit()
    (cancel,) = _rows(invitations.CANCEL)
    assert (cancel.calendar_method, cancel.subject.startswith("Cancelled:")) == ("CANCEL", True)
    assert _rows(invitations.UPDATE) == []


# --- withdrawal and delivery --------------------------------------------------------------


def test_a_withdrawn_participant_is_marked_removed_and_sent_a_cancel(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    message_id = invitations.remove_participant(person, now=NOW)
    db.session.commit()
    assert (person.removed_at, person.last_message_id) == (NOW, message_id)
    (cancel,) = _rows(invitations.CANCEL)
    assert (cancel.id, cancel.recipient, cancel.calendar_method) == (
        message_id,
        person.email,
        "CANCEL",
    )


def test_delivery_shows_each_current_participants_last_message(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    of_series = guest(monthly, organizer, "all@customs.example")
    of_one = guest(monthly.occurrences[0], organizer, "one@customs.example")
    gone = guest(monthly, organizer, "gone@customs.example")
    never = guest(monthly, organizer, "never@customs.example")
    _send(monthly)
    never.invited_sequence, never.last_message_id = None, None
    invitations.remove_participant(gone, now=NOW)
    db.session.commit()
    shown = {row["id"]: row for row in invitations.delivery(monthly)}
    assert set(shown) == {of_series.id, of_one.id}
    assert all(row["status"] == outbox.SENT and row["error"] == "" for row in shown.values())
    assert {row["id"] for row in invitations.delivery(monthly.occurrences[0])} == {of_one.id}
    assert invitations.delivery(monthly.occurrences[1]) == []


def test_an_answer_link_is_signed_for_its_participant(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    other = guest(meeting, organizer, "bo@customs.example")
    url = invitations.answer_url(person, "accepted")
    assert f"/{person.id}/" in url and url.endswith("answer=accepted")
    assert "answer=" not in invitations.answer_url(person)
    assert invitations.answer_token(person) != invitations.answer_token(other)
    assert db.session.get(Participant, person.id) is person


# --- what each invitation carries -----------------------------------------------------------


def _by_recipient(kind: str | None = None) -> dict[str, OutboxMessage]:
    return {m.recipient: m for m in _rows(kind)}


def _events(message: OutboxMessage) -> list:
    return python_calendar(message.calendar_content).walk("VEVENT")


def _link(person: Participant, tail: str) -> re.Pattern[str]:
    """The participant's own link (its signed token changes with the second it is made)."""
    page = invitations.answer_url(person).rsplit("/", 1)[0]  # .../answer/<participant id>
    return re.compile(re.escape(page) + r"/[\w.-]+" + re.escape(tail) + r"(\s|$)")


def _meeting_lines(message: OutboxMessage) -> list[str]:
    return [line for line in message.body_text.splitlines() if line.startswith("- ")]


def test_invitations_written_together_each_show_what_that_person_is_invited_to(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    everyone = guest(monthly, organizer, "all@customs.example")
    first_only = guest(monthly.occurrences[0], organizer, "first@customs.example")
    assert _send(monthly) == 2
    sent = _by_recipient()
    whole, one = sent[everyone.email], sent[first_only.email]
    assert (len(_meeting_lines(whole)), len(_meeting_lines(one))) == (3, 1)
    [master] = _events(whole)
    [meeting] = _events(one)
    assert "RRULE" in master and "RRULE" not in meeting
    assert meeting["DTSTART"].dt.astimezone(UTC) == monthly.occurrences[0].starts_at
    for person, event in ((everyone, master), (first_only, meeting)):
        assert str(event["ATTENDEE"]).lower() == f"mailto:{person.email}"


def test_each_invitation_carries_its_own_answer_links_and_calendar_file(organizer):
    meeting = make_series(organizer)
    ana = guest(meeting, organizer, "ana@customs.example")
    bo = guest(meeting, organizer, "bo@customs.example")
    _send(meeting)
    sent = _by_recipient()
    for person, other in ((ana, bo), (bo, ana)):
        text, html = sent[person.email].body_text, sent[person.email].body_html
        assert text.startswith(f"Dear {person.name},")
        for answer in invitations.ANSWERS:
            assert _link(person, f"?answer={answer}").search(text)
            assert f"/answer/{person.id}/" in html and f"?answer={answer}" in html
        assert _link(person, "/invite.ics").search(text)
        assert f"/answer/{other.id}/" not in text + html


def test_invitations_updates_and_withdrawals_name_the_meeting_and_answer_to_the_organizer(
    organizer,
):
    meeting = make_series(organizer, title="Port security workshop")
    person = guest(meeting, organizer, "ana@customs.example")
    _send(meeting)
    occurrence = meeting.occurrences[0]
    invitations.send_updates(occurrence, _move(occurrence), now=NOW)
    invitations.remove_participant(person, now=NOW)
    db.session.commit()
    subjects = [(m.kind, m.subject, m.reply_to) for m in _rows()]
    assert subjects == [
        (invitations.INVITATION, "Invitation: Port security workshop", organizer.email),
        (invitations.UPDATE, "Updated: Port security workshop", organizer.email),
        (invitations.CANCEL, "Invitation withdrawn: Port security workshop", organizer.email),
    ]


def test_a_slice_invites_only_the_current_invitees_of_its_target_in_the_order_given(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    first, second, _third = monthly.occurrences
    elsewhere = make_series(organizer, title="Another meeting")
    stranger = guest(elsewhere, organizer, "stranger@customs.example")
    of_series = guest(monthly, organizer, "all@customs.example")
    of_first = guest(first, organizer, "first@customs.example")
    of_cancelled = guest(second, organizer, "second@customs.example")
    gone = guest(monthly, organizer, "gone@customs.example")
    gone.removed_at = NOW
    second.status = CANCELLED
    db.session.commit()
    among = [stranger.id, of_first.id, of_cancelled.id, gone.id, of_series.id, 10**6]
    assert _send(monthly, among=among) == 2
    assert [m.recipient for m in _rows()] == [of_first.email, of_series.email]
    late = guest(first, organizer, "late@customs.example")
    assert _send(first, among=[of_series.id, stranger.id, late.id]) == 1
    assert [m.recipient for m in _rows()][2:] == [late.email]


def test_moving_a_meeting_twice_sends_an_update_each_time_naming_the_time_before(organizer):
    meeting = make_series(organizer)  # in Bogota, seven hours behind Madrid in May
    person = guest(meeting, organizer, "ana@customs.example", timezone="Europe/Madrid")
    _send(meeting)
    occurrence = meeting.occurrences[0]
    assert invitations.send_updates(occurrence, _move(occurrence), now=NOW) == 1
    assert invitations.send_updates(occurrence, _move(occurrence), now=NOW) == 1
    db.session.commit()
    first, second = _rows(invitations.UPDATE)
    assert [int(_events(m)[0]["SEQUENCE"]) for m in (first, second)] == [1, 2]
    assert first.calendar_method == python_calendar(first.calendar_content)["METHOD"] == "REQUEST"
    text = first.body_text.replace("\u202f", " ")
    assert "- New time: Tuesday, May 4, 2027, 6:00 PM (Europe/Madrid)" in text
    assert "(before: Tuesday, May 4, 2027, 5:00 PM (Europe/Madrid))" in text
    assert "At the venue: Tuesday, May 4, 2027, 11:00 AM (America/Bogota)" in text
    assert "Border cooperation meeting has changed." in text
    assert _link(person, "?answer=accepted").search(text)
    text = second.body_text.replace("\u202f", " ")
    assert "(before: Tuesday, May 4, 2027, 6:00 PM (Europe/Madrid))" in text
    assert person.last_message_id == second.id


def test_a_withdrawal_cancels_the_whole_series_with_a_higher_sequence(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    person = guest(monthly, organizer, "ana@customs.example")
    moved = monthly.occurrences[1]
    _move(moved)  # the series has an override: the cancel is of the master, all of it
    db.session.commit()
    _send(monthly)
    invitations.remove_participant(person, now=NOW)
    db.session.commit()
    invitation, cancel = _rows()
    held = _events(invitation)
    [cancelled] = _events(cancel)
    assert len(held) == 2 and "RRULE" in held[0]
    assert str(cancelled["UID"]) == str(held[0]["UID"])
    assert "RECURRENCE-ID" not in cancelled
    assert int(cancelled["SEQUENCE"]) == int(held[0]["SEQUENCE"]) + 1
    assert str(cancelled["ATTENDEE"]).lower() == "mailto:ana@customs.example"
    assert cancelled["DTSTAMP"].dt == NOW
    assert "Your invitation to Border cooperation meeting is withdrawn." in cancel.body_text


def test_a_withdrawal_from_one_meeting_cancels_that_meeting_alone(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    person = guest(monthly.occurrences[1], organizer, "ana@customs.example")
    _send(monthly)
    invitations.remove_participant(person, now=NOW)
    db.session.commit()
    [held], [cancelled] = (_events(m) for m in _rows())
    assert (str(cancelled["UID"]), cancelled["DTSTART"].dt) == (
        str(held["UID"]),
        held["DTSTART"].dt,
    )
    assert "RRULE" not in cancelled
    assert int(cancelled["SEQUENCE"]) == int(held["SEQUENCE"]) + 1


def test_the_calendar_file_is_the_invitation_each_participant_was_sent(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    _move(monthly.occurrences[1])  # an override, sent with the master
    db.session.commit()
    everyone = guest(monthly, organizer, "all@customs.example")
    first_only = guest(monthly.occurrences[0], organizer, "first@customs.example")
    second_only = guest(monthly.occurrences[1], organizer, "second@customs.example")
    _send(monthly)
    sent = _by_recipient()
    for person in (everyone, first_only, second_only):
        assert invitations.calendar_request(person, now=NOW) == sent[person.email].calendar_content


def test_those_invited_to_different_meetings_of_a_series_each_get_their_own(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")
    first, second, _third = monthly.occurrences
    guest(first, organizer, "first@customs.example")
    guest(second, organizer, "second@customs.example")
    _send(monthly)
    sent = _by_recipient()
    for email, occurrence, day in (
        ("first@customs.example", first, "May 4, 2027"),
        ("second@customs.example", second, "June 4, 2027"),
    ):
        [line] = _meeting_lines(sent[email])
        assert day in line
        [event] = _events(sent[email])
        assert event["DTSTART"].dt.astimezone(UTC) == occurrence.starts_at


def test_an_update_of_one_meeting_goes_to_the_series_invitees_and_that_meetings_alone(organizer):
    monthly = make_series(organizer, rule="FREQ=MONTHLY;COUNT=2")
    first, second = monthly.occurrences
    everyone = guest(monthly, organizer, "all@customs.example")
    guest(first, organizer, "first@customs.example")
    of_second = guest(second, organizer, "second@customs.example")
    _send(monthly)
    assert invitations.send_updates(second, _move(second), now=NOW) == 2
    db.session.commit()
    assert sorted(m.recipient for m in _rows(invitations.UPDATE)) == [
        everyone.email,
        of_second.email,
    ]


def test_a_cancel_says_which_meeting_and_when_and_asks_for_no_answer(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example", timezone="America/Bogota")
    _send(meeting)
    occurrence = meeting.occurrences[0]
    starts, ends = series.wall_clock(occurrence)
    changes = series.update_occurrence(
        occurrence,
        series.OccurrenceInput(starts=starts, ends=ends, zone=occurrence.zone, status=CANCELLED,
                               venue=series.Venue(occurrence.venue_address)),
        now=NOW,
    )  # fmt: skip
    assert invitations.send_updates(occurrence, changes, now=NOW) == 1
    db.session.commit()
    (cancel,) = _rows(invitations.CANCEL)
    text = cancel.body_text.replace("\u202f", " ")
    assert "meeting on Tuesday, May 4, 2027, 10:00 AM (America/Bogota) is cancelled." in text
    assert "?answer=" not in text and "has changed" not in text
    assert (cancel.subject, cancel.reply_to) == ("Cancelled: Border cooperation meeting",
                                                 organizer.email)  # fmt: skip
    [event] = _events(cancel)
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


def test_delivery_shows_each_participants_own_message_status_and_error(organizer):
    meeting = make_series(organizer)
    sent = guest(meeting, organizer, "ana@customs.example")
    bounced = guest(meeting, organizer, "bo@customs.example")
    _send(meeting)
    failed = db.session.get(OutboxMessage, bounced.last_message_id)
    failed.status, failed.last_error = outbox.FAILED, "550 No such mailbox"
    db.session.commit()
    assert sorted(
        (row["id"], row["status"], row["error"]) for row in invitations.delivery(meeting)
    ) == [
        (sent.id, outbox.SENT, ""),
        (bounced.id, outbox.FAILED, "550 No such mailbox"),
    ]


def test_those_not_yet_invited_do_not_stop_the_update_of_those_after_them(organizer):
    meeting = make_series(organizer)
    organizers_copy = guest(meeting, organizer, "organizer@secretariat.example")
    not_yet = guest(meeting, organizer, "not-yet@customs.example")
    invited = guest(meeting, organizer, "ana@customs.example")
    organizers_copy.invited_sequence = 0
    _send(meeting, among=[invited.id])
    occurrence = meeting.occurrences[0]
    assert invitations.send_updates(occurrence, _move(occurrence), now=NOW) == 1
    db.session.commit()
    assert [m.recipient for m in _rows(invitations.UPDATE)] == [invited.email]
    assert not_yet.invited_sequence is None


def test_an_answer_link_made_for_a_participant_opens_their_own_answer(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    for url in (invitations.answer_url(person), invitations.answer_url(person, "declined")):
        participant_id, token = url.split("?")[0].rsplit("/", 2)[-2:]
        assert answers.participant_from_link(int(participant_id), token, now=NOW) is person
