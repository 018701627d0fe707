"""Issue 11 item 1: the shipped data is package data, read with importlib.resources, so the
commands work from any folder; a stranger's ``db``/``jobs`` package is one clear line.

(The wheel itself is built, installed in a fresh venv and run from an empty folder by ``.ci/run``
through ``.ci/wheel_smoke.py``.)
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli import app
from tracker.shipped import check_own_packages, seed_path, seeds_dir, shipped_fallback

ROOT = Path(__file__).resolve().parents[2]


def test_seeds_are_the_package_tracker_seeds() -> None:
    assert seeds_dir() == (ROOT / "seeds").resolve()
    assert seed_path("taxonomy.toml").is_file()
    assert seed_path("demo", "watchlist.toml").is_file()


def test_every_data_file_in_seeds_is_declared_package_data() -> None:
    """A file added to seeds/ that the wheel would leave out fails here, not on a server."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["tracker.seeds"]
    data = [
        p.relative_to(ROOT / "seeds").as_posix()
        for p in (ROOT / "seeds").rglob("*")
        if p.is_file() and p.suffix in {".toml", ".json", ".md"}
    ]
    assert data
    missing = [f for f in data if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert missing == []


def test_demo_runs_from_an_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ingested greenhouse-anthropic-2026-11-20.json" in result.stdout
    assert (tmp_path / "demo-report.html").is_file()


def test_shipped_watchlist_imports_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["--db", "t.db", "sources", "import", "seeds/watchlist.toml"])
    assert result.exit_code == 0, result.output
    assert "added     greenhouse:anthropic" in result.stdout
    missing = runner.invoke(app, ["--db", "t.db", "sources", "import", "seeds/nope.toml"])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "error: watchlist not found: seeds/nope.toml"


def test_a_file_in_the_folder_wins_over_the_shipped_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "watchlist.toml").write_text("")
    assert shipped_fallback("seeds/watchlist.toml") == Path("seeds/watchlist.toml")
    assert shipped_fallback("../seeds/watchlist.toml") == Path("../seeds/watchlist.toml")


def test_own_packages_are_ours() -> None:
    assert check_own_packages() is None


def test_a_shadowing_db_package_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "from tracker.cli import main; main()", "roles"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: another package named 'db'")
    assert "shadows dc-hiring-tracker" in lines[0]


def test_an_editable_install_older_than_tracker_seeds_still_finds_the_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tracker.shipped

    def missing(name: str) -> None:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(tracker.shipped, "files", missing)
    assert seeds_dir() == ROOT / "seeds"
