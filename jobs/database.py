"""Opening the tracker's database for a command or job."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from db.session import check_connection, make_engine, upgrade
from tracker.settings import ConfigError, Settings


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for other databases and ``:memory:``."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def open_database(settings: Settings, *, write: bool) -> Engine:
    """Connect, and create/upgrade the schema (Alembic).

    Read-only commands refuse a SQLite file that does not exist rather than creating an empty
    database and answering "no roles".
    """
    try:
        path = sqlite_path(settings.database_url)
    except Exception:
        raise ConfigError(f"bad database URL {settings.database_url!r}") from None
    if not write and path is not None and not path.exists():
        raise ConfigError(
            f"database not found: {path} (run `tracker init`, or pass --db / TRACKER_DATABASE_URL)"
        )
    if write and path is not None:
        check_writable(path)
    engine = make_engine(settings.database_url)
    try:
        check_connection(engine)
    except Exception as exc:
        if path is not None and "unable to open database file" in str(exc):
            raise ConfigError(
                f"cannot open SQLite database {path}: check that its folder exists and is writable"
            ) from None
        raise
    upgrade(engine)
    return engine


def check_writable(path: Path) -> None:
    """One clear line when a SQLite database (and its journal) cannot be written there."""
    folder = path.expanduser().resolve().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # make_engine creates the missing folders below this one
    if not folder.is_dir():
        raise ConfigError(f"cannot create database {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"cannot write database {path}: {folder} is read-only")
