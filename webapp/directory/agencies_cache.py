"""A state's agencies page table (every agency, its kind and its active entries), rendered
once per state and language and kept until anything in the directory changes, in any
process (see `webapp.core.freshness`). Who may see it is decided before, by the view."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from webapp.core import freshness
from webapp.core.reference import MemberState
from webapp.directory import agencies
from webapp.directory.standings_cache import DIRECTORY


def table(state: MemberState) -> Markup:
    def render() -> str:
        return render_template(
            "directory/_agencies_table.html",
            state=state,
            agencies=agencies.agencies_of(state.id, include_inactive=True),
            counts=agencies.active_contacts_by_agency(state.id),
        )

    return Markup(freshness.cached(DIRECTORY, ("agencies", state.id, str(get_locale())), render))
