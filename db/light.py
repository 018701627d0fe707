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

from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from tracker.domain import SourceRef

SIGNATURES = "SELECT external_id, signature FROM posting WHERE posting.source_id = {0}"
BUSY_TIMEOUT_S = 10.0  # as db.session.SQLITE_BUSY_TIMEOUT_MS


def connect_read(url: str, connect_timeout: int = 10) -> tuple[Any, str] | None:
    """A read connection for ``url`` and its placeholder (``?`` or ``%s``); None when the URL
    is not one this module opens plainly. ``connect_timeout``: seconds a PostgreSQL server
    gets to answer (an unreachable host must not hold a scrape's start)."""
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite":
        return _sqlite(rest)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return _postgres(url, connect_timeout)
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


def _postgres(url: str, connect_timeout: int) -> tuple[Any, str] | None:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)  # "+" is a space, as SQLAlchemy writes
    if any(key != "options" for key, _ in pairs):  # libpq's own; others: the layer's
        return None
    import psycopg

    # libpq decodes %XX but reads "+" as itself: spaces between -c options go as %20
    query = urlencode(pairs, quote_via=quote)
    conninfo = parts._replace(scheme="postgresql", query=query).geturl()
    return psycopg.connect(conninfo, autocommit=True, connect_timeout=connect_timeout), "%s"


def known_signatures(conn: Any, mark: str, source_id: int) -> dict[str, str | None]:
    """Every stored posting of the source -> its list signature."""
    rows = conn.execute(SIGNATURES.format(mark), (source_id,)).fetchall()
    return dict(rows)


# -------------------------------------------------------------------------- a scrape's plan
#
# A big scrape's workers start fetching before the scrape's own process has loaded its database
# layer and claimed the sources (jobs.scrapepool: prefetch). What they fetch is read here: every
# enabled source in key order (as jobs.targets chooses them) with what a conditional fetch
# needs. The scrape later sends each board's reference as it prepared it under its lease; a
# prefetched board is used only when the two are equal.

_PLAN_SOURCES = (
    "SELECT s.id, s.ats, s.token, c.slug, c.name, s.options, s.api_base, s.etag, "
    "s.last_modified, (SELECT r.id FROM run r WHERE r.source_id = s.id AND r.status <> 'failed' "
    "ORDER BY r.observed_at DESC, r.id DESC LIMIT 1) "
    "FROM source s JOIN company c ON c.id = s.company_id WHERE s.enabled ORDER BY s.key"
)
_PLAN_RUNS = "SELECT id, status, body_hash FROM run WHERE id IN ({0})"
_CHUNK = 500
# ATSs whose fetch never reads ``_known`` (their parse does): a board of theirs can be fetched
# before its stored signatures are read (jobs.scrape, jobs.scrapepool)
LAZY_KNOWN = frozenset({"greenhouse", "lever", "ashby"})


def scrape_plan(conn: Any, mark: str = "?") -> list[tuple[int, SourceRef]]:
    """Every enabled source, in key order, as ``(source id, reference with its state)``."""
    import json

    rows = conn.execute(_PLAN_SOURCES).fetchall()
    run_ids = [int(row[9]) for row in rows if row[9] is not None]
    runs: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(run_ids), _CHUNK):
        chunk = run_ids[start : start + _CHUNK]
        sql = _PLAN_RUNS.format(", ".join([mark] * len(chunk)))
        runs.update({int(i): (s, h) for i, s, h in conn.execute(sql, chunk).fetchall()})
    plan: list[tuple[int, SourceRef]] = []
    for sid, ats, token, slug, name, options, api_base, etag, modified, run_id in rows:
        value = json.loads(options) if options else {}
        ref = SourceRef(ats, token, name, slug, value if isinstance(value, dict) else {}, api_base)
        status, body_hash = (
            runs.get(int(run_id), (None, None)) if run_id is not None else (None, None)
        )
        plan.append((int(sid), with_state(ref, etag, modified, status == "ok", body_hash)))
    return plan


def with_state(
    ref: SourceRef, etag: str | None, last_modified: str | None, ok: bool, body_hash: str | None
) -> SourceRef:
    """``ref`` with what an incremental fetch needs: ``_stored_validators`` (the source row's),
    and, when the latest run that did not fail was ``ok`` (``ok``), ``_validators`` (what a 304
    then stands for) and ``_body_hash`` (the digest of that run's board)."""
    options: dict[str, Any] = {**ref.options, "_stored_validators": (etag, last_modified)}
    if ok and (etag or last_modified):
        options["_validators"] = {"etag": etag, "last_modified": last_modified}
    if ok and body_hash:
        options["_body_hash"] = body_hash
    return replace(ref, options=options)
