"""The participants page, rendered once per series, language, time zone and kind of reader,
and kept until anything it shows changes, in any process (see `webapp.core.freshness`):
an answer through a signed link, a new participant, an invitation sent, a meeting moved,
a state renamed. A series has up to a thousand participants; the table is kept per page
and filter. The forms' CSRF token, the one thing that is per session, is put in on every
request (`freshness.with_csrf_token`)."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template
from markupsafe import Markup

from webapp.core import freshness
from webapp.core.reference import member_states
from webapp.meetings import roster
from webapp.meetings.forms import GuestForm
from webapp.meetings.models import CANCELLED, MeetingSeries, Occurrence

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
SeriesLoader = Callable[[], MeetingSeries]


def series_title(series_id: int, load: SeriesLoader) -> str:
    """The series' title, kept: on a page served from what is kept, the series is not read."""
    return freshness.cached(MEETINGS, ("series title", series_id), lambda: load().title)


def invitable(series: MeetingSeries) -> list[Occurrence]:
    """The meetings one may be invited to alone: those not cancelled."""
    return [o for o in series.occurrences if o.status != CANCELLED]


def guest_form(series: MeetingSeries, **kwargs: object) -> GuestForm:
    return GuestForm(states=member_states(), occurrences=invitable(series), **kwargs)


def participants_body(
    series_id: int,
    load: SeriesLoader,
    *,
    manages: bool,
    may_propose: bool,
    sending: bool,
    where: roster.RosterFilter,
    page: int,
    form: GuestForm | None = None,
) -> Markup:
    """The page's content: the answers counted over everyone, one page of the people
    narrowed by `where`, and (for those who may propose people) the link to the directory
    offer and the guest form. `load()` reads the series, only when the content is
    rendered; kept unless `form` is a refused guest form shown again with its errors."""

    def render() -> str:
        series = load()
        everyone = roster.summary(series)
        return render_template(
            "meetings/_participants_body.html",
            series=series,
            people=roster.page_of(series, where, page, total=everyone.total(where)),
            counts=everyone.counts,
            states=everyone.states,
            where=where,
            csrf_field=freshness.CSRF_FIELD,
            manages=manages,
            sending=sending,
            may_propose=may_propose,
            guest_form=form or (guest_form(series, formdata=None) if may_propose else None),
        )

    if form is not None:
        return freshness.with_csrf_token(render())
    key = (
        "participants",
        series_id,
        manages,
        may_propose,
        sending,
        *freshness.language_and_zone(),
        where,
        page,
    )
    return freshness.with_csrf_token(freshness.cached(MEETINGS, key, render))
