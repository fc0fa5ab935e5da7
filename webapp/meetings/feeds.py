"""Private, revocable calendar subscriptions: each user's meetings as one feed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from webapp.accounts.models import User
from webapp.extensions import db
from webapp.meetings import calendar
from webapp.meetings.access import visible_series
from webapp.meetings.models import CalendarSubscription, MeetingSeries


def current(user: User) -> CalendarSubscription:
    """The user's live subscription, made on first use. The caller commits."""
    found = db.session.scalar(
        sa.select(CalendarSubscription).where(
            CalendarSubscription.user_id == user.id, CalendarSubscription.revoked_at.is_(None)
        )
    )
    if found is None:
        found = CalendarSubscription(user_id=user.id)
        db.session.add(found)
        db.session.flush()
    return found


def renew(user: User, *, now: datetime) -> CalendarSubscription:
    """Revoke the old address and make a new one."""
    db.session.execute(
        sa.update(CalendarSubscription)
        .where(CalendarSubscription.user_id == user.id, CalendarSubscription.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return current(user)


def feed_for_token(token: str, *, now: datetime) -> str | None:
    if not token or len(token) > 64:
        return None
    subscription = db.session.scalar(
        sa.select(CalendarSubscription).where(
            CalendarSubscription.token == token, CalendarSubscription.revoked_at.is_(None)
        )
    )
    if subscription is None or not subscription.user.is_active:
        return None
    # Each series' meetings in one query for all (a query per series before).
    found = db.session.scalars(
        visible_series(subscription.user)
        .options(selectinload(MeetingSeries.parts), selectinload(MeetingSeries.occurrences))
        .order_by(MeetingSeries.id)
    )
    events = []
    for series in found:
        if series.occurrences:
            events.extend(calendar.series_events(series, ()))
            # Earlier rules' events, ended at their last meeting: those meetings stay listed.
            for part in series.parts:
                if part.until is not None:
                    events.extend(calendar.part_events(part, series, ()))
    return calendar.feed(events, name="Puerto", dtstamp=now)
