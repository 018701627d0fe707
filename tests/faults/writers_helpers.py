"""Shared helpers for the concurrent-writer and multi-daemon fault tests: a board that changes on
every fetch, real ``tracker`` processes, and the history invariants every test checks after.

Invariants (docs/concepts.md: the lifecycle and rule 7), checked with SQL on SQLite and PostgreSQL:
every posting stored once, one current version each, one open span for an open posting and
none for a closed one, no overlapping spans, runs of one source never interleave, and
``roles`` = ``count`` = ``diff`` totals = open postings.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.helpers import Cli, gh_job
from tests.jobs.boards import write_config, write_watchlist
from tests.jobs.daemon import ROOT, query
from tests.loopback import Recorded, Reply

__all__ = ["ChangingBoard", "check_history", "run_all", "start", "tracker", "write_setup"]


@dataclass
class ChangingBoard:
    """A Greenhouse board that differs on every fetch: some postings vanish and come back
    (closures, reopens), some titles change (new versions); never more than a seventh missing
    (so no run is suspect). ``delay`` slows each answer so writers overlap."""

    n: int = 24
    delay: float = 0.0
    hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Event | None = None  # when set up, every answer waits for it

    def __call__(self, request: Recorded) -> Reply:
        with self.lock:
            k = self.hits
            self.hits += 1
        if self.gate is not None:
            self.gate.wait(120)
        jobs = [
            gh_job(i, f"Data Center Technician {i}" + (f" v{k}" if i % 5 == k % 5 else ""))
            for i in range(100, 100 + self.n)
            if (i + k) % 7 != 0
        ]
        return Reply(json={"jobs": jobs, "meta": {"total": len(jobs)}}, delay=self.delay)


def write_setup(
    tmp: Path, api_base: str, tokens: dict[str, str], **scrape: Any
) -> tuple[Path, dict[str, Any]]:
    """A watchlist of Greenhouse boards and a tracker.toml using it; returns (config, scrape)."""
    watch = write_watchlist(tmp / "watchlist.toml", api_base, tokens)
    fast = {"interval": "2s", "jitter": "0s", "retries": 0, "timeout": 30, **scrape}
    return write_config(tmp / "tracker.toml", watchlist=str(watch), scrape=fast), fast


def _env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("TRACKER_DATABASE_URL", "TRACKER_CONFIG")
    }
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def start(db: str, config: Path, *args: str, cwd: Path) -> subprocess.Popen[str]:
    """A real ``tracker --db DB --config CONFIG ARGS`` process (stdout/stderr piped)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tracker.cli", "--db", db, "--config", str(config), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=_env(),
    )


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str


def run_all(procs: list[subprocess.Popen[str]], timeout: float = 60) -> list[Finished]:
    """Wait for every process; their exit codes and output."""
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        done.append(Finished(proc.returncode, out, err))
    return done


def tracker(db: str, config: Path, *args: str, cwd: Path) -> Finished:
    """Run one ``tracker`` command to the end."""
    return run_all([start(db, config, *args, cwd=cwd)])[0]


def _ts(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value))


def check_history(db: str, config: Path) -> dict[str, int]:
    """Assert the invariants; return figures (postings, open, versions, runs)."""
    dupes = query(
        db,
        "SELECT source_id, external_id FROM posting GROUP BY source_id, external_id "
        "HAVING COUNT(*) > 1",
    )
    assert dupes == [], f"postings stored twice: {dupes}"
    postings = {r[0]: r for r in query(db, "SELECT id, closed_at, current_version_id FROM posting")}
    current: dict[int, list[int]] = defaultdict(list)
    for vid, pid in query(db, "SELECT id, posting_id FROM posting_version WHERE valid_to IS NULL"):
        current[pid].append(vid)
    spans: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for pid, opened, closed in query(
        db, "SELECT posting_id, opened_at, closed_at FROM posting_span"
    ):
        spans[pid].append((_ts(opened), _ts(closed) if closed is not None else None))
    for pid, closed_at, current_id in postings.values():
        assert current[pid] == [current_id], f"posting {pid}: current versions {current[pid]}"
        open_spans = [s for s in spans[pid] if s[1] is None]
        assert len(open_spans) == (1 if closed_at is None else 0), f"posting {pid}: {spans[pid]}"
        ordered = sorted(spans[pid], key=lambda s: s[0])
        for (_, end), (begin, _) in itertools.pairwise(ordered):
            assert end is not None and end <= begin, f"posting {pid}: overlapping spans {ordered}"
    _check_last_seen(db)
    runs = _check_runs(db)
    open_count = sum(1 for p in postings.values() if p[1] is None)
    cli = Cli(db, config)
    roles = cli.json("roles", "--all")
    counts = cli.json("count", "--by", "source", "--all")
    diff = cli.json("diff", "--all")
    assert len(roles) == sum(c["count"] for c in counts) == diff["totals"]["to"] == open_count
    versions = sum(1 for _ in query(db, "SELECT id FROM posting_version"))
    return {"postings": len(postings), "open": open_count, "versions": versions, "runs": runs}


LAST_SEEN_SQL = (  # as every read takes it (db.tables.LAST_SEEN)
    "SELECT p.id, p.first_seen, p.closed_at, CASE WHEN p.closed_at IS NULL AND s.seen_mark IS NOT"
    " NULL AND p.last_seen >= s.seen_mark THEN s.seen_until ELSE p.last_seen END,"
    " (SELECT max(r.observed_at) FROM run r"
    " WHERE r.source_id = p.source_id AND r.status <> 'failed')"
    " FROM posting p JOIN source s ON s.id = p.source_id"
)


def _check_last_seen(db: str) -> None:
    """Every posting was last seen between its first sighting and its source's latest run that
    did not fail; a closed one before it closed."""
    for pid, first, closed, last, latest in query(db, LAST_SEEN_SQL):
        assert _ts(first) <= _ts(last) <= _ts(latest), f"posting {pid}: {first} {last} {latest}"
        assert closed is None or _ts(last) < _ts(closed), f"posting {pid}: {last} {closed}"


def _check_runs(db: str) -> int:
    """Runs of one source never interleave: each starts after the previous one finished."""
    rows = query(
        db,
        "SELECT source_id, started_at, finished_at, observed_at FROM run "
        "ORDER BY source_id, observed_at, id",
    )
    last: dict[int, datetime] = {}
    for source_id, started, finished, _observed in rows:
        begin, end = _ts(started), _ts(finished)
        if source_id in last:
            assert begin >= last[source_id], f"runs of source {source_id} interleave: {rows}"
        last[source_id] = end
    return len(rows)


def no_tracebacks(*outputs: str) -> None:
    for text in outputs:
        assert "Traceback" not in text, text
