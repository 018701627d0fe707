"""Generate a year of weekly history for N boards into a SQLite (or PostgreSQL) database.

Every run goes through the real write path (``db.store.record_run``: one transaction per run,
lifecycle rules, content hashes), so the database has exactly the shape scrapes produce.

    python bench/make_history.py --db sqlite:///bench.db --boards 1000 --weeks 52

Boards have 10-40 postings; each week a few open, a few close, some change pay or title,
and about 1 in 50 runs fails. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from db import store
from db.session import make_engine, session_scope, upgrade
from tracker.domain import Place, Posting, SalaryBand, SourceRef

PLACES = [
    Place("Sydney, Australia", "Sydney", "AU", "APAC"),
    Place("Tokyo, Japan", "Tokyo", "JP", "APAC"),
    Place("London, UK", "London", "GB", "EMEA"),
    Place("Ashburn, VA", "Ashburn", "US", "AMER"),
    Place("Dallas, TX", "Dallas", "US", "AMER"),
    Place("Frankfurt, Germany", "Frankfurt", "DE", "EMEA"),
    Place("Singapore", "Singapore", "SG", "APAC"),
    Place("Quincy, WA", "Quincy", "US", "AMER"),
]
CATEGORIES = ["dc_operations", "dc_engineering", "dc_electrical", "deal_sourcing", "energy"]
START = datetime(2025, 11, 24, 6, tzinfo=UTC)


def posting(rng: random.Random, board: int, n: int, week: int) -> Posting:
    compute = rng.random() < 0.6
    low = rng.randrange(80, 300) * 1000
    bump = 10_000 if (week // 13) % 2 and n % 7 == 0 else 0
    return Posting(
        external_id=f"{board}-{n}",
        title=f"{'Data Center ' if compute else ''}Role {n}",
        url=f"https://example.invalid/{board}/{n}",
        department="Compute" if compute else "Sales",
        team=None,
        compute=compute,
        category=rng.choice(CATEGORIES) if compute else "not_compute",
        category_rule="bench",
        places=(PLACES[(board + n) % len(PLACES)],),
        remote=False,
        salary=SalaryBand(low + bump, low + 60_000 + bump, "USD", "year", "structured",
                          low + bump, low + 60_000 + bump),
    )  # fmt: skip


def board_week(board: int, week: int, seed: int) -> list[Posting]:
    """The postings a board shows in a week: a sliding window of ids with churn."""
    rng = random.Random(seed * 1_000_003 + board)
    size = rng.randrange(10, 40)
    first = week // 2  # one id falls off every two weeks, one joins
    ids = [n for n in range(first, first + size) if (n * 31 + week) % 23 != 0]
    return [posting(random.Random(board * 10_007 + n), board, n, week) for n in ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///bench.db")
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    engine = make_engine(args.db)
    upgrade(engine)
    ids = []
    with session_scope(engine) as session:
        for b in range(args.boards):
            ref = SourceRef("greenhouse", f"board{b}", f"Company {b % 300}", f"company-{b % 300}")
            row, _ = store.upsert_source(session, ref)
            ids.append(row.id)
    clock = time.perf_counter()
    for week in range(args.weeks):
        at = START + timedelta(weeks=week)
        for b, source_id in enumerate(ids):
            with session_scope(engine) as session:
                if random.Random(week * 7919 + b).random() < 0.02:
                    store.record_run(session, source_id, at, None, error="HTTP 503")
                else:
                    store.record_run(session, source_id, at, board_week(b, week, args.seed))
        print(f"week {week + 1}/{args.weeks} done, {time.perf_counter() - clock:.0f}s", flush=True)
    print(f"{args.boards * args.weeks} runs in {time.perf_counter() - clock:.1f}s")


if __name__ == "__main__":
    main()
