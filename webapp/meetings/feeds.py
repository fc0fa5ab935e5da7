"""Private, revocable calendar subscriptions: each user's meetings as one feed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from webapp.accounts.models import User
from webapp.core import freshness
from webapp.extensions import db
from webapp.meetings import calendar
from webapp.meetings.access import visible_series
from webapp.meetings.models import CalendarSubscription, MeetingSeries
from webapp.meetings.participants_cache import MEETINGS


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


class FeedText(str):
    """A feed's text, with the time it was written (its DTSTAMP) and an entity tag that
    names its content whatever process wrote it (the text without its DTSTAMP lines)."""

    stamp: datetime
    etag: str


def _written(events_of: Callable[[], list], *, now: datetime) -> FeedText:
    text = FeedText(calendar.feed(events_of(), name="Puerto", dtstamp=now))
    text.stamp = now.replace(microsecond=0)
    content = re.sub(r"^DTSTAMP:[^\r\n]*", "", text, flags=re.M)
    text.etag = hashlib.sha256(content.encode()).hexdigest()[:32]
    return text


def feed_for_token(token: str, *, now: datetime) -> FeedText | None:
    """The feed of a live subscription, written again only once something in it changed
    (in any process): between changes its DTSTAMP, the time it was written, stays."""
    if not token or len(token) > 64:
        return None
    subscription = db.session.scalar(
        sa.select(CalendarSubscription)
        .options(joinedload(CalendarSubscription.user))
        .where(CalendarSubscription.token == token, CalendarSubscription.revoked_at.is_(None))
    )
    if subscription is None or not subscription.user.is_active:
        return None
    user = subscription.user

    def events() -> list:
        # Each series' meetings in one query for all (a query per series before).
        found = db.session.scalars(
            visible_series(user)
            .options(selectinload(MeetingSeries.parts), selectinload(MeetingSeries.occurrences))
            .order_by(MeetingSeries.id)
        )
        events = []
        for series in found:
            if series.occurrences:
                events.extend(calendar.series_events(series, ()))
                # Earlier rules' events, ended at their last meeting: those meetings stay
                # listed.
                for part in series.parts:
                    if part.until is not None:
                        events.extend(calendar.part_events(part, series, ()))
        return events

    return freshness.cached(MEETINGS, ("feed", subscription.id), lambda: _written(events, now=now))
