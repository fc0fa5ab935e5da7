"""What the meetings pages list, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import lazyload, selectinload

from webapp.accounts.models import User
from webapp.core.paging import Page, page_count
from webapp.extensions import db
from webapp.meetings.access import visible_series
from webapp.meetings.models import CANCELLED, MeetingSeries, Occurrence

SERIES_PER_PAGE = 50


@dataclass
class SeriesRow:
    series: sa.Row  # id, title, scope
    next_start: datetime | None  # of the next meeting not cancelled
    count: int


def page_of_series(user: User, now: datetime, page: int = 1) -> Page:
    """One page of the series one may see, newest first, with their next meeting's start
    and how many meetings they have: three queries, the database counting and paging (a
    series has up to hundreds of meetings, and loading them all made the list take most
    of a second; rendering every series on one page took tens of milliseconds more)."""
    visible = visible_series(user)
    total = db.session.scalar(visible.with_only_columns(sa.func.count(MeetingSeries.id))) or 0
    page = min(page, page_count(total, SERIES_PER_PAGE))
    found = db.session.execute(
        visible.with_only_columns(MeetingSeries.id, MeetingSeries.title, MeetingSeries.scope)
        .order_by(MeetingSeries.id.desc())
        .limit(SERIES_PER_PAGE)
        .offset((page - 1) * SERIES_PER_PAGE)
    ).all()
    upcoming = sa.case(
        (sa.and_(Occurrence.starts_at > now, Occurrence.status != CANCELLED), Occurrence.starts_at)
    )
    figures = {
        series_id: (count, first)
        for series_id, count, first in db.session.execute(
            sa.select(
                Occurrence.series_id,
                sa.func.count(),
                sa.func.min(sa.type_coerce(upcoming, Occurrence.starts_at.type)),
            )
            .where(Occurrence.series_id.in_([row.id for row in found] or [0]))
            .group_by(Occurrence.series_id)
        )
    }
    rows = [
        SeriesRow(row, figures.get(row.id, (0, None))[1], figures.get(row.id, (0, None))[0])
        for row in found
    ]
    return Page(items=rows, page=page, per_page=SERIES_PER_PAGE, total=total)


def series_page(series: MeetingSeries) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            # The series is the one given, already loaded: joined again, it had its
            # organizers, states and topics read again too (four queries).
            .options(selectinload(Occurrence.moves), lazyload(Occurrence.series))
            .where(Occurrence.series_id == series.id)
            .order_by(Occurrence.original_start)
        )
    )
