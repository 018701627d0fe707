"""Recognise storage failures (disk full, I/O error, read-only file system) in any wrapper.

A storage failure is not bad input: the command ran and could not write, so the CLI reports it
as one line and exit 1. The database stays intact because every write is one transaction that
rolls back. Pure and import-light: exceptions are recognised by errno, SQLSTATE and the
drivers' messages, without importing SQLAlchemy, sqlite3 or psycopg.
"""

from __future__ import annotations

import errno

STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EFBIG}
# SQLSTATE classes 53 (insufficient resources: disk_full, out_of_memory) and 58 (system / I/O).
STORAGE_SQLSTATE_CLASSES = ("53", "58")
STORAGE_MESSAGES = (
    "database or disk is full",
    "disk i/o error",
    "no space left on device",
    "could not extend file",
    "readonly database",
    "read-only file system",
    "disk quota exceeded",
    "file too large",
)


def storage_problem(exc: BaseException) -> str | None:
    """A one-line description when ``exc`` (or what it wraps) is a storage failure, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _one(current)
        if found:
            return found
        orig = getattr(current, "orig", None)
        nxt = orig if isinstance(orig, BaseException) else None
        current = nxt or current.__cause__ or current.__context__
    return None


def _one(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or errno.errorcode.get(exc.errno or 0, 'I/O error')}{where}"
    sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()
    if isinstance(sqlstate, str) and sqlstate[:2] in STORAGE_SQLSTATE_CLASSES:
        return first
    if any(text in first.lower() for text in STORAGE_MESSAGES):
        return first
    return None
