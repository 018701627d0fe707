"""The digest's chart: open compute roles per company over the last weeks, as a PNG. Pure.

Drawn with Pillow at twice the size and scaled down (smooth lines without anti-aliasing support
in ``ImageDraw``). White background with dark text, so it reads the same in light and dark mail
clients. The largest companies get a line each; the rest are summed as "Others".
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

# Okabe-Ito (colour-blind safe) minus yellow, then a purple and black; "Others" is grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F3C8D", "#1F2937")
OTHERS_COLOUR = "#9CA3AF"
BACKGROUND = "#FFFFFF"
INK = "#111827"
MUTED = "#4B5563"
GRID = "#E5E7EB"
MAX_LINES = 7
SCALE = 2
TITLE = "Open compute roles per company, last 12 weeks"


@dataclass(frozen=True)
class ChartData:
    """One x label per point; each series has one value per point."""

    labels: tuple[str, ...]
    series: Mapping[str, Sequence[int]] = field(default_factory=dict)


def top_series(
    series: Mapping[str, Sequence[int]], limit: int = MAX_LINES
) -> list[tuple[str, list[int]]]:
    """The ``limit`` series with the most roles at the last point (then overall), plus Others."""
    ranked = sorted(
        series.items(), key=lambda kv: (-(kv[1][-1] if kv[1] else 0), -sum(kv[1]), kv[0])
    )
    shown = [(name, list(values)) for name, values in ranked[:limit]]
    rest = ranked[limit:]
    if rest:
        width = max(len(values) for _, values in rest)
        others = [sum(v[i] for _, v in rest if i < len(v)) for i in range(width)]
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


def _axes(draw: ImageDraw.ImageDraw, frame: _Frame, labels: Sequence[str]) -> None:
    small = _font(11)
    step = nice_step(frame.ymax)
    for value in range(0, frame.ymax + 1, step):
        y = frame.y(value)
        draw.line([(frame.left, y), (frame.right, y)], fill=GRID, width=SCALE)
        draw.text((frame.left - 8 * SCALE, y), str(value), fill=MUTED, font=small, anchor="rm")
    every = max(1, math.ceil(len(labels) / 6))
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % every == 0:
            xy = (frame.x(index), frame.bottom + 8 * SCALE)
            draw.text(xy, label, fill=MUTED, font=small, anchor="mt")


def _lines(
    draw: ImageDraw.ImageDraw, frame: _Frame, shown: Sequence[tuple[str, list[int]]]
) -> list[str]:
    colours: list[str] = []
    for rank, (name, values) in reversed(list(enumerate(shown))):
        colour = OTHERS_COLOUR if name.startswith("Others (") else PALETTE[rank % len(PALETTE)]
        colours.insert(0, colour)
        xy = [(frame.x(i), frame.y(v)) for i, v in enumerate(values)]
        if len(xy) > 1:
            draw.line(xy, fill=colour, width=3 * SCALE, joint="curve")
        r = 3 * SCALE
        for x, y in xy:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    return colours


def _legend(
    draw: ImageDraw.ImageDraw,
    left: int,
    top: int,
    shown: Sequence[tuple[str, list[int]]],
    colours: Sequence[str],
) -> None:
    font = _font(12)
    for row, ((name, values), colour) in enumerate(zip(shown, colours, strict=True)):
        y = top + row * 22 * SCALE
        draw.rounded_rectangle(
            [left, y, left + 14 * SCALE, y + 14 * SCALE], radius=3 * SCALE, fill=colour
        )
        middle = y + 7 * SCALE
        draw.text((left + 22 * SCALE, middle), _shorten(name), fill=INK, font=font, anchor="lm")
        count = str(values[-1] if values else 0)
        draw.text((left + 210 * SCALE, middle), count, fill=INK, font=font, anchor="rm")


def render_chart(data: ChartData, width: int = 860, height: int = 360, title: str = TITLE) -> bytes:
    """The chart as PNG bytes (``width`` x ``height`` pixels)."""
    w, h = width * SCALE, height * SCALE
    image = Image.new("RGB", (w, h), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((16 * SCALE, 14 * SCALE), title, fill=INK, font=_font(15))
    shown = top_series(data.series)
    legend_width = 230 * SCALE if shown else 0
    top_value = max((max(v) for _, v in shown if v), default=0)
    frame = _Frame(
        left=52 * SCALE,
        top=52 * SCALE,
        right=w - legend_width - 24 * SCALE,
        bottom=h - 40 * SCALE,
        points=len(data.labels),
        ymax=max(1, math.ceil(top_value / nice_step(top_value)) * nice_step(top_value)),
    )
    _axes(draw, frame, data.labels)
    if shown:
        colours = _lines(draw, frame, shown)
        _legend(draw, w - legend_width, frame.top, shown, colours)
    else:
        middle = ((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2)
        draw.text(middle, "No roles recorded yet", fill=MUTED, font=_font(14), anchor="mm")
    out = io.BytesIO()
    image.resize((width, height), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()
