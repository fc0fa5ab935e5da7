"""A series page's table of meetings, rendered once per series, language, time zone and
whether the reader manages meetings, and kept until anything it shows changes, in any
process (see `webapp.core.freshness`): a meeting moved, cancelled, renamed, its host
state renamed."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from webapp.core import freshness
from webapp.meetings.models import MeetingSeries
from webapp.meetings.participants_cache import MEETINGS
from webapp.meetings.queries import series_page


def meetings_table(series: MeetingSeries, *, manages: bool) -> Markup:
    key = ("series meetings", series.id, manages, str(get_locale()), str(get_timezone()))

    def render() -> str:
        return render_template(
            "meetings/_series_meetings.html",
            series=series,
            page=series_page(series),
            manages=manages,
        )

    return Markup(freshness.cached(MEETINGS, key, render))
