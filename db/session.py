"""Engines, schema upgrades and transactions.

Nothing here runs at import time: callers build an engine from ``Settings.database_url`` with
:func:`make_engine`, make sure the schema is current with :func:`upgrade`, and wrap each unit of
work in :func:`session_scope` (one transaction; helpers in ``db.store`` never commit).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, SQLAlchemyError

if TYPE_CHECKING:  # Alembic and the ORM are imported only when needed (start-up time)
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_AFTER_IDLE_S = 5.0  # a pooled server connection idle this long is pinged before reuse
MIGRATION_LOCK = 0x7472_6B72  # PostgreSQL advisory lock serializing schema upgrades ("trkr")


class DatabaseError(RuntimeError):
    """The database is unreachable, misconfigured or could not be migrated (one clear line)."""


def normalize_url(url: str) -> URL:
    """Parse ``url``; ``postgresql://`` and ``postgres://`` become ``postgresql+psycopg://``."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"bad database URL {url!r}: {exc}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def safe_url(engine_or_url: Engine | URL) -> str:
    """The URL as text with any password masked."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else engine_or_url
    return url.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, FK checks and its parent dir."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _ping_when_idle(create_engine(parsed))
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        parent = Path(database).expanduser().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"cannot create directory {parent} for database {safe_url(parsed)}: "
                f"{exc.strerror or exc}"
            ) from None
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _ping_when_idle(engine: Engine) -> Engine:
    """Pre-ping a pooled connection only when it sat idle ``PING_AFTER_IDLE_S`` or longer.

    A dead connection (server restarted, idle connection dropped) is replaced before use, as
    ``pool_pre_ping`` would do, without a round trip on each of a scrape's quick checkouts.
    """

    def stamp(_dbapi_connection: Any, record: Any) -> None:
        record.info["tracker_idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("tracker_idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's own error type: the connection is unusable
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("connection failed its ping")

    event.listen(engine, "connect", stamp)
    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", checkout)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings (WAL, busy timeout, foreign keys)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _reason(exc: BaseException, url: URL) -> str:
    """First line of a driver error, with the password scrubbed just in case."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines() or [type(orig).__name__]
    reason = lines[0].strip()
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason


def check_connection(engine: Engine) -> None:
    """Connect and run ``SELECT 1``; raise :class:`DatabaseError` with a one-line reason."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise DatabaseError(
            f"cannot connect to database {safe_url(engine)}: {_reason(exc, engine.url)}"
        ) from None


def alembic_config() -> Config:
    """A programmatic Alembic config pointing at the package's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    """The migrations' head revision id."""
    return _scripts().get_current_head()


_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(?:\(\s*)?['\"]([^'\"]+)['\"]", re.M)


@lru_cache(maxsize=1)
def quick_head() -> str | None:
    """The head revision read from the migration files without importing Alembic, or None
    when the files are not a plain single chain (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        if "down_revision" in found:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _known(revision: str) -> bool:
    from alembic.util.exc import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _at_quick_head(engine: Engine) -> bool:
    """True when ``alembic_version`` holds exactly :func:`quick_head` (plain SQL, no Alembic)."""
    head = quick_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except (DBAPIError, SQLAlchemyError):
        return False  # no table yet (empty database) or unreadable: Alembic decides
    return [r[0] for r in rows] == [head]


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head (idempotent); return whether any migration ran.

    The common case, a database already at head, is answered without importing Alembic.
    """
    if _at_quick_head(engine):
        return False
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    try:
        current = current_revision(engine)
        if current == head_revision():
            return False
        if current is not None and not _known(current):
            raise DatabaseError(
                f"database {safe_url(engine)} is at schema revision {current}, which this "
                f"version of tracker does not know (its latest is {head_revision()}); "
                "upgrade tracker"
            )
        config = alembic_config()
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":  # several daemons starting at once
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                if MigrationContext.configure(conn).get_current_revision() == head_revision():
                    return False
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except (DBAPIError, OSError) as exc:
        raise DatabaseError(
            f"cannot upgrade database {safe_url(engine)}: {_reason(exc, engine.url)}"
        ) from None
    return True


class SessionLike(Protocol):
    """What the Core reads need from a session: its connection. An ORM ``Session`` (from
    :func:`session_scope`) and a :class:`CoreSession` (from :func:`core_scope`) both have one."""

    def connection(self) -> Connection: ...

    def flush(self) -> None: ...


class CoreSession:
    """One connection standing in for a Session where only Core statements run (queries):
    no ORM import, no identity map."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def connection(self) -> Connection:
        return self._conn

    def flush(self) -> None:
        """Nothing to flush: no ORM objects are held."""


# A connection kept open for one thread's writes (see :func:`kept_connection`).
_KEPT: ContextVar[tuple[Engine, int, Connection] | None] = ContextVar("tracker_kept", default=None)


@contextmanager
def kept_connection(engine: Engine) -> Iterator[None]:
    """Within the block, :func:`connection` on this thread hands out one connection of
    ``engine`` instead of checking one out of the pool and back for each short transaction:
    a scrape's thousand 304 runs, recorded one after another on its event loop, each save the
    checkout, the check-in and its reset. Other threads (and a connection found inside a
    transaction) get their own, as usual."""
    with engine.connect() as conn:
        token = _KEPT.set((engine, threading.get_ident(), conn))
        try:
            yield
        finally:
            _KEPT.reset(token)


@contextmanager
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection of ``engine`` for one short piece of work: the one this thread keeps
    (:func:`kept_connection`) when it is idle, else one from the pool, given back after."""
    kept = _KEPT.get()
    if kept is not None and kept[0] is engine and kept[1] == threading.get_ident():
        conn = kept[2]
        if not conn.in_transaction() and not conn.invalidated and not conn.closed:
            yield conn
            return
    with engine.connect() as conn:
        yield conn


@contextmanager
def core_scope(engine: Engine) -> Iterator[CoreSession]:
    """Like :func:`session_scope` for Core-only work: one transaction, committed when the
    block succeeds, rolled back when it raises, without loading the ORM (start-up time). The
    transaction is begun up front, as a Session does, so statements sent straight to the driver
    (:mod:`db.driver`) are inside it and committed with it."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield CoreSession(conn)
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises."""
    from sqlalchemy.orm import Session

    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
