"""The hot statements of a run, straight to the DB-API cursor (``db.store``, ``db.apply``).

A run's writer thread shares the GIL with the scrape's fetching, so each of its statements
should cost as little Python as it can: plain SQL text with the driver's own placeholders
(:func:`mark`) and tuples in and out, without SQLAlchemy's per-statement execution context
(result metadata, ``Row`` objects, type processors). Values must already be what the driver
takes (:func:`db_time` for timestamps); what comes back is what the driver gives
(:func:`time_reader` turns a stored timestamp into what SQLAlchemy would have returned).

The statements still run inside the caller's transaction (the Connection's DB-API connection).
A driver error is raised as SQLAlchemy raises it (``DBAPIError`` subclasses, a dropped connection
invalidated), and when anyone listens to the engine's statement events (``before_cursor_execute``:
tests, tracing) the statement goes through ``exec_driver_sql`` so that they see it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect

from db.tables import UTCDateTime

Params = Sequence[Any]


def mark(conn: Connection) -> str:
    """The driver's positional placeholder (``?`` on SQLite, ``%s`` on psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _observed(conn: Connection) -> bool:
    # SQLAlchemy's own test before each statement's events (Connection._execute_context)
    return bool(conn._has_events or conn.engine._has_events)


def _run(conn: Connection, sql: str, params: Any, many: bool, fetch: bool) -> Any:
    """Execute on the raw cursor; ``fetch``: return every row (tuples), else the rowcount."""
    if _observed(conn):
        result = conn.exec_driver_sql(sql, params if many else tuple(params))
        return [tuple(row) for row in result] if fetch else result.rowcount
    cursor = _cursor(conn)
    try:
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall() if fetch else cursor.rowcount
    except conn.dialect.loaded_dbapi.Error as exc:
        conn._handle_dbapi_exception(exc, sql, params, cursor, None)  # raises, as execute does


def _cursor(conn: Connection) -> Any:
    """One cursor per DB-API connection, kept in the pool's record of it (a connection is
    used by one thread at a time) and made again when the driver's connection changed."""
    fairy = conn.connection
    dbapi = fairy.dbapi_connection
    kept = fairy.info.get("tracker_cursor")
    if kept is not None and kept[0] is dbapi:
        return kept[1]
    assert dbapi is not None
    cursor = dbapi.cursor()
    fairy.info["tracker_cursor"] = (dbapi, cursor)
    return cursor


def rows(conn: Connection, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
    """Every row of a query, as tuples."""
    found: list[tuple[Any, ...]] = _run(conn, sql, params, many=False, fetch=True)
    return found


def first(conn: Connection, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
    """The first row of a query, or None."""
    found = rows(conn, sql, params)
    return found[0] if found else None


def write(conn: Connection, sql: str, params: Params = ()) -> int:
    """Execute a statement; return its rowcount."""
    return int(_run(conn, sql, params, many=False, fetch=False) or 0)


def write_many(conn: Connection, sql: str, seq: Sequence[Params]) -> None:
    """Execute a statement once per parameter tuple (the driver's executemany)."""
    if len(seq) == 1:  # the driver's executemany costs more for a single row
        _run(conn, sql, seq[0], many=False, fetch=False)
    elif seq:
        _run(conn, sql, list(seq), many=True, fetch=False)


def copy_in(conn: Connection, table: str, cols: Sequence[str], rows: Sequence[Params]) -> None:
    """PostgreSQL: ``COPY table (cols) FROM STDIN`` of ``rows`` (psycopg formats each row in
    C, and the server inserts them in batches): the cheapest bulk insert on both sides. An
    error is raised as SQLAlchemy raises it for ``execute``."""
    sql = f"COPY {table} ({', '.join(cols)}) FROM STDIN"
    cursor = _cursor(conn)
    try:
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:
        conn._handle_dbapi_exception(exc, sql, (), cursor, None)  # raises, as execute does


# SQLite's default text form of a DATETIME (what SQLAlchemy's processor writes); ``isoformat``
# writes the same in half the time, and a run binds several timestamps
_SQLITE_TEXT = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


@functools.lru_cache(maxsize=16)
def _binder(dialect: Dialect) -> Callable[[Any], Any] | None:
    kept = UTCDateTime().dialect_impl(dialect)
    if getattr(getattr(kept, "impl_instance", None), "_storage_format", None) == _SQLITE_TEXT:
        return _sqlite_text
    return kept.bind_processor(dialect)


def _sqlite_text(value: datetime) -> str:
    """What SQLAlchemy binds for a ``UTCDateTime`` on SQLite: naive UTC, as text (the first 26
    characters of an aware UTC time's ISO form: its year always has four digits)."""
    if value.tzinfo is None:
        return value.isoformat(" ", "microseconds")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


@functools.lru_cache(maxsize=16)
def _reader(dialect: Dialect) -> Callable[[Any], Any] | None:
    return UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)


def db_time(conn: Connection, value: datetime | None) -> Any:
    """``value`` as the driver takes it for a ``UTCDateTime`` column (what SQLAlchemy binds)."""
    if value is None:
        return None
    process = _binder(conn.dialect)
    return process(value) if process else value


def time_reader(conn: Connection) -> Callable[[Any], Any]:
    """A function turning a stored ``UTCDateTime`` value (as the driver returns it) into what
    SQLAlchemy returns for it: aware UTC, or None."""
    process = _reader(conn.dialect)
    return process if process is not None else _identity


def _identity(value: Any) -> Any:
    return value
