"""deploy/: the systemd unit and the example config are usable as shipped (issue 11 item 1)."""

from __future__ import annotations

import configparser
import shutil
import tomllib
from pathlib import Path

import pytest

from jobs.database import open_database
from jobs.scheduler import import_configured_watchlist
from tracker.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_systemd_unit_runs_the_daemon_as_a_user_with_restart_and_journald() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "dc-hiring-tracker.service")
    service = unit["Service"]
    assert service["User"] not in ("", "root") and service["Group"] != "root"
    assert service["Restart"] == "on-failure"
    assert service["StandardOutput"] == service["StandardError"] == "journal"
    assert service["ExecStart"].endswith("/bin/tracker daemon")
    assert service["Environment"] == "TRACKER_CONFIG=/etc/dc-hiring-tracker/tracker.toml"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_example_config_loads_and_falls_back_to_the_shipped_watchlist(tmp_path: Path) -> None:
    config = tmp_path / "etc" / "tracker.toml"
    config.parent.mkdir()
    shutil.copy(DEPLOY / "tracker.toml", config)
    settings = load_settings(str(config), f"sqlite:///{tmp_path / 't.db'}")
    assert settings.watchlist == "watchlist.toml"
    assert settings.digest.to == ("analyst@example.com",)
    engine = open_database(settings, write=True)
    try:
        line = import_configured_watchlist(engine, settings)
    finally:
        engine.dispose()
    shipped = tomllib.loads((ROOT / "seeds" / "watchlist.toml").read_text())["source"]
    assert line == f"watchlist watchlist.toml: {len(shipped)} added, 0 updated, 0 unchanged"


@pytest.mark.parametrize("beside", [True, False])
def test_a_watchlist_beside_the_config_wins(tmp_path: Path, beside: bool) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text('watchlist = "watchlist.toml"\n')
    if beside:
        (tmp_path / "watchlist.toml").write_text(
            '[[source]]\ncompany = "Acme"\nats = "lever"\ntoken = "acme"\n'
        )
    settings = load_settings(str(config), f"sqlite:///{tmp_path / 't.db'}")
    engine = open_database(settings, write=True)
    try:
        line = import_configured_watchlist(engine, settings) or ""
    finally:
        engine.dispose()
    assert (": 1 added," in line) is beside, line
