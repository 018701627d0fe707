"""Recently built pages, reused until the data changes or for at most ``ttl`` seconds.

A page is built from the database as it was at one moment; new runs (or a source added,
removed, enabled or disabled) change :func:`db.web_queries.data_stamp`, and a page built
before is not served again. ``ttl`` bounds how long a page that says "now" (the last 7 days,
roles open now) is reused; the page shows the moment it was built. ``/api/*`` is never cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

TTL = 300.0
SIZE = 64


@dataclass(frozen=True)
class Entry:
    stamp: Hashable
    built: float
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """A small LRU of built pages, safe across Starlette's worker threads."""

    def __init__(self, engine: Engine, ttl: float = TTL, size: int = SIZE) -> None:
        self.engine, self.ttl, self.size = engine, ttl, size
        self.entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self.lock = threading.Lock()

    def stamp(self) -> Hashable:
        from db.web_queries import data_stamp

        with self.engine.connect() as conn:
            return data_stamp(conn)

    def get(self, key: Hashable, stamp: Hashable) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.stamp != stamp or time.monotonic() - entry.built > self.ttl:
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def new_entry(stamp: Hashable, body: bytes, media_type: str, headers: dict[str, str]) -> Entry:
    return Entry(stamp, time.monotonic(), body, media_type, tuple(headers.items()))
