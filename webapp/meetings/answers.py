"""Answers through signed per-participant links: accept, tentative, decline, or send a
colleague instead. Only a POST records; a link that is forged, for someone else, for a
removed participant or for a meeting that has started changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from webapp.core import tokens
from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    DELEGATED,
    DRAFT,
    TENTATIVE,
    Participant,
)
from webapp.meetings.participants import GuestInput, add_guest

ANSWERS = (ACCEPTED, TENTATIVE, DECLINED, DELEGATED)

# Why a link opens nothing: shown on a page of its own.
FORGED, REMOVED, STARTED, CANCELLED_MEETING = "forged", "removed", "started", "cancelled"


class AnswerLinkError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def next_start(participant: Participant) -> datetime | None:
    """The start that closes answers: the participant's meeting, or the series' last one."""
    target = invitations.target_of(participant)
    occurrences = getattr(target, "occurrences", None) or [target]
    starts = [o.starts_at for o in occurrences if o.status not in (CANCELLED, DRAFT)]
    return max(starts) if starts else None


def participant_from_link(participant_id: int, token: str, *, now: datetime) -> Participant:
    try:
        signed_id = tokens.verify(invitations.ANSWER_PURPOSE, token, max_age=None)
    except tokens.InvalidToken as exc:
        raise AnswerLinkError(FORGED) from exc
    if signed_id != participant_id:
        raise AnswerLinkError(FORGED)
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise AnswerLinkError(FORGED)
    if participant.is_removed:
        raise AnswerLinkError(REMOVED)
    start = next_start(participant)
    if start is None:
        raise AnswerLinkError(CANCELLED_MEETING)
    if start <= now:
        raise AnswerLinkError(STARTED)
    return participant


@dataclass
class Colleague:
    email: str
    name: str


def record_answer(
    participant: Participant, answer: str, *, now: datetime, colleague: Colleague | None = None
) -> Participant | None:
    """Record an answer; for "send a colleague instead", add and invite the colleague and
    return them."""
    if answer not in ANSWERS:
        raise RuleError(_("Choose an answer."), "answer")
    delegate = None
    if answer == DELEGATED:
        if colleague is None or not colleague.email.strip():
            raise RuleError(_("Give your colleague's email address."), "email")
        series = invitations.calendar_series(participant)
        organizer = series.organizer
        if organizer is None:
            raise RuleError(_("This meeting has no organizer to add your colleague."))
        target = invitations.target_of(participant)
        delegate = add_guest(
            target,
            GuestInput(
                email=colleague.email,
                name=colleague.name,
                role=participant.role,
                member_state=participant.member_state,
                organization=participant.organization,
                language=participant.language,
                timezone=participant.timezone,
            ),
            by=organizer,
        )
        participant.delegated_to = delegate
        invitations.invite(delegate, now=now)
    else:
        participant.delegated_to = None
    participant.answer = answer
    participant.answered_at = now
    db.session.flush()
    return delegate
