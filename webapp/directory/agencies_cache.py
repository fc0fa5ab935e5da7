"""A state's agencies page table (each agency, its kind and its active entries), a page of
`PER_PAGE` at a time (a state has hundreds: the whole table was an eighth of a megabyte on
every visit), rendered once per state, page and language and kept until anything in the
directory changes, in any process (see `webapp.core.freshness`). Who may see it is
decided before, by the view."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from webapp.core import freshness
from webapp.core.paging import Page, page_count
from webapp.core.reference import MemberState
from webapp.directory import agencies
from webapp.directory.standings_cache import DIRECTORY

PER_PAGE = 50


def table(state: MemberState, page: int = 1) -> Markup:
    def render() -> str:
        every = agencies.agencies_of(state.id, include_inactive=True)
        number = min(page, page_count(len(every), PER_PAGE))
        start = (number - 1) * PER_PAGE
        return render_template(
            "directory/_agencies_table.html",
            state=state,
            page=Page(every[start : start + PER_PAGE], number, PER_PAGE, len(every)),
            counts=agencies.active_contacts_by_agency(state.id),
        )

    key = ("agencies", state.id, page, str(get_locale()))
    return Markup(freshness.cached(DIRECTORY, key, render))
