"""``tracker alerts`` / ``feed`` / ``status`` from the command line, and config errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from db.session import make_engine, upgrade
from tests.helpers import Cli
from tests.jobs.test_alerts import history, port, rules
from tests.loopback import LoopbackServer, Reply
from tracker.cli import app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def receiver() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.add("/hook", Reply(json={}), method="POST")
        srv.add("/broken", Reply(status=500, json={"error": "down"}), method="POST")
        yield srv


def cli_for(db_url: str, tmp_path: Path, config: str) -> Cli:
    path = tmp_path / "tracker.toml"
    path.write_text(config, encoding="utf-8")
    engine = make_engine(db_url)
    upgrade(engine)
    history(engine)
    engine.dispose()
    return Cli(db_url, path)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (rules("json://x/y").replace('channels = ["desk"]', 'channels = ["slak"]'),
         "config: [[alert]] japan: unknown channel 'slak' (known: desk)"),
        (rules("json://x/y").replace('"pay_changed"', '"moved"'),
         "config: [[alert]] japan: unknown event 'moved'"),
        (rules("not a url"), "config: [channels] desk must be an Apprise URL"),
        (rules("json://x/y").replace('country = ["JP"]', 'country = ["Japn"]'),
         "config: [[alert]] japan: unknown country 'Japn'"),
        (rules("json://x/y", extra="min_count = 0"), "min_count must be a whole number >= 1"),
        (rules("json://x/y", extra="colour = 'red'"), "unknown key(s) colour"),
    ],
)  # fmt: skip
def test_bad_rules_are_one_line_exit_2(
    db_url: str, tmp_path: Path, config: str, message: str
) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(config, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", db_url, "--config", str(path), "alerts", "list"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_check_then_nothing_twice_and_list(
    db_url: str, tmp_path: Path, receiver: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_DESK_URL", f"json://127.0.0.1:{port(receiver)}/hook")
    cli = cli_for(db_url, tmp_path, rules("env:TEST_DESK_URL"))
    assert "japan -> desk: 2 event(s) sent" in cli("alerts", "check").stdout
    assert "no new events" in cli("alerts", "check").stdout
    assert receiver.count("/hook") == 1
    listed = cli("alerts", "list").stdout
    assert "japan: on opened,pay_changed where country=JP -> desk [sent 2]" in listed
    assert "channel desk: env:TEST_DESK_URL" in listed
    assert str(port(receiver)) not in listed  # the URL itself is never shown
    assert "japan -> desk: 2 event(s) sent" in cli("status").stdout


def test_failing_channel_exit_1_and_shown_in_status(
    db_url: str, tmp_path: Path, receiver: LoopbackServer
) -> None:
    cli = cli_for(db_url, tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/broken"))
    result = cli("alerts", "check", code=1)
    assert "japan -> desk: 2 event(s) failed" in result.stderr
    status = cli("status").stdout
    assert "failed: japan -> desk: 2 event(s), 1 attempt(s)" in status
    data = cli.json("status")
    assert data["alerts"]["failed"][0]["events"] == 2


def test_test_message_and_unknown_rule(
    db_url: str, tmp_path: Path, receiver: LoopbackServer
) -> None:
    cli = cli_for(db_url, tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook"))
    assert "japan -> desk: test message sent" in cli("alerts", "test", "japan").stdout
    assert receiver.count("/hook") == 1
    result = cli("alerts", "test", "japn", code=2)
    assert "unknown alert rule 'japn' (known: japan)" in result.stderr


def test_feed_has_stable_entry_ids(any_db_url: str, tmp_path: Path) -> None:
    cli = cli_for(any_db_url, tmp_path, "")
    out = tmp_path / "feed.xml"
    cli("feed", "--country", "Japan", "--from", "2026-01-01", "--out", str(out))
    first = ET.parse(out).getroot()
    entries = first.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "Opened: Critical Facilities Engineer — Anthropic" in titles
    assert any(t and t.startswith("Pay changed: ") for t in titles)
    assert not any(t and "p3" in t for t in titles)  # Dublin
    summaries = [e.findtext(f"{ATOM}summary") for e in entries]
    assert "Opened · Anthropic · Critical Facilities Engineer · Tokyo, JP" in summaries
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    cli("feed", "--country", "JP", "--from", "2026-01-01", "--out", str(out))
    again = [e.findtext(f"{ATOM}id") for e in ET.parse(out).getroot().findall(f"{ATOM}entry")]
    assert ids == again and len(set(ids)) == len(ids) == 2
    assert all(i and i.startswith("tag:dc-hiring-tracker,2026:") for i in ids)
    stdout = cli("feed", "--from", "2026-01-01").stdout
    assert stdout.startswith("<?xml")
