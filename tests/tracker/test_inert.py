"""Inert output: escapes, controls, formulas, HTML and links from boards stay harmless."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.factories import SYDNEY, T0, T1, TOKYO, make_role
from tracker.diff import diff
from tracker.report.inert import clean, csv_cell, md_link, md_text, rich_cell, safe_url
from tracker.report.render import render_html, render_markdown, render_text
from tracker.report.serialize import ROLE_CSV_FIELDS, role_row, to_csv

ESC_TITLE = (
    "\x1b[2J\x1b[31mData Center Tech\x1b[0m\x07 \x1b]8;;https://evil.example\x07x\x1b]8;;\x07"
)
HOSTILE = [
    '=HYPERLINK("https://evil.example","Apply")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    ESC_TITLE,
    "<script>alert(1)</script> [click](javascript:alert(1)) | pipe",
    "\u202eevil\x9b31m bidi",
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]8;;javascript:x\x07link\x1b]8;;\x07", "link"),
        ("a\x07b\x00c\rd\ne\tf", "abc d e f"),
        ("\u202eevil\u2066", "evil"),
        ("\x9b31mx\x9dtitle\x07y", "xy"),
        ("Tokyo 東京 — ok", "Tokyo 東京 — ok"),
        (None, ""),
    ],
)
def test_clean_strips_escapes_and_controls(raw: str | None, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_multiline_keeps_line_breaks() -> None:
    assert clean("a\r\nb\rc\x1b[1m\n", multiline=True) == "a\nb\nc\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "' =1"),
        ("\r=1", "' =1"),
        ("  =1", "'  =1"),
        ("Data Center Tech", "Data Center Tech"),
        (12, 12),
        (None, None),
        (-5.5, -5.5),
    ],
)
def test_csv_cell_neutralises_formulas(raw: object, expected: object) -> None:
    assert csv_cell(raw) == expected


def test_markdown_helpers() -> None:
    assert md_text("<b>x</b> | *y*") == "&lt;b&gt;x&lt;/b&gt; \\| \\*y\\*"
    assert md_link("Apply", "javascript:alert(1)") == "Apply"
    assert md_link("Apply", "data:text/html,x") == "Apply"
    assert md_link("Apply", "https://x.example/a b)") == "[Apply](https://x.example/a%20b%29)"
    assert safe_url("HTTP://x.example/") == "HTTP://x.example/"
    assert safe_url("//x.example/") is None and safe_url("http:///nohost") is None


def test_rich_cell_is_never_markup() -> None:
    text = rich_cell("[bold]x[/bold] [link=javascript:alert(1)]y[/link]\x1b[31m")
    assert text.plain == "[bold]x[/bold] [link=javascript:alert(1)]y[/link]"
    assert not text.spans


def test_csv_output_is_inert() -> None:
    roles = [make_role(i, t, SYDNEY, url=t) for i, t in enumerate(HOSTILE)]
    out = to_csv([role_row(r) for r in roles], ROLE_CSV_FIELDS)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    for row in csv.DictReader(io.StringIO(out)):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def hostile_report():  # type: ignore[no-untyped-def]
    before = [make_role(1, HOSTILE[0], SYDNEY)]
    after = [make_role(i + 2, t, TOKYO) for i, t in enumerate(HOSTILE)]
    return diff(before, after, T0, T1)


def test_text_and_email_text_are_inert() -> None:
    out = render_text(hostile_report())
    assert "Data Center Tech" in out
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert bad not in out


def test_markdown_is_inert() -> None:
    out = render_markdown(hostile_report())
    assert "<script" not in out and "&lt;script&gt;" in out
    assert not re.search(r"(?<!\\)\]\(javascript:", out)  # only an escaped \] precedes it
    assert "\x1b" not in out and "\x07" not in out
    for block in out.split("\n\n"):  # every table row has as many cells as its header
        rows = [line for line in block.splitlines() if line.startswith("|")]
        pipes = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(pipes) <= 1, block


def test_html_is_escaped_and_clean() -> None:
    out = render_html(hostile_report())
    assert "<script>alert" not in out and "\x1b" not in out


def test_json_output_is_the_same_value_and_inert() -> None:
    import json

    from tracker.report.serialize import dumps

    value = [{"title": "a\x9b31m\u202eb\x1bc\u2028 東京", "n": 1}]
    out = dumps(value)
    assert json.loads(out) == value
    assert all(ch not in out for ch in "\x9b\u202e\x1b\u2028") and "東京" in out
