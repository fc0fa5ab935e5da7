"""The contributions report's body (every table, the ageing, the funding and the chart),
rendered once per day and language and kept until anything it reads changes, in any
process (see `webapp.core.freshness`). The links above it, which depend on who reads,
are rendered on every request."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from webapp.contributions import charts, reports
from webapp.contributions.models import DONOR_KIND_LABELS, DONOR_KINDS
from webapp.contributions.queries import CONTRIBUTIONS
from webapp.core import freshness


def body(today: date) -> Markup:
    def render() -> str:
        data = reports.build(today)
        return render_template(
            "contributions/_report_body.html",
            report=data,
            chart=chart(data),
            buckets=reports.AGEING_BUCKETS,
        )

    return Markup(freshness.cached(CONTRIBUTIONS, ("report", today, str(get_locale())), render))


def chart(data: reports.Report) -> str:
    kinds = {kind: str(DONOR_KIND_LABELS[kind]) for kind in DONOR_KINDS}
    return charts.contributions_over_time(
        data.over_time,
        kinds,
        title=_("Contributions received per year, in US dollars, by kind of donor"),
        amount_label=lambda value: format_decimal(value, "#,##0"),
    )
