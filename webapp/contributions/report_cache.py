"""The contributions report's body (the totals, a page of each long table, the ageing and
the chart), rendered once per day, language and pages shown and kept until anything it
reads changes, in any process (see `webapp.core.freshness`). The links above it, which
depend on who reads, are rendered on every request.

The tables by donor, by earmark, of funding and of in-kind gifts run to hundreds of rows
(a quarter of a megabyte of HTML on every request, in the end): the page shows them
`PER_PAGE` rows at a time, and the CSV and XLSX downloads hold every row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask import render_template
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from webapp.contributions import charts, reports
from webapp.contributions.models import DONOR_KIND_LABELS, DONOR_KINDS
from webapp.contributions.queries import CONTRIBUTIONS
from webapp.core import freshness
from webapp.core.paging import Page, page_count

PER_PAGE = 25
# The long tables, by the query argument naming the page of each.
PAGED = ("donors", "earmarks", "funding", "in_kind")


def body(today: date, pages: Mapping[str, int]) -> Markup:
    """`pages`: the page asked for of each table in `PAGED` (1 when not asked)."""
    asked = tuple(pages.get(name, 1) for name in PAGED)

    def render() -> str:
        data = reports.build(today)
        rows = {
            "donors": data.by_donor,
            "earmarks": data.by_earmark,
            "funding": data.funding,
            "in_kind": data.in_kind,
        }
        return render_template(
            "contributions/_report_body.html",
            report=data,
            shown={name: _page(rows[name], n) for name, n in zip(PAGED, asked, strict=True)},
            chart=chart(data),
            buckets=reports.AGEING_BUCKETS,
        )

    key = ("report", today, str(get_locale()), asked)
    return Markup(freshness.cached(CONTRIBUTIONS, key, render))


def _page(rows: Sequence[object], number: int) -> Page:
    number = min(number, page_count(len(rows), PER_PAGE))
    start = (number - 1) * PER_PAGE
    return Page(list(rows[start : start + PER_PAGE]), number, PER_PAGE, len(rows))


def chart(data: reports.Report) -> str:
    kinds = {kind: str(DONOR_KIND_LABELS[kind]) for kind in DONOR_KINDS}
    return charts.contributions_over_time(
        data.over_time,
        kinds,
        title=_("Contributions received per year, in US dollars, by kind of donor"),
        amount_label=lambda value: format_decimal(value, "#,##0"),
    )
