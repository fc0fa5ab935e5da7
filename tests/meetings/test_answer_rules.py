"""Answers, the rules behind the link (found wanting by mutation testing, tests/MUTATION.md):
when a link closes, which links open nothing, and what each answer records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.meetings.support import NOW, guest, make_series
from webapp.core import tokens
from webapp.core.errors import RuleError
from webapp.core.reference import Organization
from webapp.extensions import db
from webapp.meetings import answers, invitations
from webapp.meetings.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    DELEGATED,
    NEEDS_ACTION,
    TENTATIVE,
    Participant,
)

START = datetime(2027, 5, 4, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
MICROSECOND = timedelta(microseconds=1)


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def monthly(organizer):
    """Three monthly meetings from 4 May 2027."""
    return make_series(organizer, rule="FREQ=MONTHLY;COUNT=3")


def _opens(person: Participant, now: datetime) -> str | None:
    """None when the person's link opens at `now`, else why it does not."""
    try:
        answers.participant_from_link(person.id, invitations.answer_token(person), now=now)
    except answers.AnswerLinkError as refused:
        return refused.reason
    return None


def test_a_link_opens_until_the_very_start_and_not_at_it(organizer):
    person = guest(make_series(organizer), organizer, "ana@customs.example")
    assert _opens(person, START - MICROSECOND) is None
    assert _opens(person, START) == answers.STARTED


def test_a_series_participant_answers_until_its_last_meeting_that_takes_place(monthly, organizer):
    person = guest(monthly, organizer, "ana@customs.example")
    first, second, last = monthly.occurrences
    assert _opens(person, first.starts_at + timedelta(days=1)) is None
    last.status = CANCELLED
    db.session.commit()
    assert _opens(person, second.starts_at - MICROSECOND) is None
    assert _opens(person, second.starts_at) == answers.STARTED


def test_a_link_to_a_series_whose_every_meeting_is_cancelled_opens_nothing(monthly, organizer):
    person = guest(monthly, organizer, "ana@customs.example")
    for occurrence in monthly.occurrences:
        occurrence.status = CANCELLED
    db.session.commit()
    assert _opens(person, NOW) == answers.CANCELLED_MEETING


def test_a_link_to_a_meeting_still_in_draft_opens_nothing(organizer):
    draft = make_series(organizer, schedule=False)
    person = guest(draft, organizer, "ana@customs.example")
    assert _opens(person, NOW) == answers.CANCELLED_MEETING


def test_a_participant_of_one_meeting_answers_until_that_one_starts(monthly, organizer):
    _first, second, _last = monthly.occurrences
    person = guest(second, organizer, "ana@customs.example")
    assert _opens(person, second.starts_at - MICROSECOND) is None
    assert _opens(person, second.starts_at) == answers.STARTED


def test_a_token_signed_for_another_purpose_is_a_forgery(organizer):
    person = guest(make_series(organizer), organizer, "ana@customs.example")
    other_purpose = tokens.sign("password-reset", person.id)
    with pytest.raises(answers.AnswerLinkError) as refused:
        answers.participant_from_link(person.id, other_purpose, now=NOW)
    assert refused.value.reason == answers.FORGED


def test_a_link_to_a_participant_that_does_not_exist_is_a_forgery(app):
    with pytest.raises(answers.AnswerLinkError) as refused:
        answers.participant_from_link(987654, tokens.sign(invitations.ANSWER_PURPOSE, 987654),
                                      now=NOW)  # fmt: skip
    assert refused.value.reason == answers.FORGED


def test_a_removed_participants_link_opens_nothing_even_before_the_start(organizer):
    person = guest(make_series(organizer), organizer, "ana@customs.example")
    person.removed_at = NOW
    db.session.commit()
    assert _opens(person, NOW) == answers.REMOVED


def test_the_refusal_names_its_reason():
    assert answers.AnswerLinkError(answers.STARTED).reason == answers.STARTED
    assert str(answers.AnswerLinkError(answers.REMOVED)) == answers.REMOVED


