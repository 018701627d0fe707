"""deploy/tracker-serve.service: the web view's unit, beside the daemon's; the example config's
[serve] section loads."""

from __future__ import annotations

import configparser
from pathlib import Path

from tracker.settings import load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def read_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / name)
    return unit


def test_serve_unit_runs_tracker_serve_like_the_daemon_unit() -> None:
    serve, daemon = read_unit("tracker-serve.service"), read_unit("dc-hiring-tracker.service")
    service = serve["Service"]
    assert service["ExecStart"].endswith("/bin/tracker serve")
    for key in ("User", "Group", "Environment", "EnvironmentFile", "WorkingDirectory",
                "ProtectSystem", "NoNewPrivileges", "ReadWritePaths", "Restart",
                "RestartPreventExitStatus"):  # fmt: skip
        assert service[key] == daemon["Service"][key], key
    assert service["User"] != "root"
    assert "dc-hiring-tracker.service" in serve["Unit"]["After"]
    assert serve["Install"]["WantedBy"] == "multi-user.target"


def test_example_config_serves_on_loopback() -> None:
    settings = load_settings(str(DEPLOY / "tracker.toml"), "sqlite:///unused.db")
    assert (settings.serve.host, settings.serve.port) == ("127.0.0.1", 8000)
    assert settings.serve.token_env == "TRACKER_SERVE_TOKEN"
