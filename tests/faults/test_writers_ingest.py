"""``tracker ingest`` on a source another writer holds: one line, exit 1, nothing recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from db.session import make_engine
from db.tables import LEASE
from tests.faults.writers_helpers import write_setup
from tests.helpers import Cli, gh_board
from tests.jobs.daemon import query


def test_ingest_skips_a_held_source(db_url: str, tmp_path: Path) -> None:
    config, _ = write_setup(tmp_path, "http://127.0.0.1:9", {"acme": "Acme"}, lease_wait="0.3s")
    cli = Cli(db_url, config)
    cli("sources", "import", str(tmp_path / "watchlist.toml"))
    board = tmp_path / "board.json"
    board.write_text(json.dumps(gh_board(3)))
    cli("ingest", str(board), "--source", "greenhouse:acme", "--observed-at", "2026-11-01")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:  # another host's writer holds the source now
            conn.execute(
                update(LEASE)
                .where(LEASE.c.key == "greenhouse:acme")
                .values(
                    holder="otherhost:42",
                    token="t",
                    expires_at=datetime.now(UTC) + timedelta(minutes=1),
                )
            )
    finally:
        engine.dispose()
    result = cli("ingest", str(board), "--source", "greenhouse:acme", "--observed-at", "2026-11-02",
                 code=1)  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: greenhouse:acme is being scraped by otherhost:42; try again"]
    assert len(query(db_url, "SELECT id FROM run")) == 1