@pytest.mark.parametrize("answer", [ACCEPTED, TENTATIVE, DECLINED])
def test_each_answer_is_recorded_with_its_time(organizer, answer):
    person = guest(make_series(organizer), organizer, "ana@customs.example")
    assert answers.record_answer(person, answer, now=NOW) is None
    db.session.commit()
    db.session.refresh(person)
    assert (person.answer, person.answered_at) == (answer, NOW)


@pytest.mark.parametrize("answer", ["", NEEDS_ACTION, "maybe", "ACCEPTED"])
def test_an_answer_not_offered_is_refused_and_changes_nothing(organizer, answer):
    person = guest(make_series(organizer), organizer, "ana@customs.example")
    with pytest.raises(RuleError) as refused:
        answers.record_answer(person, answer, now=NOW)
    assert (refused.value.field, refused.value.message) == ("answer", "Choose an answer.")
    assert (person.answer, person.answered_at) == (NEEDS_ACTION, None)


@pytest.mark.parametrize("colleague", [None, answers.Colleague(email="  ", name="Bo")])
def test_sending_a_colleague_needs_their_address(organizer, colleague):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    with pytest.raises(RuleError) as refused:
        answers.record_answer(person, DELEGATED, now=NOW, colleague=colleague)
    assert refused.value.field == "email"
    assert refused.value.message == "Give your colleague's email address."
    assert person.answer == NEEDS_ACTION
    assert [p.email for p in meeting_participants(meeting)] == ["ana@customs.example"]


def meeting_participants(meeting) -> list[Participant]:
    db.session.expire_all()
    return list(db.session.query(Participant).filter_by(series_id=meeting.id))


def test_the_colleague_takes_the_participants_place_role_language_and_zone(
    organizer, member_state
):
    # Neither the language nor the zone is what the state would suggest: they are copied.
    unodc = Organization(acronym="UNODC", name_en="UNODC", name_es="UNODC", name_fr="ONUDC",
                         name_pt="UNODC")  # fmt: skip
    db.session.add(unodc)
    db.session.flush()
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example", role="observer", language="fr",
                   timezone="America/Manaus", member_state=member_state("BR"),
                   organization=unodc)  # fmt: skip
    colleague = answers.record_answer(
        person, DELEGATED, now=NOW, colleague=answers.Colleague("bo@customs.example", "Bo")
    )
    db.session.commit()
    assert colleague.series_id == meeting.id
    assert (colleague.email, colleague.name) == ("bo@customs.example", "Bo")
    assert (colleague.role, colleague.language, colleague.timezone) == (
        "observer",
        "fr",
        "America/Manaus",
    )
    assert colleague.member_state.code == "BR"
    assert colleague.organization_id == unodc.id
    assert colleague.proposed_by_id == organizer.id
    assert colleague.invited_sequence is not None  # invited at once
    assert (person.answer, person.delegated_to) == (DELEGATED, colleague)


def test_answering_again_after_sending_a_colleague_forgets_the_colleague(organizer):
    person = guest(make_series(organizer), organizer, "ana@customs.example")
    answers.record_answer(
        person, DELEGATED, now=NOW, colleague=answers.Colleague("bo@customs.example", "Bo")
    )
    answers.record_answer(person, ACCEPTED, now=NOW + timedelta(hours=1))
    db.session.commit()
    db.session.refresh(person)
    assert (person.answer, person.delegated_to_id) == (ACCEPTED, None)
    assert person.answered_at == NOW + timedelta(hours=1)


def test_a_colleague_cannot_be_sent_to_a_meeting_without_an_organizer(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    meeting.organizers = []
    db.session.commit()
    with pytest.raises(RuleError, match="no organizer"):
        answers.record_answer(
            person, DELEGATED, now=NOW, colleague=answers.Colleague("bo@customs.example", "Bo")
        )
    assert person.answer == NEEDS_ACTION
    assert [p.email for p in meeting_participants(meeting)] == ["ana@customs.example"]
