"""A board whose whole body is the one the last ``ok`` run read (same digest) is recorded like a
304: not parsed again, every posting that run saw gets its ``last_seen`` refreshed, nothing
opens, changes or closes; a suspect run in between, or a rule change, means a full read."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from db.tables import RUN
from tests.db.factories import stored_postings
from tests.helpers import Cli, gh_board
from tests.loopback import LoopbackServer, Reply
from tests.tracker.test_cli import BOARD, add_acme
from tracker.sources import fingerprint, greenhouse


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
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per Greenhouse board parsed by the scrape job."""
    calls: list[int] = []
    real = greenhouse.Greenhouse.parse

    def counting(self: Any, payload: Any, ref: Any) -> Any:
        calls.append(1)
        return real(self, payload, ref)

    monkeypatch.setattr(greenhouse.Greenhouse, "parse", counting)
    return calls


def serve(server: LoopbackServer, board: dict[str, Any] | None, status: int = 200) -> None:
    server.reset()
    server.add(BOARD, Reply(json=board) if board is not None else Reply(status=status))


def runs(url: str) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(RUN).order_by(RUN.c.id)).all()
    engine.dispose()
    return rows


def postings(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(stored_postings()).all()
    engine.dispose()
    return {row.external_id: row for row in rows}


def test_same_body_is_not_parsed_and_refreshes_what_the_last_run_saw(
    cli: Cli, server: LoopbackServer, parsed: list[int], any_db_url: str
) -> None:
    add_acme(cli, server)
    board = gh_board(6)
    serve(server, board)
    cli("scrape")
    smaller = copy.deepcopy(board)
    del smaller["jobs"][0]  # one closes
    serve(server, smaller)
    cli("scrape")
    roles = cli.json("roles")
    assert len(parsed) == 2
    serve(server, copy.deepcopy(smaller))
    cli("scrape")
    assert len(parsed) == 2  # the same body: not parsed again
    first, second, third = runs(any_db_url)
    assert (third.status, third.seen, third.unchanged, third.new, third.closed) == (
        "ok", 5, 5, 0, 0,
    )  # fmt: skip
    assert first.body_hash and second.body_hash and third.body_hash == second.body_hash
    assert first.body_hash != second.body_hash
    stored = postings(any_db_url)
    assert stored["100"].closed_at is not None
    assert stored["100"].last_seen == first.observed_at  # the closed one is not "seen"
    assert all(stored[str(i)].last_seen == third.observed_at for i in range(101, 106))
    assert [r["id"] for r in cli.json("roles")] == [r["id"] for r in roles]
    serve(server, board)  # the first board again: a different body, read in full
    cli("scrape")
    assert len(parsed) == 3
    assert runs(any_db_url)[-1].reopened == 1


def test_a_failed_run_between_keeps_the_digest_valid(
    cli: Cli, server: LoopbackServer, parsed: list[int], any_db_url: str
) -> None:
    add_acme(cli, server)
    board = gh_board(4)
    serve(server, board)
    cli("scrape")
    serve(server, None, status=503)
    cli("scrape", code=1)
    serve(server, board)
    cli("scrape")
    assert len(parsed) == 1
    ok, failed, same = runs(any_db_url)
    assert (failed.status, failed.body_hash) == ("failed", None)
    assert (same.status, same.seen, same.body_hash) == ("ok", 4, ok.body_hash)


def test_after_a_suspect_run_the_old_body_is_read_in_full(
    cli: Cli, server: LoopbackServer, parsed: list[int], any_db_url: str
) -> None:
    add_acme(cli, server)
    board = gh_board(10)
    serve(server, board)
    cli("scrape")
    shrunk = copy.deepcopy(board)
    shrunk["jobs"] = shrunk["jobs"][:2]  # 8 of 10 gone: suspect
    serve(server, shrunk)
    cli("scrape")
    serve(server, board)
    cli("scrape")
    assert len(parsed) == 3
    _, suspect, again = runs(any_db_url)
    assert (suspect.status, suspect.body_hash) == ("suspect", None)
    assert (again.status, again.seen, again.closed) == ("ok", 10, 0)


def test_a_rule_change_means_a_full_read(
    cli: Cli, server: LoopbackServer, parsed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_acme(cli, server)
    serve(server, gh_board(3))
    cli("scrape")
    monkeypatch.setattr(fingerprint, "VERSION", fingerprint.VERSION + 1)
    cli("scrape")
    assert len(parsed) == 2
    cli("scrape")
    assert len(parsed) == 2
