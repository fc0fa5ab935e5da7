"""Who sees which meeting: organizers and admins every one; a focal point those that
concern their states (and public ones); anyone else the meetings they take part in.
Only those who manage a meeting, or focal points of its states, see a non-public
meeting's participants."""

from __future__ import annotations

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER
from webapp.extensions import db
from webapp.meetings.models import (
    MeetingSeries,
    Occurrence,
    Participant,
    series_states,
)


def manages(user: User) -> bool:
    return bool(user.role_names & {ADMIN, ORGANIZER})


def _own_series_ids(user: User) -> sa.Select:
    """Series in which the user's address takes part (series-wide or one occurrence)."""
    direct = sa.select(Participant.series_id).where(
        sa.func.lower(Participant.email) == user.email.lower(),
        Participant.removed_at.is_(None),
        Participant.series_id.is_not(None),
    )
    through = (
        sa.select(Occurrence.series_id)
        .join(Participant, Participant.occurrence_id == Occurrence.id)
        .where(
            sa.func.lower(Participant.email) == user.email.lower(),
            Participant.removed_at.is_(None),
        )
    )
    return sa.union(direct, through)


def sees_everything(user: User) -> bool:
    """Every series, its participants, and proposing people to it: known without reading
    the series (so a page kept for such readers need not read it)."""
    return manages(user)


def visible_series(user: User) -> sa.Select:
    query = sa.select(MeetingSeries)
    if sees_everything(user):
        return query
    conditions = [MeetingSeries.id.in_(_own_series_ids(user))]
    if FOCAL_POINT in user.role_names:
        state_ids = [state.id for state in user.member_states]
        conditions.append(
            MeetingSeries.id.in_(
                sa.select(series_states.c.series_id).where(
                    series_states.c.member_state_id.in_(state_ids)
                )
            )
        )
        conditions.append(MeetingSeries.is_public.is_(True))
    return query.where(sa.or_(*conditions))


def can_see(user: User, series: MeetingSeries) -> bool:
    return (
        db.session.scalar(
            visible_series(user)
            .where(MeetingSeries.id == series.id)
            .with_only_columns(MeetingSeries.id)
        )
        is not None
    )


def concerns_my_states(user: User, series: MeetingSeries) -> bool:
    return FOCAL_POINT in user.role_names and bool(
        set(series.member_states) & set(user.member_states)
    )


def can_see_participants(user: User, series: MeetingSeries) -> bool:
    if sees_everything(user) or concerns_my_states(user, series):
        return True
    return series.is_public and can_see(user, series)


def can_propose(user: User, series: MeetingSeries) -> bool:
    return sees_everything(user) or concerns_my_states(user, series)
