"""The digest posted to channels (``[digest] channels``) through Apprise ``json://`` to a real
loopback receiver: once per period (also across restarts and with the email), the chart as an
attachment, failures recorded, shown and retried, test posts that do not use up the period."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from db.session import make_engine
from jobs.digest import send_due
from tests.helpers import Cli
from tests.jobs.boards import write_config
from tests.jobs.daemon import query
from tests.jobs.smtp import SmtpServer
from tests.jobs.test_digest import ingest_demo
from tests.loopback import LoopbackServer, Reply
from tracker.settings import load_settings

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday, an hour after "mon 07:00"
PERIOD = "2026-11-16T07:00:00Z/2026-11-23T07:00:00Z"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def hook() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.add("/hook", Reply(json={}), method="POST")
        srv.add("/flaky", Reply(status=500, json={"error": "down"}), Reply(json={}), method="POST")
        yield srv


def json_url(srv: LoopbackServer, path: str) -> str:
    return "json://" + srv.base_url.split("://", 1)[1] + path


def config(tmp_path: Path, srv: LoopbackServer, posts: list[str], **digest: Any) -> Path:
    return write_config(
        tmp_path / "tracker.toml",
        digest={"schedule": "mon 07:00", "channels": posts, **digest},
        channels={"desk": json_url(srv, "/hook"), "flaky": json_url(srv, "/flaky")},
    )


def posts(srv: LoopbackServer, path: str = "/hook") -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in srv.requests(path)]


def test_posted_once_with_chart_attachment(any_db_url: str, tmp_path: Path, hook: Any) -> None:
    cli = Cli(any_db_url, config(tmp_path, hook, ["desk"]))  # no `to`: channels only
    ingest_demo(cli)
    out = cli("digest", "send").stdout
    assert f"posted the digest for {PERIOD} to desk" in out
    [post] = posts(hook)
    assert post["title"] == "[DC hiring] 21 compute roles (+12), new in Japan, Australia and the UK"
    assert post["message"].startswith("**21 open compute roles (")
    assert "- Anthropic: 13 open compute roles (+8 since 16 Nov 2026:" in post["message"]
    [chart] = post["attachments"]
    assert chart["filename"] == "dc-hiring-chart.png" and chart["mimetype"] == "image/png"
    assert base64.b64decode(chart["base64"]).startswith(b"\x89PNG\r\n\x1a\n")
    again = cli("digest", "send").stdout
    assert f"digest for {PERIOD} already posted to desk at" in again
    engine = make_engine(any_db_url)  # the daemon, started later: nothing more to post
    try:
        assert send_due(engine, load_settings(str(cli.config), any_db_url)) is None
    finally:
        engine.dispose()
    assert len(posts(hook)) == 1
    rows = query(any_db_url, "SELECT recipients, status, claim FROM digest_send")
    assert [tuple(r) for r in rows] == [("channel:desk", "sent", f"{PERIOD}#channel:desk")]


def test_daemon_posts_and_emails_once_across_restarts(
    any_db_url: str, tmp_path: Path, hook: Any, inbox: SmtpServer
) -> None:
    path = config(tmp_path, hook, ["desk"], to=["analyst@example.com"])
    text = path.read_text() + f'\n[smtp]\nhost = "127.0.0.1"\nport = {inbox.port}\n'
    path.write_text(text + 'security = "none"\n')
    cli = Cli(any_db_url, path)
    ingest_demo(cli)
    for _ in range(3):  # three daemon starts (or three daemons) run the hourly job
        engine = make_engine(any_db_url)
        try:
            send_due(engine, load_settings(str(path), any_db_url))
        finally:
            engine.dispose()
    assert len(posts(hook)) == 1 and len(inbox.messages) == 1
    status = cli.json("status")["digest"]
    assert status["channels"] == ["desk"]
    assert status["current_period"]["state"] == "sent"
    assert status["current_period"]["channels"] == {"desk": "sent"}


def test_failed_post_is_reported_and_retried(any_db_url: str, tmp_path: Path, hook: Any) -> None:
    cli = Cli(any_db_url, config(tmp_path, hook, ["flaky"]))
    ingest_demo(cli)
    failed = cli("digest", "send", code=1)
    assert f"digest for {PERIOD} not posted to flaky:" in failed.stderr
    status = cli.json("status")["digest"]
    assert status["current_period"]["state"] == "no email"  # no `to`: channels only
    assert status["current_period"]["channels"]["flaky"].startswith("failed (1 attempt(s))")
    assert status["failed"][0]["recipients"] == ["channel:flaky"]
    assert "channel flaky: failed (1 attempt(s))" in cli("status").stdout
    engine = make_engine(any_db_url)
    try:
        send_due(engine, load_settings(str(cli.config), any_db_url))  # the hourly retry
        send_due(engine, load_settings(str(cli.config), any_db_url))
    finally:
        engine.dispose()
    assert len(posts(hook, "/flaky")) == 2  # the failed one and the retry, nothing more
    states = [r[0] for r in query(any_db_url, "SELECT status FROM digest_send ORDER BY id")]
    assert states == ["failed", "sent"]
    assert cli.json("status")["digest"]["current_period"]["channels"] == {"flaky": "sent"}


def test_test_post_does_not_use_up_the_period(any_db_url: str, tmp_path: Path, hook: Any) -> None:
    cli = Cli(any_db_url, config(tmp_path, hook, ["desk"]))
    ingest_demo(cli)
    out = cli("digest", "send", "--channel", "desk").stdout
    assert f"posted a test of the digest for {PERIOD} to desk" in out
    assert posts(hook)[0]["title"].startswith("[test] [DC hiring] ")
    assert "posted a test" in cli("digest", "send", "--channel", "desk").stdout
    assert f"posted the digest for {PERIOD} to desk" in cli("digest", "send").stdout
    assert len(posts(hook)) == 3
    bad = cli("digest", "send", "--channel", "nope", code=2)
    assert "unknown channel 'nope' (known: desk, flaky)" in bad.stderr


def test_unknown_digest_channel_is_a_config_error(db_url: str, tmp_path: Path) -> None:
    path = write_config(tmp_path / "tracker.toml", digest={"channels": ["slack"]},
                        channels={"desk": "json://127.0.0.1:9/hook"})  # fmt: skip
    bad = Cli(db_url, path)("status", code=2)
    assert "[digest] channels: unknown channel 'slack' (known: desk)" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    path.write_text(path.read_text().replace('["slack"]', '"desk"'))
    assert "channels" in Cli(db_url, path)("status", code=2).stderr  # a list, not a string
