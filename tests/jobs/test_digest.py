"""The digest end to end in-process: build, send to a real SMTP server (aiosmtpd on loopback),
exactly once per period, --force, failures recorded and retried, preview, no password in logs."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import insert

from db import digests
from db.session import make_engine, session_scope
from db.tables import DIGEST_SEND
from jobs.digest import current_period, send_due
from tests.helpers import Cli
from tests.jobs.boards import gh_board, gh_job, write_config
from tests.jobs.daemon import query
from tests.jobs.smtp import SmtpServer, free_port
from tracker.report.email import digest_message_id
from tracker.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "seeds" / "demo"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday, an hour after "mon 07:00"
PERIOD = "2026-11-16T07:00:00Z/2026-11-23T07:00:00Z"
TO = ["analyst@example.com", "desk@example.com"]
PASSWORD = "pw-Never-In-Logs-42"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def config_for(tmp_path: Path, port: int, **smtp: Any) -> Path:
    return write_config(
        tmp_path / "tracker.toml",
        digest={"schedule": "mon 07:00", "to": TO, "from": "tracker@example.com"},
        smtp={"host": "127.0.0.1", "port": port, "security": "none", **smtp},
    )


def ingest_demo(cli: Cli) -> None:
    """The demo story: April and 20 November 2026 recordings of three boards."""
    cli("sources", "import", str(DEMO / "watchlist.toml"))
    for path in sorted(DEMO.glob("*-2026-04-20.json")) + sorted(DEMO.glob("*-2026-11-20.json")):
        ats, token, _ = path.stem.split("-", 2)
        cli("ingest", str(path), "--source", f"{ats}:{token}", "--observed-at", path.stem[-10:])


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo story ingested once per module into a SQLite file (copied per test)."""
    folder = tmp_path_factory.mktemp("demo")
    with time_machine.travel(NOW, tick=True):
        ingest_demo(Cli(f"sqlite:///{folder / 'tracker.db'}", config_for(folder, free_port())))
    with closing(sqlite3.connect(folder / "tracker.db")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy holds every row
    return folder / "tracker.db"


@pytest.fixture
def demo_cli(
    any_db_url: str, tmp_path: Path, inbox: SmtpServer, request: pytest.FixtureRequest
) -> Cli:
    cli = Cli(any_db_url, config_for(tmp_path, inbox.port))
    if any_db_url.startswith("sqlite:///"):
        demo: Path = request.getfixturevalue("demo_sqlite")
        shutil.copyfile(demo, any_db_url.removeprefix("sqlite:///"))
    else:
        ingest_demo(cli)
    return cli


def settings_of(cli: Cli) -> Settings:
    return load_settings(str(cli.config), cli.db)


def test_digest_received_with_text_html_and_inline_chart(demo_cli: Cli, inbox: SmtpServer) -> None:
    out = demo_cli("digest", "send").stdout
    assert f"sent digest for {PERIOD} to analyst@example.com, desk@example.com" in out
    [received] = inbox.messages
    assert received.mail_from == "tracker@example.com"
    assert sorted(received.rcpt_tos) == TO
    msg = received.message
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == (
        "[DC hiring] 21 compute roles (+12), new in Japan, Australia and the UK"
    )
    assert msg["Message-ID"] and msg["To"] == "analyst@example.com, desk@example.com"
    text_part, related = msg.get_payload()  # type: ignore[misc]
    assert text_part.get_content_type() == "text/plain"
    assert "Anthropic: 13 open compute roles (+8 since 16 Nov 2026:" in text_part.get_content()
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    cid = image["Content-ID"].strip("<>")
    html = html_part.get_content()
    assert f'src="cid:{cid}"' in html
    assert "Anthropic: 13 open compute roles" in html and "Closed roles (2)" in html
    assert "Pay band changed: Capacity Planning Lead" in html
    assert image.get_content().startswith(b"\x89PNG\r\n\x1a\n")


def test_resend_refused_then_force_resends(demo_cli: Cli, inbox: SmtpServer) -> None:
    demo_cli("digest", "send")
    again = demo_cli("digest", "send")
    assert f"digest for {PERIOD} already sent at" in again.stdout and "--force" in again.stdout
    assert len(inbox.messages) == 1
    demo_cli("digest", "send", "--force", "--to", "me@example.com")
    first, forced = inbox.messages
    assert forced.rcpt_tos == ["me@example.com"]
    assert first.message["Message-ID"] != forced.message["Message-ID"]
    rows = query(demo_cli.db, "SELECT status, forced, claim FROM digest_send ORDER BY id")
    assert [(r[0], bool(r[1]), r[2]) for r in rows] == [
        ("sent", False, PERIOD), ("test-sent", True, None),
    ]  # fmt: skip
    demo_cli("digest", "send", "--force")
    assert inbox.messages[-1].rcpt_tos == TO
    status = demo_cli.json("status")["digest"]
    assert status["last_sent"]["recipients"] == TO
    assert status["current_period"] == {
        "from": "2026-11-16T07:00:00Z", "to": "2026-11-23T07:00:00Z", "state": "sent",
    }  # fmt: skip


def test_failed_send_is_recorded_reported_and_retried(any_db_url: str, tmp_path: Path) -> None:
    port = free_port()  # nothing listens here yet
    cli = Cli(any_db_url, config_for(tmp_path, port))
    ingest_demo(cli)
    result = cli("digest", "send", code=1)
    assert f"digest for {PERIOD} not sent: cannot reach SMTP server 127.0.0.1:{port}" in (
        result.stderr
    )
    status = cli.json("status")["digest"]
    assert status["current_period"]["state"].startswith("failed (1 attempt(s))")
    assert status["failed"][0]["error"].startswith("cannot reach SMTP server")
    assert status["last_sent"] is None
    assert "failed:" in cli("status").stdout

    engine = make_engine(any_db_url)
    try:
        with SmtpServer(port=port) as smtp:
            outcome = send_due(engine, settings_of(cli))  # the daemon's hourly retry
            assert outcome is not None and outcome.status == "sent"
            assert send_due(engine, settings_of(cli)) is None
            assert len(smtp.messages) == 1
    finally:
        engine.dispose()
    states = [r[0] for r in query(any_db_url, "SELECT status FROM digest_send ORDER BY id")]
    assert states == ["failed", "sent"]


def test_smtp_password_is_never_logged(
    any_db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_DIGEST_PW", PASSWORD)
    with SmtpServer(login=("tracker", "another-password")) as smtp:
        cli = Cli(any_db_url, config_for(tmp_path, smtp.port, username="tracker",
                                         password_env="TEST_DIGEST_PW"))  # fmt: skip
        ingest_demo(cli)
        refused = cli("digest", "send", code=1)
        assert "SMTP login to 127.0.0.1" in refused.stderr and "failed (535)" in refused.stderr
        assert smtp.logins and not any(ok for _, ok in smtp.logins)  # smtplib tries each mech
    with SmtpServer(login=("tracker", PASSWORD), port=smtp.port) as smtp:
        cli("digest", "send")
        assert len(smtp.messages) == 1 and smtp.logins == [("tracker", True)]
    errors = query(any_db_url, "SELECT coalesce(error, '') FROM digest_send")
    everything = caplog.text + refused.output + json.dumps([r[0] for r in errors])
    assert PASSWORD not in everything
    assert "digest period=" in caplog.text  # the log lines were captured


def test_preview_writes_html_prints_text_sends_nothing(
    demo_cli: Cli, inbox: SmtpServer, tmp_path: Path
) -> None:
    out = tmp_path / "digest.html"
    result = demo_cli("digest", "preview", "--from", "2026-04-20T07:00Z", "--to", "2026-11-21",
                      "--out", str(out))  # fmt: skip
    assert result.stdout.startswith("Subject: [DC hiring] 21 compute roles (+12)")
    assert "Anthropic: 13 open compute roles (+8 since 20 Apr 2026:" in result.stdout
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and 'src="data:image/png;base64,' in html
    assert "cid:" not in html
    assert inbox.messages == []
    assert query(demo_cli.db, "SELECT count(*) FROM digest_send")[0][0] == 0
    assert demo_cli("digest", "preview").stdout.startswith("Subject: ")  # default: last 7 days


def test_job_data_is_html_escaped(any_db_url: str, tmp_path: Path, inbox: SmtpServer) -> None:
    cli = Cli(any_db_url, config_for(tmp_path, inbox.port))
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme <b>Cloud</b>",
        "--option", "departments=Compute")  # fmt: skip
    board = gh_board(1)
    board["jobs"].append(gh_job(7, '<script>alert("x")</script> Data Center Technician & Co'))
    payload = tmp_path / "board.json"
    payload.write_text(json.dumps(board))
    cli("ingest", str(payload), "--source", "greenhouse:acme", "--observed-at", "2026-11-20")
    cli("digest", "send")
    html = inbox.messages[0].message.get_payload()[1].get_payload()[0].get_content()
    assert "<script>" not in html and "<b>Cloud</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Data Center Technician &amp; Co" in html
    assert "Acme &lt;b&gt;Cloud&lt;/b&gt;" in html


def test_no_recipients_is_bad_usage(any_db_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path / "tracker.toml", smtp={"port": free_port()})
    cli = Cli(any_db_url, config)
    first = cli("digest", "send", code=2)
    if any_db_url.startswith("sqlite"):
        assert "database not found" in first.stderr  # no empty database created by a send
    cli("init")
    result = cli("digest", "send", code=2)
    assert "no recipients" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    bad = cli("digest", "send", "--to", "not-an-address", code=2)
    assert "bad recipient" in bad.stderr


def test_send_due_skips_periods_without_data_and_resumes_interrupted_sends(
    any_db_url: str, tmp_path: Path, inbox: SmtpServer
) -> None:
    cli = Cli(any_db_url, config_for(tmp_path, inbox.port))
    cli("init")
    settings = settings_of(cli)
    engine = make_engine(any_db_url)
    try:
        assert send_due(engine, settings) is None  # a brand-new tracker has nothing to report
        ingest_demo(cli)
        start, end = current_period(settings)
        message_id = digest_message_id(start, end, "tracker@example.com", TO, forced=False)
        with session_scope(engine) as session:  # a sender died mid-send 20 minutes ago
            session.connection().execute(
                insert(DIGEST_SEND).values(
                    period_start=start, period_end=end, recipients=",".join(TO),
                    message_id=message_id, status="sending", forced=False,
                    claim=digests.claim_key(start, end),
                    created_at=NOW - timedelta(minutes=20),
                )
            )  # fmt: skip
        outcome = send_due(engine, settings)
        assert outcome is not None and outcome.status == "sent"
        assert inbox.messages[0].message["Message-ID"] == message_id  # same id: clients dedupe
    finally:
        engine.dispose()
    rows = query(any_db_url, "SELECT status, error FROM digest_send ORDER BY id")
    assert rows[0][0] == "failed" and rows[0][1].startswith("interrupted")
    assert rows[1][0] == "sent"


def test_test_send_does_not_use_up_the_period(demo_cli: Cli, inbox: SmtpServer) -> None:
    """``digest send --to me@...`` is a test send: the configured recipients still get theirs."""
    out = demo_cli("digest", "send", "--to", "me@example.com").stdout
    assert f"sent a test of the digest for {PERIOD} to me@example.com" in out
    assert "configured recipients is not affected" in out
    [test] = inbox.messages
    assert test.rcpt_tos == ["me@example.com"]
    assert test.message["Subject"].startswith("[test] [DC hiring] ")
    html = test.message.get_payload()[1].get_payload()[0].get_content()  # type: ignore[index]
    assert '<a href="https://' in html  # titles link to their postings in the digest too
    assert "Data-center operations" in html  # categories in words
    again = demo_cli("digest", "send", "--to", "me@example.com").stdout  # never "already sent"
    assert "sent a test" in again and len(inbox.messages) == 2
    real = demo_cli("digest", "send").stdout
    assert f"sent digest for {PERIOD} to analyst@example.com, desk@example.com" in real
    assert sorted(inbox.messages[-1].rcpt_tos) == TO
    assert "already sent" in demo_cli("digest", "send").stdout
    assert send_due(make_engine(demo_cli.db), settings_of(demo_cli)) is None  # the daemon: done


def test_daemon_still_sends_after_a_test_send(demo_cli: Cli, inbox: SmtpServer) -> None:
    demo_cli("digest", "send", "--to", "me@example.com")
    outcome = send_due(make_engine(demo_cli.db), settings_of(demo_cli))
    assert outcome is not None and outcome.status == "sent"
    assert sorted(inbox.messages[-1].rcpt_tos) == TO


def test_preview_and_send_cover_the_same_period(
    demo_cli: Cli, inbox: SmtpServer, tmp_path: Path
) -> None:
    """Without --from/--to, preview shows the period ``digest send`` sends now (the week up to
    the last scheduled time, here Mon 16 Nov 07:00 to Mon 23 Nov 07:00), and says so."""
    preview = demo_cli("digest", "preview").stdout
    period_line = preview.splitlines()[1]
    assert period_line.startswith(
        "Period: 2026-11-16T07:00:00Z to 2026-11-23T07:00:00Z (the week up to the last "
        "scheduled digest, mon 07:00 UTC: what send sends now)"
    )
    subject = preview.splitlines()[0].removeprefix("Subject: ")
    demo_cli("digest", "send")
    assert inbox.messages[0].message["Subject"] == subject
    text_part = inbox.messages[0].message.get_payload()[0].get_content()  # type: ignore[index]
    body = preview.split("\n", 3)[3]
    assert body.split("\n")[0] in text_part  # same heading: same period
    asked = demo_cli("digest", "preview", "--from", "2026-11-01", "--to", "2026-11-21T00:00Z")
    assert "(as asked with --from/--to)" in asked.stdout.splitlines()[1]
