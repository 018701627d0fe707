"""Reads a scrape worker makes without the database layer (no SQLAlchemy import).

A scrape's worker process (:mod:`jobs.scrapepool`) reads one thing from the database: the
stored signatures of a board that changed. Loading SQLAlchemy for that costs each worker about
a quarter of a second of CPU, on a core the scrape needs; so the worker opens a plain DB-API
connection of its own (``sqlite3``, or ``psycopg`` in autocommit: no snapshot is kept open)
and runs the statement the store itself uses (:data:`SIGNATURES`). A URL this module does not
take plainly (SQLite URI filenames, query arguments, other drivers) gets None from
:func:`connect_read`: the caller then uses the database layer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

SIGNATURES = "SELECT external_id, signature FROM posting WHERE posting.source_id = {0}"
BUSY_TIMEOUT_S = 10.0  # as db.session.SQLITE_BUSY_TIMEOUT_MS


def connect_read(url: str) -> tuple[Any, str] | None:
    """A read connection for ``url`` and its placeholder (``?`` or ``%s``); None when the URL
    is not one this module opens plainly."""
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite":
        return _sqlite(rest)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return _postgres(url)
    return None


def _sqlite(rest: str) -> tuple[Any, str] | None:
    if not rest.startswith("/") or "?" in rest:
        return None
    path = rest[1:]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    import os
    import sqlite3

    if not os.path.isfile(path):  # never create one: the database layer says what is wrong
        return None
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False), "?"


def _postgres(url: str) -> tuple[Any, str] | None:
    parts = urlsplit(url)
    for pair in filter(None, parts.query.split("&")):
        if unquote(pair.partition("=")[0]) != "options":  # libpq's own; others: the layer's
            return None
    import psycopg

    conninfo = parts._replace(scheme="postgresql").geturl()
    return psycopg.connect(conninfo, autocommit=True), "%s"


def known_signatures(conn: Any, mark: str, source_id: int) -> dict[str, str | None]:
    """Every stored posting of the source -> its list signature."""
    rows = conn.execute(SIGNATURES.format(mark), (source_id,)).fetchall()
    return dict(rows)
