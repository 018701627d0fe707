"""Alerts end to end: real Apprise deliveries to a loopback JSON receiver and to aiosmtpd."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from db.session import make_engine
from jobs.alerts import check, send_test
from tests.db.factories import DUBLIN, USD_BAND, at, make_source, posting, run
from tests.jobs.smtp import SmtpServer
from tests.loopback import LoopbackServer, Reply
from tracker.settings import Settings, load_settings


def settings_for(tmp_path: Path, body: str) -> Settings:
    path = tmp_path / "tracker.toml"
    path.write_text(body, encoding="utf-8")
    return load_settings(str(path))


def rules(hook: str, *, extra: str = "") -> str:
    return f"""
[channels]
desk = "{hook}"

[[alert]]
name = "japan"
on = ["opened", "pay_changed"]
country = ["JP"]
channels = ["desk"]
{extra}
"""


def port(server: LoopbackServer) -> str:
    return server.base_url.rsplit(":", 1)[1]


def messages(server: LoopbackServer, path: str = "/hook") -> list[dict[str, str]]:
    return [json.loads(r.body) for r in server.requests(path)]


def history(engine: Engine) -> None:
    """A baseline run, then a run that opens two roles (one in Dublin) and changes pay."""
    with Session(engine) as session:
        source = make_source(session)
        run(session, source, 0, [posting("p0"), posting("p1")])
        session.commit()
        run(
            session,
            source,
            1,
            [
                posting("p0", salary=USD_BAND),
                posting("p1"),
                posting("p2", title="Critical Facilities Engineer"),
                posting("p3", places=(DUBLIN,)),
            ],
        )
        session.commit()


@pytest.fixture
def receiver() -> LoopbackServer:
    with LoopbackServer() as srv:
        srv.add("/hook", Reply(json={}), method="POST")
        srv.add("/broken", Reply(status=500, json={"error": "down"}), method="POST")
        yield srv


def test_baseline_is_silent(engine: Engine, receiver: LoopbackServer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook"))
    with Session(engine) as session:
        source = make_source(session)
        run(session, source, 0, [posting("p0"), posting("p1")])
        session.commit()
    outcomes = check(engine, settings)
    assert [o.status for o in outcomes] == ["none"]
    assert receiver.count("/hook") == 0


def test_one_message_per_rule_and_check_and_never_twice(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook"))
    history(engine)
    outcomes = check(engine, settings)
    assert [(o.status, o.events) for o in outcomes] == [("sent", 2)]
    [sent] = messages(receiver)
    body = sent["message"]
    assert (
        "Opened" in body
        and "[Critical Facilities Engineer](https://boards.example.com/jobs/p2)" in body
    )
    assert "Pay changed" in body and "no pay → $200,000–$250,000" in body
    assert "Tokyo, JP" in body and "Anthropic" in body
    assert "p3" not in body  # Dublin: not this rule's country
    assert "japan" in sent["title"]
    # a restart: a new engine and settings, same database -> nothing again
    again = make_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        assert [o.status for o in check(again, settings)] == ["none"]
    finally:
        again.dispose()
    assert receiver.count("/hook") == 1


def test_failing_channel_is_retried_with_backoff_and_reported(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path
) -> None:
    from db import alerts as store

    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/broken"))
    history(engine)
    [first] = check(engine, settings, now=at(2))
    assert first.status == "failed" and first.events == 2
    assert first.error == (
        "channel 'desk': Failed to send JSON POST notification: Internal server error., error=500."
    )
    with engine.connect() as conn:
        [failure] = store.failures(conn)
    assert (failure.rule, failure.channel, failure.events, failure.attempts) == (
        "japan",
        "desk",
        2,
        1,
    )
    # before the backoff ends: not retried
    assert [o.status for o in check(engine, settings, now=at(2) + timedelta(seconds=30))] == [
        "none"
    ]
    assert receiver.count("/broken") == 1
    # the channel recovers (same name, working URL); after the backoff the events go out once
    fixed = replace(
        settings,
        channels=settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook")).channels,
    )
    [retry] = check(engine, fixed, now=at(2) + timedelta(minutes=2))
    assert (retry.status, retry.events) == ("sent", 2)
    assert receiver.count("/hook") == 1
    assert [o.status for o in check(engine, fixed, now=at(3))] == ["none"]
    with engine.connect() as conn:
        assert store.failures(conn) == []


def test_baseline_option_records_without_sending(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook"))
    history(engine)
    assert [o.status for o in check(engine, settings, baseline=True)] == ["baseline"]
    assert [o.status for o in check(engine, settings)] == ["none"]
    assert receiver.count("/hook") == 0


def test_min_count_waits_for_enough_events(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path
) -> None:
    hook = f"json://127.0.0.1:{port(receiver)}/hook"
    settings = settings_for(tmp_path, rules(hook, extra="min_count = 3"))
    history(engine)
    assert [o.status for o in check(engine, settings)] == ["waiting"]
    assert receiver.count("/hook") == 0


def test_mailto_delivers_one_email_listing_the_events(engine: Engine, tmp_path: Path) -> None:
    with SmtpServer() as smtp:
        url = (
            f"mailto://127.0.0.1:{smtp.port}?from=tracker@example.com&to=desk@example.com"
            "&mode=insecure"
        )
        settings = settings_for(tmp_path, rules(url))
        history(engine)
        assert [o.status for o in check(engine, settings)] == ["sent"]
        assert [o.status for o in check(engine, settings)] == ["none"]
        [mail] = smtp.messages
        html = mail.message.get_body(("html",))
        assert html is not None
        text = html.get_content()
        assert 'href="https://boards.example.com/jobs/p2"' in text
        assert "Critical Facilities Engineer" in text
        assert mail.rcpt_tos == ["desk@example.com"]


def test_env_channel_is_read_when_sending(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path, rules("env:TEST_ALERT_URL"))
    monkeypatch.delenv("TEST_ALERT_URL", raising=False)
    [missing] = send_test(settings, "japan")
    assert missing.status == "failed" and "TEST_ALERT_URL is not set" in (missing.error or "")
    monkeypatch.setenv("TEST_ALERT_URL", f"json://127.0.0.1:{port(receiver)}/hook")
    [ok] = send_test(settings, "japan")
    assert ok.status == "sent"
    [sent] = messages(receiver)
    assert "test" in sent["title"]


def test_two_daemons_checking_at_once_send_each_event_once(
    any_db_url: str, receiver: LoopbackServer, tmp_path: Path
) -> None:
    """Two processes' worth of engines race on the same events: one message in total."""
    import threading

    from db.session import upgrade

    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook"))
    engines = [make_engine(any_db_url) for _ in range(4)]
    try:
        upgrade(engines[0])
        history(engines[0])
        barrier = threading.Barrier(len(engines))
        results: list[str] = []

        def daemon(eng: Engine) -> None:
            barrier.wait()
            results.extend(f"{o.status}:{o.events}" for o in check(eng, settings))

        threads = [threading.Thread(target=daemon, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for eng in engines:
            eng.dispose()
    assert sorted(results).count("sent:2") == 1, results
    assert receiver.count("/hook") == 1, (results, messages(receiver))


def test_the_daemon_checks_alerts_after_a_scrape(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path
) -> None:
    import asyncio

    from jobs.scheduler import Runtime, alerts_check

    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/hook"))
    history(engine)

    async def after_scrape() -> None:
        rt = Runtime(engine=engine, settings=settings, client=None, limit=asyncio.Semaphore(1))
        await alerts_check(rt)
        await alerts_check(rt)

    asyncio.run(after_scrape())
    assert receiver.count("/hook") == 1


def test_channel_errors_never_show_the_url() -> None:
    from jobs.notify import DeliveryError, send
    from tracker.alerts_config import Channel

    with pytest.raises(DeliveryError) as caught:
        send(Channel("desk", "json://127.0.0.1:1/hook-s3cr3t-token?key=abcdef123456"), "t", "b")
    message = str(caught.value)
    assert message.startswith("channel 'desk': ")
    assert "s3cr3t" not in message and "abcdef123456" not in message


def test_failed_events_the_rule_no_longer_matches_are_dropped(
    engine: Engine, receiver: LoopbackServer, tmp_path: Path
) -> None:
    from db import alerts as store

    settings = settings_for(tmp_path, rules(f"json://127.0.0.1:{port(receiver)}/broken"))
    history(engine)
    assert [o.status for o in check(engine, settings, now=at(2))] == ["failed"]
    edited = settings_for(
        tmp_path,
        rules(f"json://127.0.0.1:{port(receiver)}/hook").replace('["JP"]', '["IE"]'),
    )
    [outcome] = check(engine, edited, now=at(3))
    assert (outcome.status, outcome.events) == ("sent", 1)  # the Dublin role, new to this rule
    with engine.connect() as conn:
        assert store.failures(conn) == []
