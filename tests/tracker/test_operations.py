"""Issue 11 item 7: operations. A line per finished board when stderr is not a terminal, failed
runs at WARNING, ``--db PATH`` is SQLite, unsupported URL schemes and unwritable folders are one
line, and the CLI framework's own usage errors are one line too."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import gh_board
from tests.loopback import LoopbackServer, Reply
from tracker.cli import app

BOARD = "/v1/boards/acme/jobs"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_scrape_prints_a_line_per_finished_board_off_a_terminal(
    tmp_path: Path, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    db = str(tmp_path / "t.db")
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 1\nbackoff = 0.01\ntimeout = 2\n")
    for token in ("acme", "down"):
        code, _, err = invoke(
            "--db", db, "sources", "add", "greenhouse", token, "--company", token.title(),
            "--api-base", server.base_url, "--option", "departments=Compute",
        )  # fmt: skip
        assert code == 0, err
    server.add(BOARD, Reply(json=gh_board(3)))
    server.add("/v1/boards/down/jobs", Reply(status=503))
    with caplog.at_level(logging.INFO, logger="tracker.scrape"):
        code, out, err = invoke("--db", db, "--config", str(config), "scrape")
    assert code == 1
    lines = err.strip().splitlines()
    assert "greenhouse:acme ok: 3 seen, 3 new, 0 changed, 0 closed, 0 reopened" in lines
    assert any(line.startswith("greenhouse:down failed: ") for line in lines), err
    assert "1 ok, 1 failed" in out
    levels = {r.getMessage().split()[1]: r.levelno for r in caplog.records if "run " in r.msg}
    assert levels == {
        "source=greenhouse:acme": logging.INFO,
        "source=greenhouse:down": logging.WARNING,
    }


def test_db_with_a_bare_path_means_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("--db", "data/here.db", "init")
    assert code == 0, err
    assert out.strip() == "database ready: sqlite:///data/here.db"
    assert (tmp_path / "data" / "here.db").is_file()
    code, out, _ = invoke("--db", "data/here.db", "roles", "--format", "json")
    assert (code, out.strip()) == (0, "[]")


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("mysql://u@h/db", "error: unsupported database URL scheme 'mysql'"),
        ("https://example.com/db", "error: unsupported database URL scheme 'https'"),
        ("postgresql+asyncpg://u@h/db", "error: unsupported PostgreSQL driver 'asyncpg'"),
    ],
)
def test_unsupported_database_urls_are_one_line(url: str, start: str) -> None:
    code, out, err = invoke("--db", url, "init")
    assert (code, out) == (2, "")
    assert one_line(err).startswith(start)


def test_a_file_where_a_folder_should_be_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, _, err = invoke("--db", str(tmp_path / "file" / "t.db"), "init")
    assert code == 2
    assert one_line(err) == f"error: cannot create database {tmp_path}/file/t.db: " + (
        f"{tmp_path}/file is not a folder"
    )


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_folder_sqlite_cannot_write_is_one_line() -> None:
    code, _, err = invoke("--db", "/proc/tracker-test.db", "init")
    assert code == 2
    assert one_line(err).startswith("error: cannot ")
    assert "/proc" in err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, _, err = invoke("--db", str(folder / "t.db"), "init")
        html_code, _, html_err = invoke("demo", "--html", str(folder / "r.html"))
    finally:
        folder.chmod(0o755)
    assert code == 2 and one_line(err).endswith("is read-only")
    assert html_code == 2 and "read-only folder" in one_line(html_err)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["roles", "--bogus"], "error: No such option: --bogus (see: tracker roles --help)"),
        (["count"], "error: Missing option '--by'. (see: tracker count --help)"),
        (["nosuch"], "error: No such command 'nosuch'. (see: tracker --help)"),
    ],
)
def test_framework_usage_errors_are_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    code = "import sys; from tracker.cli import main; sys.argv[0] = 'tracker'; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert one_line(done.stderr) == line


def test_help_and_success_keep_their_exit_codes(tmp_path: Path) -> None:
    code = "import sys; from tracker.cli import main; sys.argv[0] = 'tracker'; main()"
    for args, expected in ((["--help"], 0), (["sources", "--help"], 0), ([], 2)):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == expected, (args, done.stderr)
        assert "Usage" in done.stdout
