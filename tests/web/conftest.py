"""A small history for the web view (both backends), the app over it and an HTTP client.

Time is frozen at ``NOW`` so pages, the API and the CLI agree on "now" to the second.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine
from sqlmodel import Session

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its TestClient; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from db.store import record_run
from tests.db.factories import DUBLIN, USD_BAND, make_source, posting
from tests.helpers import Cli
from tracker.settings import Settings
from tracker.web.app import create_app

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOSTILE_TITLE = "<script>alert('t')</script> Data Center Technician"
HOSTILE_URL = "javascript:alert(document.cookie)"
ROLES = 30  # Anthropic's board at the start (two close, one opens: 29 + Acme's 2 open now)


def seed(engine: Engine) -> None:
    """Anthropic (greenhouse:anthropic, Tokyo): 30 roles 20 days ago; 2 days ago two closed and a
    hostile one opened. Acme Cloud (greenhouse:acme, Dublin, paid): 2 roles, one retitled."""
    board = [posting(f"p{i:02d}") for i in range(ROLES)]
    hostile = posting("evil", title=HOSTILE_TITLE, url=HOSTILE_URL)
    acme = [
        posting("a1", places=(DUBLIN,), salary=USD_BAND, category="energy"),
        posting("a2", places=(DUBLIN,), title="Grid Interconnection Lead", category="energy"),
    ]
    with Session(engine) as session:
        anthropic = make_source(session)
        acme_id = make_source(session, "acme", "Acme Cloud")
        record_run(session, anthropic, NOW - timedelta(days=20), board)
        record_run(session, acme_id, NOW - timedelta(days=20), acme)
        record_run(session, anthropic, NOW - timedelta(days=2), [*board[:-2], hostile])
        retitled = replace(acme[0], title="Senior Energy Manager")
        record_run(session, acme_id, NOW - timedelta(days=1), [retitled, acme[1]])
        session.commit()


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def seeded(engine: Engine, frozen: None) -> Engine:
    seed(engine)
    return engine


@pytest.fixture
def client(seeded: Engine, any_db_url: str) -> Iterator[TestClient]:
    app = create_app(seeded, Settings(database_url=any_db_url))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path, seeded: Engine) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("", encoding="utf-8")
    return Cli(any_db_url, config)
