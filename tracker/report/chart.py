"""The digest's chart: open compute roles per company over the last weeks, as a PNG. Pure.

Drawn with Pillow at twice the size and scaled down (smooth lines without anti-aliasing support
in ``ImageDraw``). Two themes: ``light`` (white, for mail clients: it reads the same in light
and dark ones) and ``dark`` (for pages that follow the reader's colour scheme). The largest
companies get a line each; the rest are summed as "Others".

Lines never rely on colour alone and never hide each other: each series has its own dash
pattern and marker shape (shown in the legend too), and lines drawn first are wider, so a line
lying exactly on another leaves the other's edges and markers visible.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PIL import Image, ImageDraw, ImageFont

# Okabe-Ito (colour-blind safe) minus yellow, then a purple and black; "Others" is grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F3C8D", "#1F2937")
OTHERS_COLOUR = "#9CA3AF"
BACKGROUND = "#FFFFFF"
INK = "#111827"
MUTED = "#4B5563"
GRID = "#E5E7EB"
# Dash patterns (on, off in px before scaling; () = solid) and marker shapes, cycled per series.
DASHES: tuple[tuple[int, ...], ...] = ((), (9, 5), (2, 4), (10, 4, 2, 4))
MARKERS = ("circle", "square", "triangle", "diamond", "down", "circle", "square", "triangle")


@dataclass(frozen=True)
class Theme:
    background: str
    ink: str
    muted: str
    grid: str
    palette: tuple[str, ...]
    others: str


THEMES = {
    "light": Theme(BACKGROUND, INK, MUTED, GRID, PALETTE, OTHERS_COLOUR),
    "dark": Theme(
        "#0D1117",
        "#E6EDF3",
        "#9DA7B3",
        "#30363D",
        ("#56B4E9", "#E69F00", "#009E73", "#F0795B", "#CC79A7", "#9ED4F5", "#B58BD6", "#E5E7EB"),
        "#8B949E",
    ),
}
MAX_LINES = 7
SCALE = 2
TITLE = "Open compute roles per company, last 12 weeks"


Value = int | None  # None: no value at that point (a gap in the line), e.g. no pay published
V = TypeVar("V", int, int | None)


@dataclass(frozen=True)
class ChartData:
    """One x label per point; each series has one value (or None) per point."""

    labels: tuple[str, ...]
    series: Mapping[str, Sequence[Value]] = field(default_factory=dict)


def top_series(
    series: Mapping[str, Sequence[V]], limit: int = MAX_LINES
) -> list[tuple[str, list[V]]]:
    """The ``limit`` series with the most roles at the last point (then overall), plus Others."""
    ranked = sorted(
        series.items(),
        key=lambda kv: (-((kv[1][-1] or 0) if kv[1] else 0), -sum(v or 0 for v in kv[1]), kv[0]),
    )
    shown = [(name, list(values)) for name, values in ranked[:limit]]
    rest = ranked[limit:]
    if rest:
        width = max(len(values) for _, values in rest)
        others: list[V] = [sum(v[i] or 0 for _, v in rest if i < len(v)) for i in range(width)]
        shown.append((f"Others ({len(rest)})", others))
    return shown


def nice_step(top: int, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5 x 10^k) giving at most ``ticks`` intervals up to ``top``."""
    rough = max(1.0, top / ticks)
    power = 10 ** math.floor(math.log10(rough))
    for mult in (1, 2, 5, 10):
        if mult * power >= rough:
            return int(mult * power)
    return int(10 * power)  # pragma: no cover


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size * SCALE)


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _Frame:
    left: int
    top: int
    right: int
    bottom: int
    points: int
    ymax: int

    def x(self, index: int) -> float:
        if self.points <= 1:
            return (self.left + self.right) / 2
        return self.left + index * (self.right - self.left) / (self.points - 1)

    def y(self, value: float) -> float:
        return self.bottom - value * (self.bottom - self.top) / self.ymax


def _axes(draw: ImageDraw.ImageDraw, frame: _Frame, labels: Sequence[str], theme: Theme) -> None:
    small = _font(11)
    step = nice_step(frame.ymax)
    for value in range(0, frame.ymax + 1, step):
        y = frame.y(value)
        draw.line([(frame.left, y), (frame.right, y)], fill=theme.grid, width=SCALE)
        draw.text(
            (frame.left - 8 * SCALE, y), f"{value:,}", fill=theme.muted, font=small, anchor="rm"
        )
    every = max(1, math.ceil(len(labels) / 6))
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % every == 0:
            xy = (frame.x(index), frame.bottom + 8 * SCALE)
            draw.text(xy, label, fill=theme.muted, font=small, anchor="mt")


Point = tuple[float, float]


def _dashed(draw: ImageDraw.ImageDraw, xy: Sequence[Point], dash: Sequence[int], **kw: Any) -> None:
    """A polyline with a dash pattern (solid when ``dash`` is empty)."""
    if not dash:
        draw.line(list(xy), joint="curve", **kw)
        return
    pattern = [d * SCALE for d in dash]
    index, left, on = 0, float(pattern[0]), True
    for (x0, y0), (x1, y1) in itertools.pairwise(xy):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                a, b = done / length, (done + step) / length
                start = (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a)
                end = (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)
                draw.line([start, end], **kw)
            done += step
            left -= step
            if left <= 0:
                index = (index + 1) % len(pattern)
                left, on = float(pattern[index]), not on


