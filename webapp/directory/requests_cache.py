"""A focal point's refresh requests page (the open ones with their review links, the
latest answered ones), rendered once per focal point, day, language and time zone and kept
until anything in the directory changes, in any process (see `webapp.core.freshness`): a
request sent, reminded or answered, a state renamed, the focal point's states changed.

The review links are signed when the page is rendered: keyed by the day, a kept page's
links are never more than a day older than a new one's, far within their validity
(REFRESH_LINK_MAX_AGE_SECONDS)."""

from __future__ import annotations

from datetime import date

from flask import render_template
from markupsafe import Markup

from webapp.accounts.models import User
from webapp.core import freshness
from webapp.directory import refresh, refresh_mail
from webapp.directory.standings_cache import DIRECTORY


def requests_page(person: User, today: date) -> Markup:
    states = tuple(sorted(person.member_state_ids))
    key = ("refresh requests", person.id, states, today, *freshness.language_and_zone())

    def render() -> str:
        open_requests, answered = refresh.requests_for(person)
        return render_template(
            "directory/_refresh_requests.html",
            open_requests=open_requests,
            answered=answered,
            review_token=refresh_mail.review_token,
        )

    return Markup(freshness.cached(DIRECTORY, key, render))
