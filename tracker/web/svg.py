"""Line charts as inline SVG for the web view. Pure: numbers in, markup out; no script, no CDN.

Colours come from the page's stylesheet (classes ``s0`` ... ``s7``, ``others``), so the chart
follows the reader's light or dark scheme. Lines never rely on colour alone: each series has its
own dash pattern and marker shape, shown in the legend too. The ``<title>`` and ``<desc>`` name
the chart and give each series' latest value for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tracker.report.chart import nice_step, top_series

WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 52, 44, 16, 44
LEGEND_ROW = 24
DASHES = ("", "8 4", "2 4", "10 4 2 4")
MARKERS = ("circle", "square", "triangle", "diamond", "down")
MAX_LINES = 7


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    css: str  # s0..s7 or "others"
    dash: str
    marker: str


def series_styles(shown: Sequence[tuple[str, list[int]]]) -> list[Series]:
    """A class, dash pattern and marker per series; "Others (n)" keeps its grey class."""
    found = []
    for i, (name, values) in enumerate(shown):
        css = "others" if name.startswith("Others (") else f"s{i % 8}"
        found.append(Series(name, values, css, DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]))
    return found


def marker(shape: str, x: float, y: float, size: float = 4.0) -> str:
    """An SVG element for one point."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" height="{2 * size}"/>'
        )
    tips = {
        "triangle": ((0, -1.2), (1.1, 0.9), (-1.1, 0.9)),
        "down": ((0, 1.2), (1.1, -0.9), (-1.1, -0.9)),
        "diamond": ((0, -1.3), (1.2, 0), (0, 1.3), (-1.2, 0)),
    }[shape]
    points = " ".join(f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in tips)
    return f'<polygon points="{points}"/>'


def describe(title: str, shown: Sequence[Series], labels: Sequence[str]) -> str:
    if not shown or not labels:
        return f"{title}: no data."
    latest = "; ".join(f"{s.name}: {s.values[-1]}" for s in shown)
    return f"{title}, {labels[0]} to {labels[-1]}. At {labels[-1]}: {latest}."


def line_chart(
    title: str, labels: Sequence[str], series: Mapping[str, Sequence[int]], chart_id: str
) -> Markup:
    """An accessible SVG line chart: one x label per point, one value per point per series."""
    shown = series_styles(top_series(series, MAX_LINES))
    legend_rows = (len(shown) + 2) // 3
    height = HEIGHT + legend_rows * LEGEND_ROW
    top = max([1, *(max(s.values, default=0) for s in shown)])
    step = nice_step(top)
    ymax = step * -(-top // step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(1, len(labels) - 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return LEFT + plot_w * i / count, TOP + plot_h * (1 - v / ymax)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(describe(title, shown, labels))}</desc>',
    ]
    parts += _axes(labels, ymax, step, xy)
    for s in shown:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(s.values)))
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(f'<g class="line {s.css}"><polyline points="{points}"{dash}/>')
        parts += [marker(s.marker, *xy(i, v)) for i, v in enumerate(s.values)]
        parts.append("</g>")
    parts += _legend(shown, HEIGHT)
    parts.append("</svg>")
    return Markup("".join(parts))


Point = Callable[[int, int], tuple[float, float]]


def _axes(labels: Sequence[str], ymax: int, step: int, xy: Point) -> list[str]:
    parts = ['<g class="axis">']
    for value in range(0, ymax + 1, step):
        _, y = xy(0, value)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    every = max(1, -(-len(labels) // 8))
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % every:  # evenly spaced, ending on the latest
            continue
        x, _ = xy(i, 0)
        y = HEIGHT - BOTTOM + 22
        parts.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</g>")
    return parts


def _legend(shown: Sequence[Series], top: int) -> list[str]:
    parts = ['<g class="legend">']
    column = (WIDTH - LEFT) / 3
    for i, s in enumerate(shown):
        x = LEFT + column * (i % 3)
        y = top + LEGEND_ROW * (i // 3)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(f'<g class="line {s.css}"><line x1="{x:.1f}" y1="{y - 4}" ')
        parts.append(f'x2="{x + 28:.1f}" y2="{y - 4}"{dash}/>{marker(s.marker, x + 14, y - 4)}</g>')
        name = s.name if len(s.name) <= 30 else s.name[:29] + "…"
        parts.append(f'<text x="{x + 34:.1f}" y="{y}">{escape(name)}</text>')
    parts.append("</g>")
    return parts
