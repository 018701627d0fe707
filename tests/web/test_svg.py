"""The inline SVG charts: accessible, lines told apart without colour, text escaped. Pure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tracker.web.svg import line_chart

NS = "{http://www.w3.org/2000/svg}"
LABELS = ["2026-W40", "2026-W41", "2026-W42"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_title_desc_and_labels() -> None:
    svg = str(
        line_chart("Open roles by region", LABELS, {"APAC": [1, 2, 3], "EMEA": [0, 1, 1]}, "c")
    )
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-t c-d"
    assert root.find(f"{NS}title").text == "Open roles by region"
    desc = root.find(f"{NS}desc").text
    assert desc == "Open roles by region, 2026-W40 to 2026-W42. At 2026-W42: APAC: 3; EMEA: 1."
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"2026-W40", "2026-W42", "APAC", "EMEA"} <= set(texts)


def test_each_line_has_its_own_dash_and_marker() -> None:
    series = {f"Company {i}": [i, i + 1, i + 2] for i in range(5)}
    root = parse(str(line_chart("t", LABELS, series, "c")))
    lines = [g for g in root.iter(f"{NS}g") if "line" in (g.get("class") or "").split()]
    plotted = [g for g in lines if g.find(f"{NS}polyline") is not None]
    assert len(plotted) == 5
    styles = set()
    for g in plotted:
        dash = g.find(f"{NS}polyline").get("stroke-dasharray") or "solid"
        shape = next(child.tag for child in g if child.tag != f"{NS}polyline")
        styles.add((dash, shape))
        assert len(g) == 1 + len(LABELS)  # a marker on every point
    assert len(styles) == 5  # no two lines look alike even in greyscale


def test_many_series_become_others_and_names_are_escaped() -> None:
    series = {f"c{i}": [1, 1, 1] for i in range(9)}
    series["<script>x</script>"] = [9, 9, 9]
    svg = str(line_chart("t", LABELS, series, "c"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Others (3)" in svg  # 7 lines + the rest summed
    assert len(re.findall("<polyline", svg)) == 8
    parse(svg)  # well-formed


def test_no_data_is_still_a_chart() -> None:
    root = parse(str(line_chart("Nothing", LABELS, {}, "c")))
    assert root.find(f"{NS}desc").text == "Nothing: no data."
