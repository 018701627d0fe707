"""What ``--db`` (and ``TRACKER_DATABASE_URL``, ``database_url``) may say.

A URL with a scheme the tracker supports (``sqlite:///PATH``, ``postgresql+psycopg://...``; plain
``postgresql://`` and ``postgres://`` mean psycopg 3), or a bare file path, which means SQLite:
``--db tracker.db`` is ``sqlite:///tracker.db``. Anything else is one clear line.
"""

from __future__ import annotations

import re
from pathlib import Path

from tracker.settings import ConfigError

SUPPORTED = ("sqlite", "postgresql", "postgres")
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")


def database_url(text: str) -> str:
    """The database URL for a ``--db`` value; raises ConfigError for unsupported schemes.

    >>> database_url("data/tracker.db")
    'sqlite:///data/tracker.db'
    >>> database_url("postgres://u@db/tracker")
    'postgresql+psycopg://u@db/tracker'
    """
    value = text.strip()
    if not value:
        raise ConfigError("empty database URL: use a file path or sqlite:///PATH")
    match = _SCHEME.match(value)
    if match is None:
        if value.startswith(("sqlite:", "postgresql:", "postgres:")):
            raise ConfigError(f"bad database URL {text!r}: use sqlite:///PATH or postgresql://...")
        return f"sqlite:///{Path(value).expanduser()}"
    scheme = match["scheme"].lower()
    backend, _, driver = scheme.partition("+")
    if backend not in SUPPORTED or (backend == "sqlite" and driver not in ("", "pysqlite")):
        raise ConfigError(
            f"unsupported database URL scheme {match['scheme']!r}: use a file path, "
            "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return "postgresql+psycopg://" + value[match.end() :]
    if backend != "sqlite" and driver != "psycopg":
        raise ConfigError(
            f"unsupported PostgreSQL driver {driver!r}: use postgresql+psycopg:// (psycopg 3)"
        )
    return value
