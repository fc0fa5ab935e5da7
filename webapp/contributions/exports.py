"""The contributions report as CSV and XLSX: one row per group and currency, amounts as
exact decimals in their currency, never summed across currencies."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from flask_babel import gettext as _

from webapp.contributions.reports import Group, Report
from webapp.core.money import USD, Money

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """Text a spreadsheet must not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def headers() -> list[str]:
    return [
        _("Section"),
        _("Group"),
        _("Currency"),
        _("Pledged"),
        _("Received"),
        _("Outstanding"),
        _("Pledged (USD)"),
        _("Received (USD)"),
    ]


def rows(report: Report, earmark_name: Callable[[str, str], str]) -> Iterator[list[object]]:
    sections: list[tuple[str, str, list[Group]]] = [
        ("donor", _("By donor"), report.by_donor),
        ("year", _("By year"), report.by_year),
        ("earmark", _("By earmark"), report.by_earmark),
        ("total", _("Total"), [report.totals]),
    ]
    for kind, section, groups in sections:
        for group in groups:
            if kind == "earmark":
                label = earmark_name(*group.key)
            elif kind == "total":
                label = _("All donors")
            else:
                label = group.label
            for line in group.currency_lines:
                yield [
                    section,
                    _safe(label),
                    line.currency,
                    line.pledged.amount,
                    line.received.amount,
                    line.outstanding.amount,
                    Money.from_minor(line.pledged_usd_minor, USD).amount,
                    Money.from_minor(line.received_usd_minor, USD).amount,
                ]
            yield [
                section,
                _safe(label),
                _("All currencies, in USD"),
                None,
                None,
                None,
                group.pledged_usd.amount,
                group.received_usd.amount,
            ]


def as_csv(report: Report, earmark_name: Callable[[str, str], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows(report, earmark_name):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def as_xlsx(report: Report, earmark_name: Callable[[str, str], str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Contributions")[:31]
    sheet.append(headers())
    for number, row in enumerate(rows(report, earmark_name), start=2):
        sheet.append(row)
        for column, value in enumerate(row[3:], start=4):
            if value is not None:
                places = -value.as_tuple().exponent
                sheet.cell(number, column).number_format = "#,##0" + (
                    "." + "0" * places if places else ""
                )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
