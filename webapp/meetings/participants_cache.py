"""The participants page's answers, counts and table, rendered once per series, language,
time zone and kind of reader, and kept until anything they show changes, in any process
(see `webapp.core.freshness`): an answer through a signed link, a new participant, an
invitation sent, a meeting moved. A series has up to a thousand participants; the table
is kept per page and filter. The forms' CSRF token, the one thing that is per
session, is put in on every request."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from webapp.core import freshness
from webapp.meetings import roster
from webapp.meetings.models import MeetingSeries

MEETINGS = "meetings"
freshness.watch(
    MEETINGS,
    "meeting_participants",
    "meeting_occurrences",
    "meeting_occurrence_moves",
    "meeting_series",
    "meeting_series_parts",
    "meeting_series_states",
    "meeting_series_organizers",
    "users",
    "user_member_states",
    "member_states",
    "organizations",
)
CSRF_PLACEHOLDER = "__puerto_csrf_field__"


def people_section(
    series: MeetingSeries,
    *,
    manages: bool,
    sending: bool,
    csrf_field: Markup,
    where: roster.RosterFilter,
    page: int,
) -> Markup:
    """The section, with `csrf_field` (the send form's hidden tag) in its forms: the counts
    over everyone, and one page of the people narrowed by `where`."""
    key = (
        "participants",
        series.id,
        manages,
        sending,
        str(get_locale()),
        str(get_timezone()),
        where,
        page,
    )

    def render() -> str:
        everyone = roster.summary(series)
        return render_template(
            "meetings/_people.html",
            series=series,
            people=roster.page_of(series, where, page, total=everyone.total(where)),
            counts=everyone.counts,
            states=everyone.states,
            where=where,
            csrf_field=Markup(CSRF_PLACEHOLDER),
            manages=manages,
            sending=sending,
        )

    html = freshness.cached(MEETINGS, key, render)
    return Markup(html.replace(CSRF_PLACEHOLDER, str(csrf_field)))
