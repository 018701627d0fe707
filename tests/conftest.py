"""Shared fixtures: isolated databases on SQLite and (when configured) PostgreSQL.

- ``db_url``: a fresh, empty SQLite file URL per test.
- ``pg_url``: a fresh, empty PostgreSQL *schema* per test (``search_path`` set through the
  URL's ``options``), dropped afterwards; skips unless ``TRACKER_TEST_POSTGRES_URL`` is set.
- ``any_db_url``: parametrized over ``sqlite`` and ``postgres`` (the latter skips when unset).
- ``engine``: ``any_db_url`` migrated to head; ``session``: a Session on it, closed afterwards.
  Not migrated per test: on SQLite a copy of a file migrated once per test session, on
  PostgreSQL a schema migrated once per session and emptied before each test
  (``tests/pg_schemas.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from tests.pg_schemas import MigratedSchema, create_schema, drop_schema, schema_url

PG_ENV = "TRACKER_TEST_POSTGRES_URL"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database file URL (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'tracker.db'}"


def _pg_base_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose ``search_path`` is a fresh schema, dropped after the test."""
    base = _pg_base_url()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        schema = create_schema(admin)
        try:
            yield schema_url(base, schema)
        finally:
            drop_schema(admin, schema)
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def _pg_migrated() -> Iterator[MigratedSchema]:
    migrated = MigratedSchema(_pg_base_url())
    try:
        yield migrated
    finally:
        migrated.close()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def any_db_url(request: pytest.FixtureRequest) -> str:
    """The test runs once per backend; PostgreSQL skips when not configured. A test that also
    uses ``engine`` gets a database migrated to head (on PostgreSQL an emptied shared schema)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("db_url"))
    if "engine" in request.fixturenames:
        return request.getfixturevalue("_pg_migrated").url()
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; copy it, never open it in a test."""
    from db.session import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "tracker.db"
    eng = make_engine(f"sqlite:///{path}")
    try:
        upgrade(eng)
        with eng.connect() as conn:  # everything into the main file: the copy is complete
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        eng.dispose()
    return path


@pytest.fixture
def engine(any_db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a fresh database, migrated to head."""
    from db.session import make_engine, upgrade

    if any_db_url.startswith("sqlite:///"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, any_db_url.removeprefix("sqlite:///"))
    eng = make_engine(any_db_url)
    upgrade(eng)  # a no-op on the copied template
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A Session on ``engine``; whatever the test leaves uncommitted is rolled back."""
    with Session(engine, expire_on_commit=False) as sess:
        yield sess


@pytest.fixture(scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _own_cache_folder(_cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Derived tables and validated configs (:mod:`tracker.normalize.diskcache`) go to a
    folder of the test session, not the developer's ``~/.cache`` (one ``settings-*.pickle``
    per temporary config file would pile up there). The session builds the gazetteer once;
    the commands tests start in other processes share it."""
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(_cache_folder))


@pytest.fixture(autouse=True)
def _no_real_fx_refresh(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests (and daemons they start) never download ECB rates from the internet nor read a
    developer's refreshed rates file: a closed loopback port and an absent file."""
    folder = tmp_path_factory.mktemp("fx")
    monkeypatch.setenv("TRACKER_ECB_URL", "http://127.0.0.1:9/eurofxref-hist.zip")
    monkeypatch.setenv("TRACKER_FX_FILE", str(folder / "eurofxref-hist.zip"))
