"""The "add people from the directory" page's content (filters, one page of the entries
offered, the form that adds them), rendered once per series, filter, page, language and
scope of the reader, and kept until anything it shows changes, in any process: the
directory (an entry, an agency, an area) or the series (the states it names, a focal
point's states). Kept under the meetings' token with the directory's in the key
(`webapp.core.freshness`), so that a change to either renders it anew."""

from __future__ import annotations

from collections.abc import Hashable

from flask import render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from webapp.core import freshness
from webapp.core.reference import member_states
from webapp.directory.standings_cache import DIRECTORY
from webapp.meetings.forms import ContactFilterForm, ContactsForm
from webapp.meetings.offer import ContactFilter, agencies_to_offer, offer_states, page_of_offer
from webapp.meetings.participants_cache import MEETINGS, SeriesLoader
from webapp.meetings.views import _areas


def _filled(where: ContactFilter, page: int) -> dict[str, str]:
    return {
        "state": str(where.state_id),
        "area": str(where.area_id),
        "agency": str(where.agency_id),
        "page": str(page),
    }


def offer_body(
    series_id: int,
    load: SeriesLoader,
    *,
    scope: Hashable,
    where: ContactFilter,
    page: int,
    form: ContactsForm | None = None,
) -> Markup:
    """The content for a reader whose `scope` (what `offer_states` gives them, or one
    value for all who manage meetings) it is made for; `load()` reads the series, only
    when the content is rendered. Kept unless `form` is a refused form shown again."""

    def render() -> str:
        series = load()
        states = offer_states(current_user, series)
        listed = page_of_offer(states, where, page)
        return render_template(
            "meetings/_offer.html",
            series=series,
            listed=listed,
            filter_form=ContactFilterForm(
                formdata=None,
                data=_filled(where, page),
                states=[s for s in member_states() if states is None or s.id in states],
                areas=_areas(),
                agencies=agencies_to_offer(states),
            ),
            form=form
            or ContactsForm(formdata=None, contacts=listed.items, data=_filled(where, page)),
            where=where,
            csrf_field=freshness.CSRF_FIELD,
        )

    if form is not None:
        return freshness.with_csrf_token(render())
    # Both tokens in one query, before rendering; the meetings' is `cached`'s own.
    _meetings, directory = freshness.read_tokens(MEETINGS, DIRECTORY)
    key = ("offer", series_id, scope, directory, where, page, str(get_locale()))
    return freshness.with_csrf_token(freshness.cached(MEETINGS, key, render))
