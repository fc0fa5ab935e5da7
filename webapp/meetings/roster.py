"""The participants page's list: everyone's answers counted by the database, and one page
of the people, filtered by answer and by member state. A series has up to a thousand
participants; the page shows a hundred at a time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from webapp.core.paging import Page
from webapp.core.reference import MemberState, Organization
from webapp.extensions import db
from webapp.meetings.models import ANSWER_LABELS, MeetingSeries, Occurrence, Participant
from webapp.meetings.participants import Counts

PER_PAGE = 100


@dataclass(frozen=True)
class RosterFilter:
    """What the list is narrowed to: an answer ("" for any), a member state (0 for any)."""

    answer: str = ""
    state_id: int = 0


def _of_series(series: MeetingSeries) -> sa.ColumnElement[bool]:
    """Invited to the series, or to one of its occurrences alone; not removed."""
    return sa.and_(
        sa.or_(
            Participant.series_id == series.id,
            Participant.occurrence_id.in_(
                sa.select(Occurrence.id).where(Occurrence.series_id == series.id)
            ),
        ),
        Participant.removed_at.is_(None),
    )


@dataclass
class Summary:
    """Everyone's answers counted, the member states present, and how many each filter
    leaves: all from one grouped query."""

    counts: Counts
    states: list[MemberState]
    groups: list[tuple[int | None, str, int]]  # (member state id, answer, how many)

    def total(self, where: RosterFilter) -> int:
        return sum(
            number
            for state_id, answer, number in self.groups
            if (not where.answer or answer == where.answer)
            and (not where.state_id or state_id == where.state_id)
        )


def summary(series: MeetingSeries) -> Summary:
    """Everyone's answers, overall and per member state (or organization), counted by the
    database whatever the page shows."""
    rows = db.session.execute(
        sa.select(MemberState, Organization, Participant.answer, sa.func.count())
        .select_from(Participant)
        .outerjoin(MemberState, MemberState.id == Participant.member_state_id)
        .outerjoin(Organization, Organization.id == Participant.organization_id)
        .where(_of_series(series))
        .group_by(MemberState.id, Organization.id, Participant.answer)
    ).all()
    by_answer: Counter[str] = Counter()
    per_state: dict[str, Counter[str]] = {}
    states: dict[int, MemberState] = {}
    for state, organization, answer, number in rows:
        label = state.name if state else (organization.acronym if organization else "—")
        per_state.setdefault(label, Counter())[answer] += number
        by_answer[answer] += number
        if state is not None:
            states[state.id] = state
    return Summary(
        counts=Counts(
            by_answer={answer: by_answer.get(answer, 0) for answer in ANSWER_LABELS},
            by_state=sorted((label, dict(c)) for label, c in per_state.items()),
        ),
        states=sorted(states.values(), key=lambda state: state.name),
        groups=[(state.id if state else None, answer, n) for state, _o, answer, n in rows],
    )


def page_of(series: MeetingSeries, where: RosterFilter, page: int, *, total: int) -> Page:
    """One page of the participants: those invited to the whole series first (by member
    state, then name), then those invited to one meeting alone (by its start). `total`:
    how many `where` leaves (`Summary.total`)."""
    conditions = [_of_series(series)]
    if where.answer:
        conditions.append(Participant.answer == where.answer)
    if where.state_id:
        conditions.append(Participant.member_state_id == where.state_id)
    page = min(page, max(1, -(-total // PER_PAGE)))
    series_wide = Participant.occurrence_id.is_(None)
    people = db.session.scalars(
        sa.select(Participant)
        .outerjoin(Participant.occurrence)
        .options(contains_eager(Participant.occurrence))
        .where(*conditions)
        .order_by(
            series_wide.desc(),
            Occurrence.starts_at,
            sa.case((series_wide, Participant.member_state_id)),
            Participant.name,
            Participant.id,
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return Page(items=list(people), page=page, per_page=PER_PAGE, total=total)
