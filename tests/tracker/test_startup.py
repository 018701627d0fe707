"""Start-up of the query commands: what ``tracker --help``, ``roles``, ``count`` and ``diff``
import (a fresh process each), and the fast path (:mod:`tracker.fastpath`) giving exactly what
the Typer path gives, or declining."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import Cli
from tracker import cli_roles
from tracker.cli import app
from tracker.fastpath import FAST_COMMANDS, _options, _parse, run_fast

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo"

# Modules the query path and --help must not load (each was once on it, or is scrape/write
# machinery): the ORM and SQLModel, Pydantic (Typer's option adapters), Alembic, HTTP and HTML
# parsing, notification channels, templates, charts, FX data, the writers.
HEAVY = (
    "sqlmodel", "sqlalchemy.orm", "pydantic", "typer._adapters", "alembic", "httpx",
    "selectolax", "apprise", "jinja2", "PIL", "currency_converter", "db.store", "db.models",
    "db.leases", "jobs.scrape", "tracker.sources",
)  # fmt: skip


def loaded_by(
    args: list[str], cwd: Path, heavy: tuple[str, ...] = HEAVY, code: int = 0
) -> list[str]:
    """The ``heavy`` modules a fresh ``tracker ARGS`` process has loaded when it exits."""
    script = (  # at exit, or at the quick exit of a scrape (os._exit skips atexit)
        "import atexit, os, sys\n"
        f"heavy = {heavy!r}\n"
        "say = lambda: print('LOADED', sorted(m for m in heavy if m in sys.modules),"
        " file=sys.stderr, flush=True)\n"
        "atexit.register(say)\n"
        "leave = os._exit\n"
        "os._exit = lambda code: (say(), leave(code))\n"
        "sys.argv = ['tracker', *sys.argv[1:]]\n"
        "from tracker.cli import main\n"
        "main()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert out.returncode == code, out.stderr
    line = [ln for ln in out.stderr.splitlines() if ln.startswith("LOADED ")][-1]
    modules: list[str] = ast.literal_eval(line.removeprefix("LOADED "))
    return modules


@pytest.fixture
def demo_cli(tmp_path: Path) -> Cli:
    """The shipped demo recordings in a SQLite database."""
    config = tmp_path / "tracker.toml"
    config.write_text("")
    cli = Cli(f"sqlite:///{tmp_path / 'demo.db'}", config)
    cli("sources", "import", str(DEMO / "watchlist.toml"))
    for path in sorted(DEMO.glob("*-2026-04-20.json")) + sorted(DEMO.glob("*-2026-11-20.json")):
        ats, token, _ = path.stem.split("-", 2)
        cli("ingest", str(path), "--source", f"{ats}:{token}", "--observed-at", path.stem[-10:])
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["roles", "--country", "JP"],
        ["roles", "--country", "JP", "--format", "json"],
        ["count", "--by", "country"],
        ["diff", "--from", "2026-04-20", "--to", "2026-11-20"],
    ],
)
def test_query_commands_do_not_load_heavy_modules(
    args: list[str], demo_cli: Cli, tmp_path: Path
) -> None:
    db = [] if args == ["--help"] else ["--db", demo_cli.db, "--config", str(demo_cli.config)]
    assert loaded_by([*db, *args], tmp_path) == []


def test_a_write_command_still_loads_the_orm(demo_cli: Cli, tmp_path: Path) -> None:
    """The check above can see these modules: a write path loads some of them."""
    db = ["--db", demo_cli.db, "--config", str(demo_cli.config)]
    loaded = loaded_by([*db, "sources", "import", str(DEMO / "watchlist.toml")], tmp_path)
    assert {"db.store", "db.models", "sqlalchemy.orm"} <= set(loaded)


def test_scrape_does_not_load_the_httpx_command_line(tmp_path: Path) -> None:
    """httpx imports its CLI (click, pygments) when click is installed; ``main`` skips it."""
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 0\n")
    cli = Cli(f"sqlite:///{tmp_path / 'tracker.db'}", config)
    cli(
        "sources",
        "add",
        "greenhouse",
        "acme",
        "--company",
        "Acme",
        "--api-base",
        "http://127.0.0.1:9",
    )
    args = ["--db", cli.db, "--config", str(config), "scrape"]
    loaded = loaded_by(args, tmp_path, ("httpx", "click", "pygments"), code=1)
    assert loaded == ["httpx"]


def test_scrape_words_and_options() -> None:
    spec = _options(cli_roles.scrape)
    assert spec is not None
    parsed = _parse(
        ["greenhouse:a", "--all", "lever:b", "--company=acme"], *spec, stop_at_word=False
    )
    assert parsed == ({"keys": ["greenhouse:a", "lever:b"], "show_all": True, "company": "acme"}, 4)
    assert _parse(["-", "greenhouse:a"], *spec, stop_at_word=False) is None


@pytest.mark.parametrize("command", sorted(FAST_COMMANDS))
def test_every_option_of_the_fast_commands_is_understood(command: str) -> None:
    """A new option of a type the fast path cannot read would silently send every call of
    the command back through Typer (slow, but correct): fail here instead."""
    spec = _options(getattr(cli_roles, command))
    assert spec is not None
    assert all(name.startswith("--") for name in spec[0] if name)


@pytest.mark.parametrize(
    "args",
    [
        ["roles", "--country", "JP", "--at", "2026-11-20"],
        ["roles", "--country=JP,AU", "--format", "json", "--at", "2026-11-20"],
        ["roles", "--all", "--format", "csv", "--at", "2026-11-20"],
        ["roles", "--region", "APAC", "--limit", "2", "--at", "2026-11-20"],
        ["roles", "--company", "anthropic", "--company", "nope", "--at", "2026-11-20"],
        ["roles", "--country", "XX"],
        ["roles", "--format", "yaml"],
        ["count", "--by", "company,country", "--at", "2026-11-20"],
        ["count", "--by", "region", "--format", "json", "--all", "--at", "2026-11-20"],
        ["count", "--by", "nonsense"],
        ["diff", "--from", "2026-04-20", "--to", "2026-11-20", "--company", "anthropic"],
        ["diff", "--from", "2026-04-20", "--to", "2026-11-20", "--format", "json"],
        ["diff", "--from", "2026-04-20", "--to", "2026-11-20", "--format", "md", "--by", "city"],
        ["diff", "--from", "2026-11-20", "--to", "2026-04-20"],
        ["scrape", "greenhouse:nope", "--all"],
    ],
)
def test_fast_path_output_is_the_typer_output(
    args: list[str],
    demo_cli: Cli,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    argv = ["--db", demo_cli.db, "--config", str(demo_cli.config), *args]
    capsys.readouterr()
    code = run_fast(argv)
    fast = capsys.readouterr()
    slow = CliRunner().invoke(app, argv)
    assert code is not None
    assert (code, fast.out, fast.err) == (slow.exit_code, slow.stdout, slow.stderr)
    assert fast.out or fast.err


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["roles", "--help"],
        ["roles", "-h"],
        ["roles", "--bogus"],
        ["roles", "--limit", "-1"],
        ["roles", "--limit", "1e3"],
        ["roles", "--limit", "٣"],
        ["roles", "--at"],
        ["roles", "--all=yes"],
        ["roles", "--format", "json", "--format", "csv"],
        ["roles", "--country", "--all"],
        ["roles", "extra"],
        ["roles", "--", "--all"],
        ["scrape", "--", "greenhouse:acme"],
        ["scrape", "--help"],
        ["count"],
        ["count", "--country", "JP"],
        ["diff", "--to", "2026-11-20", "--to", "2026-11-21"],
        ["--db", "x.db", "--db", "y.db", "roles"],
        ["--bogus", "roles"],
        ["-vh", "roles"],
        ["sources", "list"],
        ["history", "1"],
        ["--db", "roles"],
    ],
)
def test_fast_path_declines_anything_irregular(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_fast(args) is None
    assert capsys.readouterr() == ("", "")


def test_fast_path_declines_shell_completion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_TRACKER_COMPLETE", "complete_bash")
    assert run_fast(["roles"]) is None
