"""The digest chart: a valid, non-blank PNG of open roles per company (pure)."""

from __future__ import annotations

import io

from PIL import Image

from tracker.report.chart import PALETTE, ChartData, nice_step, render_chart, top_series

LABELS = tuple(f"{d} Sep" for d in range(1, 13))


def decode(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def near(colour: tuple[int, int, int], hex_colour: str, tolerance: int = 12) -> bool:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def test_chart_draws_a_line_per_company() -> None:
    series = {"Anthropic": [5, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 13], "ExampleDC": [2] * 12}
    image = decode(render_chart(ChartData(LABELS, series)))
    assert image.size == (860, 360)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, grid, lines: not blank
    counts = {rgb: n for n, rgb in colours}
    assert sum(n for rgb, n in counts.items() if near(rgb, PALETTE[0])) > 300  # Anthropic
    assert sum(n for rgb, n in counts.items() if near(rgb, PALETTE[1])) > 300  # ExampleDC
    assert max(counts, key=lambda rgb: counts[rgb]) == (255, 255, 255)  # white background


def test_empty_chart_is_still_a_chart() -> None:
    image = decode(render_chart(ChartData(LABELS, {})))
    assert image.size == (860, 360)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 5


def test_many_companies_are_grouped() -> None:
    series = {f"Company {i:02d}": [i] * 12 for i in range(12)}
    shown = top_series(series, limit=7)
    assert [name for name, _ in shown][:2] == ["Company 11", "Company 10"]
    assert shown[-1] == ("Others (5)", [0 + 1 + 2 + 3 + 4] * 12)
    decode(render_chart(ChartData(LABELS, series)))


def test_nice_steps() -> None:
    assert [nice_step(n) for n in (0, 3, 7, 13, 48, 120, 999)] == [1, 1, 2, 5, 10, 50, 200]
