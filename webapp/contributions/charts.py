"""A chart drawn on the server as SVG (no script): US dollars received per year, in bars
stacked by kind of donor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from xml.sax.saxutils import escape

from webapp.core.money import Money

COLOURS = ("#1f5f8b", "#e08a1e", "#3c8d3c", "#8b3f8b")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 320, 70, 40, 20


def contributions_over_time(
    totals: Mapping[tuple[int, str], Money],
    kinds: Mapping[str, str],
    *,
    title: str,
    amount_label: Callable[[Decimal], str],
) -> str:
    """`totals` maps (year, donor kind) to US dollars; `kinds` maps each kind to its
    label, in legend order. `amount_label` formats an axis value."""
    years = sorted({year for year, _kind in totals})
    peak = max(
        (
            sum((totals.get((y, k), Money(Decimal(0), "USD")).amount for k in kinds), Decimal(0))
            for y in years
        ),
        default=Decimal(0),
    )
    peak = peak if peak > 0 else Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP - 30
    slot = plot_w / max(len(years), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#444"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">'
        f"{escape(amount_label(peak))}</text>",
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, year in enumerate(years):
        x = LEFT + i * slot + slot * 0.15
        y = TOP + plot_h
        for kind_index, kind in enumerate(kinds):
            value = totals.get((year, kind))
            if value is None or value.amount <= 0:
                continue
            h = float(value.amount / peak) * plot_h
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[kind_index % len(COLOURS)]}">'
                f"<title>{year} · {escape(kinds[kind])}: {escape(amount_label(value.amount))}"
                "</title></rect>"
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
            f'font-size="12">{year}</text>'
        )
    legend_y = HEIGHT - 12
    for kind_index, label in enumerate(kinds.values()):
        lx = LEFT + kind_index * 140
        parts.append(
            f'<rect x="{lx}" y="{legend_y - 10}" width="10" height="10" '
            f'fill="{COLOURS[kind_index % len(COLOURS)]}"/>'
            f'<text x="{lx + 14}" y="{legend_y}" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
