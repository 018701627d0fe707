"""Do only the work that changed (issue 12): unchanged Greenhouse jobs are not normalized
again and cost a ``last_seen`` refresh; lifecycle rules hold; parsing and writing happen on
the writer thread, off the event loop."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from db.tables import RUN
from jobs import parsepool, scrape
from tests.helpers import Cli, gh_board
from tests.loopback import LoopbackServer, Reply
from tests.tracker.test_cli import BOARD, add_acme


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("[scrape]\nretries = 0\ntimeout = 5\n")
    return Cli(any_db_url, config)


@pytest.fixture
def normalized(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """External ids normalized by the scrape job, in order."""
    calls: list[str] = []
    real = parsepool.normalize

    def counting(raw: Any, ref: Any, at: Any) -> Any:
        calls.append(raw.external_id)
        return real(raw, ref, at)

    monkeypatch.setattr(parsepool, "normalize", counting)
    return calls


def serve(server: LoopbackServer, board: dict[str, Any]) -> None:
    server.reset()
    server.add(BOARD, Reply(json=board))


def last_run(url: str) -> Any:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(RUN).order_by(RUN.c.id.desc()).limit(1)).one()
    engine.dispose()
    return row


def test_only_changed_jobs_are_normalized(
    cli: Cli, server: LoopbackServer, normalized: list[str], any_db_url: str
) -> None:
    add_acme(cli, server)
    board = gh_board(6)
    serve(server, board)
    cli("scrape")
    assert len(normalized) == 6
    before = {r["id"]: r for r in cli.json("roles")}
    normalized.clear()
    changed = copy.deepcopy(board)
    changed["jobs"][2]["title"] = "Data Center Electrician"
    serve(server, changed)
    cli("scrape")
    assert normalized == ["102"]
    run = last_run(any_db_url)
    assert (run.status, run.seen, run.changed, run.unchanged, run.new) == ("ok", 6, 1, 5, 0)
    roles = {r["id"]: r for r in cli.json("roles")}
    assert set(roles) == set(before)
    titles = sorted(r["title"] for r in roles.values())
    assert "Data Center Electrician" in titles and "Data Center Technician 2" not in titles
    assert all(roles[i]["last_seen"] >= before[i]["last_seen"] for i in roles)
    normalized.clear()
    cli("scrape")  # same board again: nothing is normalized, nothing changes
    assert normalized == []
    run = last_run(any_db_url)
    assert (run.seen, run.changed, run.unchanged) == (6, 0, 6)


def test_closed_job_back_unchanged_is_reopened_without_a_new_version(
    cli: Cli, server: LoopbackServer, normalized: list[str], any_db_url: str
) -> None:
    add_acme(cli, server)
    board = gh_board(6)
    serve(server, board)
    cli("scrape")
    fewer = copy.deepcopy(board)
    gone = fewer["jobs"].pop(0)
    serve(server, fewer)
    cli("scrape")
    assert last_run(any_db_url).closed == 1 and len(cli.json("roles")) == 5
    normalized.clear()
    serve(server, board)
    cli("scrape")
    assert normalized == []  # the job is back exactly as it was stored
    run = last_run(any_db_url)
    assert (run.status, run.reopened, run.changed, run.new) == ("ok", 1, 0, 0)
    roles = cli.json("roles")
    assert len(roles) == 6
    back = next(r for r in roles if r["external_id"] == str(gone["id"]))
    history = cli.json("history", str(back["id"]))
    assert len(history["versions"]) == 1  # content as stored: no new version
    assert len(history["spans"]) == 2 and history["spans"][0]["closed_at"] is not None  # the gap


def test_boards_are_parsed_and_written_off_the_event_loop(
    cli: Cli, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_acme(cli, server)
    serve(server, gh_board(3))
    threads: list[str] = []
    real = scrape.record_payload

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(scrape, "record_payload", spy)
    cli("scrape")
    assert len(threads) == 1 and threads[0].startswith("tracker-writer")
    assert len(cli.json("roles")) == 3
