"""db.light: a scrape worker's read of stored signatures without SQLAlchemy, on SQLite and
PostgreSQL: the same answer as the store's, and None (the database layer) for URLs it does not
open plainly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db import light, store
from db.session import session_scope
from jobs.spawn import url_of
from tests.db.factories import make_source, posting, run


def test_signatures_read_plainly_equal_the_stores(engine: Engine) -> None:
    with session_scope(engine) as session:
        sid = make_source(session)
        run(session, sid, 0, [posting("a"), posting("b"), posting("c")])
        store.set_signatures(session, sid, {"a": "sig-a", "b": None, "c": "sig-c"})
    with engine.connect() as conn:
        expected = store.known_signatures_in(conn, sid)
    opened = light.connect_read(url_of(engine))
    assert opened is not None, url_of(engine)
    conn, mark = opened
    try:
        assert light.known_signatures(conn, mark, sid) == expected
        assert expected == {"a": "sig-a", "b": None, "c": "sig-c"}
        assert light.known_signatures(conn, mark, sid + 1) == {}
    finally:
        conn.close()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file:x.db?mode=ro&uri=true",
        "sqlite:////nowhere/at/all.db",  # never created by a read
        "postgresql+psycopg://u@127.0.0.1/x?host=/run/postgresql",
        "mysql://u@127.0.0.1/x",
    ],
)
def test_urls_it_does_not_open_plainly_go_to_the_database_layer(url: str) -> None:
    assert light.connect_read(url) is None
    assert not Path("/nowhere/at/all.db").exists()


def test_importing_it_loads_no_sqlalchemy() -> None:
    code = "import sys, db.light; print(any(m.startswith('sqlalchemy') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
