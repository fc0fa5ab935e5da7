"""A meeting's page (its times and their earlier moves, the activities of other
organizations it overlaps, its form, its agenda), rendered once per meeting, language and
time zone and kept until anything it shows changes, in any process (see
`webapp.core.freshness`): the meeting edited or moved, an agenda item added, an activity
registered, a state or organization renamed, an account that moved it renamed.

Only the form as the meeting stands is kept: a refused form, shown again with what was
typed, is rendered afresh. The CSRF token, the one thing that is per session, is put in
on every request. Its moves name the accounts that made them, so the group watches the
accounts too: a sign-in drops the kept meeting pages (not the list or series pages); the
next view renders its page again."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from webapp.core import freshness
from webapp.meetings.activities import window_days

OCCURRENCE_PAGE = "meeting page"
freshness.watch(
    OCCURRENCE_PAGE,
    "meeting_occurrences",
    "meeting_series",
    "meeting_series_states",
    "meeting_series_topics",
    "meeting_agenda_items",
    "external_activities",
    "external_activity_topics",
    "external_activity_states",
    "organizations",
    "member_states",
    "meeting_occurrence_moves",
    "users",
)


def occurrence_page(
    occurrence_id: int, render: Callable[[], tuple[str, str]]
) -> tuple[str, Markup]:
    """The title and content `render()` makes for the meeting, or those kept, with this
    request's token: `render` is called only when none are kept (it reads the meeting)."""
    key = ("occurrence", occurrence_id, *freshness.language_and_zone(), window_days())

    def kept() -> tuple[str, str]:
        title, html = render()
        return title, freshness.without_csrf_token(html)

    title, html = freshness.cached(OCCURRENCE_PAGE, key, kept)
    return title, freshness.with_csrf_token(html)
