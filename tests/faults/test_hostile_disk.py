"""Fault matrix, full disk: the database (a SQLite file, or a PostgreSQL tablespace) lives on
a small tmpfs the test mounts (root only; skipped elsewhere) and fills. A scrape or ingest that
cannot write is one line, exit 1, no traceback; after space is freed the database passes
``PRAGMA integrity_check``, holds exactly what it held before, and the next scrape records the
board normally."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.faults.hostile_servers import HostileServer, json_body, run_tracker
from tests.helpers import Cli, gh_board
from tests.jobs.boards import board_path, write_config, write_watchlist
from tracker.report.serialize import iso

SPARE = 160 * 1024  # left free after filling: room for SQLite's -shm, not for a big write


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)


def fill(disk: Path, spare_bytes: int = SPARE) -> Path:
    """Fill the disk, then free ``spare_bytes``; returns the filler file (delete it to free)."""
    filler, spare = disk / "filler", disk / "spare"
    spare.write_bytes(b"\0" * spare_bytes)
    chunk = b"\0" * 65536
    with filler.open("wb") as out:
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    spare.unlink()
    return filler


def test_full_disk_is_one_line_exit_1_and_the_database_stays_intact(
    tmp_path: Path, small_disk: Path
) -> None:
    db_file = small_disk / "tracker.db"
    db = f"sqlite:///{db_file}"
    config = write_config(tmp_path / "tracker.toml", scrape={"retries": 0, "timeout": 30})
    cli = Cli(db, config)
    big = gh_board(400, start=5000)
    for job in big["jobs"]:  # type: ignore[union-attr]
        job["content"] = (
            "&lt;p&gt;" + "Operate and maintain data center power. " * 40 + "&lt;/p&gt;"
        )
    payload = tmp_path / "big.json"
    payload.write_text(json.dumps(big))
    with HostileServer() as board:
        board.route(board_path("acme"), json_body(gh_board(5)))
        cli(
            "sources",
            "import",
            str(write_watchlist(tmp_path / "w.toml", board.base(), {"acme": "Acme"})),
        )
        cli("scrape")
        before = cli.json("roles", "--all")
        assert len(before) == 5

        filler = fill(small_disk)
        board.route(board_path("acme"), json_body(big))
        args = ["--db", db, "--config", str(config)]
        later = iso(datetime.now(UTC) + timedelta(hours=1)) or ""
        ingest = ["ingest", str(payload), "--source", "greenhouse:acme", "--observed-at", later]
        tried = [run_tracker([*args, "scrape"], tmp_path), run_tracker([*args, *ingest], tmp_path)]
        for ran in tried:
            assert ran.code == 1, ran.stdout + ran.stderr
            line = ran.one_error_line()
            assert line.startswith("error: storage error: ") and "full" in line, line

        filler.unlink()
        with sqlite3.connect(db_file) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert cli.json("roles", "--all") == before  # nothing lost, nothing half-written
        cli("scrape")
    after = {r["external_id"] for r in cli.json("roles", "--all")}
    assert after == {r["external_id"] for r in before} | {str(5000 + i) for i in range(400)}


@pytest.fixture
def pg_on_small_disk() -> Iterator[tuple[str, Path]]:
    """A PostgreSQL schema whose tables live in a tablespace on a small tmpfs (root, a local
    server and TRACKER_TEST_POSTGRES_URL needed; skipped otherwise)."""
    base = os.environ.get("TRACKER_TEST_POSTGRES_URL", "").strip()
    if not base:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    from sqlalchemy import create_engine, text

    disk = Path(tempfile.mkdtemp(prefix="harden-pgdisk-"))
    disk.chmod(0o755)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        disk.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        try:
            shutil.chown(disk, "postgres", "postgres")
            with admin.connect() as conn:
                conn.execute(text(f"CREATE TABLESPACE {name} LOCATION '{disk}'"))
                conn.execute(text(f'CREATE SCHEMA "{name}"'))
        except Exception as exc:  # a remote server cannot see our tmpfs
            pytest.skip(f"cannot put a tablespace on the tmpfs: {str(exc).splitlines()[0]}")
        options = quote(f"-csearch_path={name} -cdefault_tablespace={name}")
        yield f"{base}{'&' if '?' in base else '?'}options={options}", disk
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            conn.execute(text(f"DROP TABLESPACE IF EXISTS {name}"))
        admin.dispose()
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)
        disk.rmdir()


def test_full_disk_on_postgresql_is_one_line_exit_1(
    tmp_path: Path, pg_on_small_disk: tuple[str, Path]
) -> None:
    db, disk = pg_on_small_disk
    config = write_config(tmp_path / "tracker.toml", scrape={"retries": 0, "timeout": 30})
    cli = Cli(db, config)
    big = gh_board(400, start=5000)
    with HostileServer() as board:
        board.route(board_path("acme"), json_body(gh_board(5)))
        watchlist = write_watchlist(tmp_path / "w.toml", board.base(), {"acme": "Acme"})
        cli("sources", "import", str(watchlist))
        cli("scrape")
        before = cli.json("roles", "--all")

        filler = fill(disk, spare_bytes=0)
        board.route(board_path("acme"), json_body(big))
        ran = run_tracker(["--db", db, "--config", str(config), "scrape"], tmp_path)
        assert ran.code == 1, ran.stdout + ran.stderr
        line = ran.one_error_line()
        assert line.startswith("error: storage error: ") and "space" in line, line

        filler.unlink()
        assert cli.json("roles", "--all") == before
        cli("scrape")
    after = {r["external_id"] for r in cli.json("roles", "--all")}
    assert after == {r["external_id"] for r in before} | {str(5000 + i) for i in range(400)}
