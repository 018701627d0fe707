"""db.light: a scrape worker's read of stored signatures without SQLAlchemy, on SQLite and
PostgreSQL: the same answer as the store's, and None (the database layer) for URLs it does not
open plainly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from db import light, store
from db.session import session_scope
from db.tables import SOURCE
from jobs.spawn import url_of
from tests.db.factories import make_source, posting, run
from tracker.domain import SourceRef


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


def test_a_workers_plan_prepares_the_references_the_scrape_prepares(engine: Engine) -> None:
    """Prefetch counts a board only when the two references are equal: the plan read without
    the database layer must build exactly what ``jobs.scrape.prepared`` builds under the lease
    (else every prefetched board would be fetched twice); a source whose lease was waited for
    is prepared without a state read up front, and never matches."""
    from jobs.scrape import prepared, read_states
    from jobs.targets import select_targets

    with session_scope(engine) as session:
        fresh = make_source(session, token="fresh", company="Fresh")  # never scraped
        seen = make_source(session, token="seen", company="Seen")
        run(session, seen, 0, [posting("a")], body_hash="h0")
        store.set_http_cache(session, seen, '"etag-1"', None)
        failing = make_source(session, token="failing", company="Failing")
        run(session, failing, 0, [posting("b")], body_hash="h1")
        run(session, failing, 1, None, error="HTTP 500")  # the latest ok run still counts
    opened = light.connect_read(url_of(engine))
    assert opened is not None
    try:
        plan = dict(light.scrape_plan(*opened))
    finally:
        opened[0].close()
    targets = select_targets(engine)
    states = read_states(engine, [t.source_id for t in targets])
    assert {t.source_id for t in targets} == set(plan) == {fresh, seen, failing}
    for target in targets:
        ref = prepared(engine, target, states[target.source_id])
        assert plan[target.source_id] == ref, target.ref.key
        assert prepared(engine, target) != ref  # waited for: read afresh, with _known
    assert plan[seen].options["_body_hash"] == "h0"
    assert plan[seen].options["_validators"] == {"etag": '"etag-1"', "last_modified": None}
    assert "_body_hash" not in plan[fresh].options


def test_a_scrapes_targets_are_the_sources_list_references(engine: Engine) -> None:
    """The scrape reads its targets straight from the driver: the same references, in the
    same (key) order, as the sources list builds, disabled sources left out unless named."""
    from db.status import list_sources
    from jobs.targets import select_targets

    with session_scope(engine) as session:
        make_source(session, token="b-board", company="Beta")
        options = {"budget": 3, "x": [1, "é"]}
        store.upsert_source(session, SourceRef("greenhouse", "a-board", "Alpha", "alpha", options))
        off = make_source(session, token="c-off", company="Gamma")
        session.execute(update(SOURCE).where(SOURCE.c.id == off).values(enabled=False))
    with session_scope(engine) as session:
        infos = list_sources(session)
    every = [(i.id, i.ref) for i in infos]
    enabled = [(i.id, i.ref) for i in infos if i.enabled]
    assert [(t.source_id, t.ref) for t in select_targets(engine)] == enabled
    assert len(enabled) == 2 and enabled[0][1].options == {"budget": 3, "x": [1, "é"]}
    keys = ["greenhouse:c-off", "greenhouse:a-board"]  # named: in that order, disabled too
    named = [(t.source_id, t.ref) for t in select_targets(engine, keys)]
    assert named == [every[2], every[0]]
    beta = [(t.source_id, t.ref) for t in select_targets(engine, company="beta")]
    assert beta == [every[1]]


def test_a_postgresql_url_keeps_every_option_of_its_own(engine: Engine) -> None:
    """SQLAlchemy writes the spaces between ``-c`` options as ``+``, which libpq would read
    as itself: the worker's plain connection must get each option (the search path the
    tables live in, and the rest)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connection options")
    with engine.connect() as probe:
        path = probe.exec_driver_sql("SHOW search_path").scalar()
    with_two = engine.url.update_query_dict(
        {"options": f"-csearch_path={path} -cstatement_timeout=4321"}
    )
    url = with_two.render_as_string(hide_password=False)
    assert "+" in url  # as SQLAlchemy hands it to a worker
    opened = light.connect_read(url)
    assert opened is not None
    conn = opened[0]
    try:
        assert conn.execute("SHOW search_path").fetchone()[0] == path
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "4321ms"
        assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 0
    finally:
        conn.close()
