"""Bugs found by following the README as a new user: help text, wide text reports."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from tests.factories import MELBOURNE, SYDNEY, T0, T1, TOKYO, make_role
from tracker.cli import app
from tracker.diff import diff
from tracker.domain import SalaryBand
from tracker.report.render import render_text

YEN = SalaryBand(30_000_000, 42_000_000, "JPY", "year", "text", 191_000, 267_000)


def help_of(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_help_keeps_config_section_names() -> None:
    """Rich markup must not eat ``[serve]``, ``[digest]``, ``[channels]`` or ``[[alert]]``."""
    serve = " ".join(help_of("serve").split())
    assert "( host" not in serve and "var token_env" not in serve and "TRACKER_SERVE_TOKEN" in serve
    send = " ".join(help_of("digest", "send").split())
    assert "the [digest] channels" in send and "this [channels] name" in send
    assert "Watch rules ([[alert]])" in help_of("alerts")


def wide_report():
    """A report whose role tables are wider than 110 columns at their natural width."""
    title = "Data Center Deal Sourcing Lead, Japan and Asia Pacific"
    opened = [
        make_role(i, title, SYDNEY, MELBOURNE, TOKYO, salary=YEN, category="deal_sourcing")
        for i in range(1, 4)
    ]
    return diff([], [replace(r, first_seen=T1) for r in opened], T0, T1)


def test_text_report_tables_fit_their_width() -> None:
    """Every table line of the text report (terminal, email text part) is whole: no cropped
    right-hand column, and the pay band is never split."""
    text = render_text(wide_report(), width=110)
    lines = text.splitlines()
    top = [line for line in lines if line.startswith("┏")]
    assert top and all(line.endswith("┓") for line in top)
    assert all(len(line) <= 110 for line in lines)
    assert "¥30,000,000–¥42,000,000" in text


def test_a_watchlist_that_imports_nothing_is_bad_input(tmp_path: Path) -> None:
    """A typo (``[[sources]]``), a config file given by mistake, an empty file or a folder is
    one line and exit 2, not a silent exit 0 that imported nothing."""
    typo = tmp_path / "typo.toml"
    typo.write_text('[[sources]]\ncompany = "Acme"\nats = "greenhouse"\ntoken = "acme"\n')
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nconcurrency = 2\n")
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    folder = tmp_path / "folder"
    folder.mkdir()
    expected = {
        typo: "unknown key(s) sources; use [[source]]",
        config: "unknown key(s) scrape; use [[source]]",
        empty: "has no [[source]] entries",
        folder: "cannot read watchlist",
    }
    db = f"sqlite:///{tmp_path / 't.db'}"
    for path, message in expected.items():
        result = CliRunner().invoke(app, ["--db", db, "sources", "import", str(path)])
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_terminal_tables_drop_columns_instead_of_cropping(tmp_path: Path) -> None:
    """On a 60-column terminal the `sources list`, `history` and `status` tables are whole
    (every border closes), dropping optional columns first; they used to lose their right-hand
    columns."""
    db = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--out", str(db)]).exit_code == 0
    env = {"COLUMNS": "60"}
    for args in (["sources", "list"], ["history", "12"], ["status"]):
        result = runner.invoke(app, ["--db", str(db), *args], env=env)
        assert result.exit_code == 0, result.output
        table = [line for line in result.stdout.splitlines() if line[:1] in "┏┃┡│└"]
        borders = [line for line in table if line[:1] in "┏┡└"]
        assert borders and all(line[-1] in "┓┩┘" for line in borders), result.stdout
        assert all(len(line) <= 60 for line in table)


def test_an_unwritable_out_file_names_it(tmp_path: Path) -> None:
    """`feed --out` and `digest preview --out` into a missing folder or onto a folder: one line
    naming the file the user gave (not a temp file, not an errno), exit 2."""
    db = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--out", str(db)]).exit_code == 0
    missing = tmp_path / "no-such-folder" / "out.xml"
    for args in (["feed", "--out", str(missing)], ["digest", "preview", "--out", str(tmp_path)]):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 2, result.output
        target = args[-1]
        assert result.stderr.startswith(f"error: cannot write {target}: "), result.stderr
        assert result.stderr.count("\n") == 1 and "Errno" not in result.stderr
    assert not missing.parent.exists()


def test_a_failed_scrape_is_one_line_on_stderr(tmp_path: Path) -> None:
    """Without -v a failed board is the one ``KEY failed: ...`` line, not also a raw log line
    (``run source=... status=failed ...``) from Python's last-resort log handler."""
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 1\nbackoff = 0.01\ntimeout = 1\n")
    db = f"sqlite:///{tmp_path / 't.db'}"
    base = [sys.executable, "-m", "tracker.cli", "--db", db, "--config", str(config)]
    add = [*base, "sources", "add", "greenhouse", "acme", "--company", "Acme"]
    subprocess.run([*add, "--api-base", "http://127.0.0.1:9"], check=True, capture_output=True)
    ran = subprocess.run([*base, "scrape"], capture_output=True, text=True, check=False)
    assert ran.returncode == 1, ran.stderr
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("greenhouse:acme failed: "), ran.stderr


def test_count_title_says_compute_roles_unless_all(tmp_path: Path) -> None:
    """`count` counts compute roles by default: its title says so, as `roles` does."""
    db = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--out", str(db)]).exit_code == 0
    env = {"COLUMNS": "200"}
    base = ["--db", str(db), "count", "--by", "company", "--at", "2026-04-20"]
    compute = " ".join(runner.invoke(app, base, env=env).stdout.split())
    everything = " ".join(runner.invoke(app, [*base, "--all"], env=env).stdout.split())
    assert "9 open compute roles at 2026-04-20T23:59:59Z" in compute
    assert "18 open roles at 2026-04-20T23:59:59Z" in everything