def _marker(
    draw: ImageDraw.ImageDraw, x: float, y: float, style: Style, bg: str, size: float = 4.5
) -> None:
    """A marker with a thin outline in the background colour (separates touching markers)."""
    shape, colour, r = style.marker, style.colour, size * SCALE
    if shape == "square":
        box = [x - r * 0.85, y - r * 0.85, x + r * 0.85, y + r * 0.85]
        draw.rectangle(box, fill=colour, outline=bg, width=SCALE)
        return
    if shape == "circle":
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour, outline=bg, width=SCALE)
        return
    points = {
        "triangle": [(x, y - r), (x - r, y + r * 0.8), (x + r, y + r * 0.8)],
        "down": [(x, y + r), (x - r, y - r * 0.8), (x + r, y - r * 0.8)],
        "diamond": [(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
    }[shape]
    draw.polygon(points, fill=colour, outline=bg, width=SCALE)


def _runs(values: Sequence[Value]) -> list[list[tuple[int, int]]]:
    """``(index, value)`` runs between the gaps (None) of a series."""
    runs: list[list[tuple[int, int]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


@dataclass(frozen=True)
class Style:
    colour: str
    dash: tuple[int, ...]
    marker: str
    width: int


def styles(shown: Sequence[tuple[str, list[Value]]], theme: Theme) -> list[Style]:
    """One distinct style per series: colour, dash, marker; earlier series drawn wider."""
    out = []
    for rank, (name, _) in enumerate(shown):
        others = name.startswith("Others (")
        colour = theme.others if others else theme.palette[rank % len(theme.palette)]
        dash = DASHES[2] if others else DASHES[rank % len(DASHES)]
        width = max(2, 5 - rank // 2) * SCALE
        out.append(Style(colour, dash, MARKERS[rank % len(MARKERS)], width))
    return out


def _lines(
    draw: ImageDraw.ImageDraw,
    frame: _Frame,
    shown: Sequence[tuple[str, list[Value]]],
    theme: Theme,
) -> list[Style]:
    """Draw the series, the biggest first (and widest), so smaller ones stay on top."""
    found = styles(shown, theme)
    for (_, values), style in zip(shown, found, strict=True):
        for run in _runs(values):  # a None value breaks the line
            xy = [(frame.x(i), frame.y(v)) for i, v in run]
            if len(xy) > 1:
                _dashed(draw, xy, style.dash, fill=style.colour, width=style.width)
    for rank, ((_, values), style) in enumerate(zip(shown, found, strict=True)):
        size = max(3.0, 5.5 - 0.75 * rank)  # later markers smaller: coinciding ones stay visible
        for i, v in enumerate(values):
            if v is None:
                continue
            _marker(draw, frame.x(i), frame.y(v), style, theme.background, size)
    return found


def _legend(
    draw: ImageDraw.ImageDraw,
    left: int,
    top: int,
    shown: Sequence[tuple[str, list[Value]]],
    found: Sequence[Style],
    theme: Theme,
) -> None:
    """Each series as its line sample (dash and marker) + name + latest count."""
    font = _font(12)
    for row, ((name, values), style) in enumerate(zip(shown, found, strict=True)):
        middle = top + row * 22 * SCALE + 7 * SCALE
        sample = [(left, middle), (left + 26 * SCALE, middle)]
        _dashed(draw, sample, style.dash, fill=style.colour, width=max(2 * SCALE, style.width // 2))
        _marker(draw, left + 13 * SCALE, middle, style, theme.background)
        text_x = left + 34 * SCALE
        draw.text((text_x, middle), _shorten(name, 22), fill=theme.ink, font=font, anchor="lm")
        last = values[-1] if values else 0
        count = f"{last:,}" if last is not None else "–"
        draw.text((left + 218 * SCALE, middle), count, fill=theme.ink, font=font, anchor="rm")


def render_chart(
    data: ChartData,
    width: int = 860,
    height: int = 360,
    title: str = TITLE,
    theme: str = "light",
) -> bytes:
    """The chart as PNG bytes (``width`` x ``height`` pixels) in the ``light`` or ``dark`` theme."""
    colours = THEMES[theme]
    w, h = width * SCALE, height * SCALE
    image = Image.new("RGB", (w, h), colours.background)
    draw = ImageDraw.Draw(image)
    draw.text((16 * SCALE, 14 * SCALE), title, fill=colours.ink, font=_font(15))
    shown = top_series(data.series)
    legend_width = 236 * SCALE if shown else 0
    top_value = max((v for _, values in shown for v in values if v is not None), default=0)
    frame = _Frame(
        left=52 * SCALE,
        top=52 * SCALE,
        right=w - legend_width - 24 * SCALE,
        bottom=h - 40 * SCALE,
        points=len(data.labels),
        ymax=max(1, math.ceil(top_value / nice_step(top_value)) * nice_step(top_value)),
    )
    _axes(draw, frame, data.labels, colours)
    if shown:
        found = _lines(draw, frame, shown, colours)
        _legend(draw, w - legend_width, frame.top, shown, found, colours)
    else:
        middle = ((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2)
        draw.text(middle, "No roles recorded yet", fill=colours.muted, font=_font(14), anchor="mm")
    out = io.BytesIO()
    image.resize((width, height), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()
