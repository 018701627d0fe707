"""CPU of the scrape's writer thread per recorded run (``db.store`` through ``jobs.scrape``).

Makes a temp database (SQLite; PostgreSQL with ``--pg URL``: a fresh schema, dropped after),
records N boards x 50 postings cold, then times each kind of run a scrape records, holding the
source's lease as ``tracker scrape`` does (``jobs.writers.claim_many``, state read under it by
``jobs.scrape.read_states``, the lease freed in the run's own transaction):

- ``304``: ``jobs.scrape.record_not_modified`` (a 304, or the body of the last ok run);
- ``1chg``: ``record_parsed`` of a board with 1 of 50 postings changed, as a fingerprinting
  ATS parses it (1 posting normalized, 49 carried by their fingerprint in ``same``);
- ``same``: ``record_parsed`` of a new body whose 50 items all have their stored fingerprint;
- ``1chg-full``: ``record_parsed`` with all 50 postings normalized, 1 changed (ATSs without
  fingerprints).

Each figure is the writer thread's CPU time (``time.thread_time``: the work that holds the GIL,
not the waits on the server) per run in microseconds: the mean over the N boards of one repeat,
median over the repeats. ``digest`` hashes every stored row but the wall-clock columns, so two
versions of the code can be checked to write the same history. Not a test.

    python bench/store_bench.py --boards 200 --repeats 5
    python bench/store_bench.py --boards 200 --pg postgresql+psycopg://postgres@127.0.0.1/t_x
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from db import store
from db.leases import Lease
from db.session import make_engine, session_scope, upgrade
from jobs.parsepool import Parsed
from jobs.scrape import Target, read_states, record_not_modified, record_parsed, with_known
from jobs.writers import Held, claim_many, release_many
from tracker.domain import Place, Posting, SalaryBand, SourceRef
from tracker.settings import Settings

T0 = datetime(2026, 6, 1, tzinfo=UTC)
PLACES = [
    Place("Tokyo, Japan", "Tokyo", "JP", "APAC"),
    Place("Sydney, Australia", "Sydney", "AU", "APAC"),
    Place("Dublin, Ireland", "Dublin", "IE", "EMEA"),
    Place("Austin, TX", "Austin", "US", "AMER"),
]
TITLES = ["Data Center Technician", "Critical Facilities Engineer", "Energy Procurement Lead"]


def posting(board: int, n: int, edit: int = 0) -> Posting:
    """Posting ``n`` of ``board``; ``edit`` > 0 changes its title (a new version)."""
    title = f"{TITLES[n % len(TITLES)]} {board}-{n}" + (f" (rev {edit})" if edit else "")
    pay = SalaryBand(150000 + n * 1000, 200000 + n * 1000, "USD", min_usd=150000 + n * 1000)
    return Posting(
        external_id=f"{board}-{n}",
        title=title,
        url=f"https://boards.example.com/{board}/jobs/{n}",
        department="Compute",
        team=None,
        compute=True,
        category="dc_operations",
        category_rule="title:technician",
        places=(PLACES[n % len(PLACES)],) + ((PLACES[(n + 1) % 4],) if n % 3 == 0 else ()),
        remote=n % 5 == 0,
        salary=pay if n % 2 == 0 else None,
        salaries=(pay,) if n % 2 == 0 else (),
        pay_lines=("$150,000 - $200,000",) if n % 2 == 0 else (),
    )


def signature(board: int, n: int, edit: int = 0) -> str:
    return hashlib.sha1(f"{board}:{n}:{edit}".encode()).hexdigest()[:16]


class World:
    """The database, its sources and what each board holds now."""

    def __init__(self, engine: Engine, boards: int, per_board: int) -> None:
        self.engine, self.boards, self.per_board = engine, boards, per_board
        self.settings = Settings()
        self.targets: list[Target] = []
        self.edits: dict[tuple[int, int], int] = {}  # (board, n) -> current edit
        self.hour = 0

    def make_sources(self) -> None:
        with session_scope(self.engine) as session:
            for b in range(self.boards):
                ref = SourceRef("greenhouse", f"board{b}", f"Company {b % 50}", f"co{b % 50}")
                row, _ = store.upsert_source(session, ref)
                self.targets.append(Target(int(row.id or 0), ref))

    def parsed(self, b: int, changed: set[int], full: bool) -> Parsed:
        """The board as a fingerprinting parse returns it (``full``: every posting)."""
        postings, same, sigs = [], [], {}
        for n in range(self.per_board):
            edit = self.edits.get((b, n), 0)
            if full or n in changed:
                postings.append(posting(b, n, edit))
                sigs[f"{b}-{n}"] = signature(b, n, edit)
            else:
                same.append(f"{b}-{n}")
        for p in postings:
            p.content_hash  # noqa: B018 - computed by the parse worker, not the writer
        return Parsed(postings, same, sigs)

    def cycle(self, kind: str, timed: bool = True) -> float:
        """One pass over every board recording ``kind`` runs; CPU µs per run (writer thread)."""
        self.hour += 1
        at = T0 + timedelta(hours=self.hour)
        keys = [t.ref.key for t in self.targets]
        claims = claim_many(self.engine, keys, self.settings)
        states = read_states(self.engine, [t.source_id for t in self.targets])
        spent = 0.0
        try:
            for b, target in enumerate(self.targets):
                claim = claims.pop(target.ref.key)
                assert isinstance(claim, Lease), claim
                held, state = Held(claim), states[target.source_id]
                ref = replace(target.ref, options={**target.ref.options})
                if kind == "304":
                    work: Callable[[], Any] = partial(
                        record_not_modified, self.engine, target, at, None, ref, None, held, state
                    )
                else:
                    changed: set[int] = set()
                    if kind in ("cold", "1chg", "1chg-full"):
                        n = (self.hour * 7 + b) % self.per_board
                        if kind != "cold":
                            self.edits[(b, n)] = self.edits.get((b, n), 0) + 1
                            changed = {n}
                    full = kind in ("cold", "1chg-full")
                    parsed = self.parsed(b, changed, full)
                    ref = with_known(self.engine, target, ref)
                    digest = hashlib.sha1(f"{b}:{self.hour}".encode()).hexdigest()
                    args = (target, ref, parsed, at, None, digest, held, state)
                    work = partial(record_parsed, self.engine, *args)
                start = time.thread_time()
                result = work()
                spent += time.thread_time() - start
                assert result.status == "ok", result
                assert held.released
        finally:
            left = [c for c in claims.values() if isinstance(c, Lease)]
            if left:
                release_many(self.engine, left)
        return spent / len(self.targets) * 1e6


def digest(engine: Engine) -> str:
    """A hash of every stored row but wall-clock columns (``finished_at``, leases, ...)."""
    queries = [
        "SELECT source_id, observed_at, started_at, status, error, seen, new, changed, closed,"
        " reopened, unchanged, body_hash FROM run ORDER BY id",
        "SELECT id, source_id, company_id, external_id, first_seen, last_seen, closed_at,"
        " content_hash, current_version_id, signature FROM posting ORDER BY id",
        "SELECT * FROM posting_version ORDER BY id",
        "SELECT * FROM posting_place ORDER BY version_id, position",
        "SELECT * FROM posting_span ORDER BY id",
        "SELECT id, etag, last_modified FROM source ORDER BY id",
    ]
    h = hashlib.sha256()
    with engine.connect() as conn:
        for sql in queries:
            for row in conn.execute(text(sql)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()[:16]


def bench(url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    world = World(engine, args.boards, args.postings)
    world.make_sources()
    start = time.thread_time()
    world.cycle("cold")
    cold = (time.thread_time() - start) / args.boards * 1e3
    kinds = ["304", "1chg", "same", "1chg-full"]
    figures: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(args.repeats):  # interleaved: each repeat times every kind once
        for kind in kinds:
            figures[kind].append(world.cycle(kind))
    backend = engine.dialect.name
    print(f"{backend}: {args.boards} boards x {args.postings} postings, {args.repeats} repeats")
    print(f"  cold pass (incl. setup): {cold:.2f} ms/board")
    for kind in kinds:
        values = figures[kind]
        spread = f"(min {min(values):.0f}, max {max(values):.0f})"
        print(f"  {kind:<10} {statistics.median(values):8.0f} µs/run  {spread}")
    print(f"  digest {digest(engine)}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--postings", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pg", help="PostgreSQL URL: a fresh schema is made and dropped")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    print(f"code: {Path(store.__file__).resolve().parent.parent}", file=sys.stderr)
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench(f"sqlite:///{tmp}/bench.db", args)
    if args.pg:
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in args.pg else "?"
            bench(f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}", args)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
