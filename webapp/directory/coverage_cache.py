"""The coverage page's body (summary, table, counts by area, chart), rendered once per
day, language, time zone and viewer's reach, and kept until anything in the directory
changes, in any process (see `webapp.core.freshness`), with the blank verification
period form for those who set it. Its forms' CSRF token, the one thing that is per
session, is put in on every request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import render_template
from markupsafe import Markup

from webapp.core import freshness
from webapp.directory import agencies, chart, standing, standings_cache
from webapp.directory.forms import PeriodForm
from webapp.directory.standings_cache import DIRECTORY


def body(
    today: date, state_ids: Iterable[int] | None, can_send: bool, period_form: bool = False
) -> Markup:
    """`period_form`: with the blank verification period form at the end (a form sent
    back with errors is rendered per request instead)."""
    ids = None if state_ids is None else tuple(sorted(state_ids))
    key = ("coverage", today, ids, can_send, period_form, *freshness.language_and_zone())

    def render() -> str:
        rows = standings_cache.standings(today, ids)
        return render_template(
            "directory/_coverage_body.html",
            rows=rows,
            areas=agencies.active_areas(),
            chart=chart.contacts_chart(rows),
            csrf_placeholder=freshness.CSRF_TOKEN,
            can_send=can_send,
            today=today,
            sees_all=ids is None,
            default_days=standing.default_verification_days(),
        ) + (_blank_period_form(rows) if period_form and rows else "")

    html = freshness.cached(DIRECTORY, key, render)
    return freshness.with_csrf_token(html)


def _blank_period_form(rows: list[standing.Standing]) -> str:
    form = PeriodForm(formdata=None)
    form.state.choices = [(r.state.id, r.state.name) for r in rows]
    return render_template(
        "directory/_period_form.html", period_form=form, csrf_placeholder=freshness.CSRF_TOKEN
    )
