"""The meetings list and a series page, rendered once per language, time zone and kind
of reader (who manages meetings, who sees a series' participants), and kept until
anything they show changes, in any process (see `webapp.core.freshness`): a series
renamed or given other states or topics, a meeting moved, cancelled or renamed, a state
or topic renamed.

They are kept under groups of their own, the tables they show: a participant's answer
or an account's sign-in (the "meetings" group watches both, for the participants page)
leaves them in place. The list also depends on the clock (each series' next meeting):
a kept list is out of date once the earliest next meeting it shows has started."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import render_template
from markupsafe import Markup

from webapp.accounts.models import User
from webapp.contributions.queries import series_funding
from webapp.core import freshness
from webapp.meetings.models import MeetingSeries
from webapp.meetings.queries import page_of_series
from webapp.meetings.queries import series_page as series_page_of

SCHEDULE = "meeting schedule"
SCHEDULE_TABLES = (
    "meeting_series",
    "meeting_series_states",
    "meeting_series_topics",
    "meeting_occurrences",
    "meeting_occurrence_moves",
    "member_states",
    "directory_areas",
)
freshness.watch(SCHEDULE, *SCHEDULE_TABLES)
# A series page also shows, to those who manage, its budget and earmarked receipts.
SERIES_PAGE = "meeting series page"
freshness.watch(SERIES_PAGE, *SCHEDULE_TABLES, "activity_budgets", "receipts")


def series_list(user: User, now: datetime, page: int, *, manages: bool) -> Markup:
    """One page of the series `user` may see, with their next meetings as of `now`. Those
    who manage see every series, so one list serves them all; what others see depends
    on where they take part, so theirs is made for each request."""

    def render() -> tuple[datetime | None, str]:
        rows = page_of_series(user, now, page)
        starts = [row.next_start for row in rows.items if row.next_start is not None]
        html = render_template("meetings/_series_list.html", rows=rows)
        return min(starts, default=None), html

    if not manages:
        return Markup(render()[1])
    key = ("series list", page, *freshness.language_and_zone())
    _changes_at, html = freshness.cached(
        SCHEDULE, key, render, stale=lambda kept: kept[0] is not None and kept[0] <= now
    )
    return Markup(html)


def series_page(
    series_id: int,
    load: Callable[[], MeetingSeries],
    *,
    manages: bool,
    sees_participants: bool,
) -> tuple[str, Markup]:
    """The title and content of the page of the series `load()` returns, called only when
    no page is kept: who manages sees every series, so their page is served without
    reading the series at all. Its funding, shown to those who manage, is kept with it
    (a receipt or a budget set drops it)."""
    key = ("series page", series_id, manages, sees_participants, *freshness.language_and_zone())

    def render() -> tuple[str, str]:
        series = load()
        return series.title, render_template(
            "meetings/_series_page.html",
            series=series,
            page=series_page_of(series),
            manages=manages,
            sees_participants=sees_participants,
            funding=series_funding(series.id) if manages else None,
        )

    title, html = freshness.cached(SERIES_PAGE, key, render)
    return title, Markup(html)
