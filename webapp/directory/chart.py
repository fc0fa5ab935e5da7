"""The coverage page's bar chart, as geometry: the template draws it as inline SVG from
the same rows as the table."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.directory.labels import STANDING_LABELS
from webapp.directory.standing import (
    CURRENT,
    DUE,
    NO_CONTACTS,
    NO_FOCAL_POINT,
    STALE,
    STATUSES,
    Standing,
)

STATUS_COLOURS = {
    CURRENT: "#1e6b35",
    DUE: "#8a5a00",
    STALE: "#a1261c",
    NO_FOCAL_POINT: "#5b6775",
    NO_CONTACTS: "#a1261c",
}


@dataclass(frozen=True)
class Bar:
    label: str
    name: str
    value: int
    status: str
    y: int
    width: int
    colour: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    bars: list[Bar]
    maximum: int
    legend: list[tuple[str, str]]


def contacts_chart(rows: list[Standing], bar_height: int = 16, gap: int = 6) -> Chart:
    """A horizontal bar per state: active contacts, coloured by status. Geometry only; the
    template draws it as inline SVG from the same rows as the table."""
    label_width, plot_width, top = 48, 520, 8
    maximum = max((r.active_contacts for r in rows), default=0) or 1
    bars = [
        Bar(
            label=r.state.code,
            name=r.state.name,
            value=r.active_contacts,
            status=r.status,
            y=top + i * (bar_height + gap),
            width=round(plot_width * r.active_contacts / maximum),
            colour=STATUS_COLOURS[r.status],
        )
        for i, r in enumerate(rows)
    ]
    height = top * 2 + len(rows) * (bar_height + gap)
    present = {r.status for r in rows}
    legend = [(str(STANDING_LABELS[s]), STATUS_COLOURS[s]) for s in STATUSES if s in present]
    return Chart(
        width=label_width + plot_width + 60,
        height=height,
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=bars,
        maximum=maximum,
        legend=legend,
    )
