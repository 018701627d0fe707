"""Median time per page of the web view, in process (Starlette's test client over the ASGI app,
no network), on a database such as the 1,000-board year from ``bench/make_history.py``:

    python bench/make_history.py --db sqlite:////tmp/hist.db --boards 1000 --weeks 52
    python bench/web_bench.py --db sqlite:////tmp/hist.db [--repeat 5]

Issue 14's goal: every page within 300 ms. Prints one line per page: the median and slowest of
``--repeat`` builds with the page cache off (every request queries the database), then the
median with the cache on (a page reused until the data changes; ``/api/*`` is never cached).
The clock is set (time-machine) to just after the database's last run, as if browsing right
after a scrape (``--now`` to choose): on a history that ended days ago every source would be
"unverified" and each report would look up every source's failures. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

PAGES = (
    "/",
    "/diff",
    "/diff?from=4w&country=JP",
    "/roles",
    "/roles?country=JP,AU&sort=-pay",
    "/roles?page=100&per=100&sort=-first_seen",
    "/roles.csv?per=1000",
    "/roles/{id}",
    "/sources",
    "/feed.xml?from=7d",
    "/api/roles?country=JP",
    "/api/count?by=company,country",
    "/api/diff",
    "/api/trend?by=company",
)
GOAL_MS = 300


def timings(client: Any, url: str, repeat: int) -> tuple[int, list[float]]:
    status = client.get(url).status_code  # warm-up (and, with the cache on, the first build)
    times = []
    for _ in range(repeat):
        clock = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - clock) * 1000)
    return status, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--now", help="ISO time the pages see as now (default: last run + 1h)")
    args = parser.parse_args()

    from dataclasses import replace

    from jobs.database import open_database
    from tracker.settings import Settings

    settings = replace(Settings(), database_url=args.db)
    engine = open_database(settings, write=False)
    now = datetime.fromisoformat(args.now) if args.now else last_run(engine) + timedelta(hours=1)
    print(f"now = {now.isoformat()}")
    with time_machine.travel(now, tick=True):
        run(engine, settings, args.repeat)
    engine.dispose()


def last_run(engine: Any) -> datetime:
    from sqlalchemy import func, select

    from db.store import as_utc
    from db.tables import RUN

    with engine.connect() as conn:
        found = conn.execute(select(func.max(RUN.c.observed_at))).scalar()
    return as_utc(found) if found else datetime.now(UTC)


def run(engine: Any, settings: Any, repeat: int) -> None:
    from tracker.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    base = "http://127.0.0.1"
    plain = TestClient(create_app(engine, settings, cache=False), base_url=base)
    cached = TestClient(create_app(engine, settings), base_url=base)
    first = plain.get("/api/roles?country=JP").json()
    posting = first[0]["id"] if first else 1
    print(f"{'page':42} {'median ms':>9} {'max ms':>7} {'cached ms':>9}  status")
    slow = 0
    for path in PAGES:
        url = path.format(id=posting)
        status, times = timings(plain, url, repeat)
        _, hits = timings(cached, url, repeat)
        median = statistics.median(times)
        slow += median > GOAL_MS
        flag = "" if median <= GOAL_MS else f"  over {GOAL_MS} ms uncached"
        line = f"{url:42} {median:9.0f} {max(times):7.0f} {statistics.median(hits):9.0f}"
        print(f"{line}  {status}{flag}")
    print(f"{len(PAGES) - slow} of {len(PAGES)} pages within {GOAL_MS} ms uncached (median)")


if __name__ == "__main__":
    main()
