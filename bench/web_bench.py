"""Median time per page of the web view, in process (Starlette's test client over the ASGI app,
no network), on a database such as the 1,000-board year from ``bench/make_history.py``:

    python bench/make_history.py --db sqlite:////tmp/hist.db --boards 1000 --weeks 52
    python bench/web_bench.py --db sqlite:////tmp/hist.db [--repeat 5]

Issue 14's goal: every page within 300 ms. Prints one line per page (median and slowest of
``--repeat`` runs after one warm-up); not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from dataclasses import replace

    from jobs.database import open_database
    from tracker.settings import Settings
    from tracker.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    settings = replace(Settings(), database_url=args.db)
    engine = open_database(settings, write=False)
    client = TestClient(create_app(engine, settings), base_url="http://127.0.0.1")
    first = client.get("/api/roles?country=JP").json()
    posting = first[0]["id"] if first else 1
    print(f"{'page':45} {'median ms':>10} {'max ms':>8}  status")
    slow = 0
    for path in PAGES:
        url = path.format(id=posting)
        status = client.get(url).status_code  # warm-up
        times = []
        for _ in range(args.repeat):
            clock = time.perf_counter()
            status = client.get(url).status_code
            times.append((time.perf_counter() - clock) * 1000)
        median = statistics.median(times)
        slow += median > GOAL_MS
        flag = "" if median <= GOAL_MS else f"  over {GOAL_MS} ms"
        print(f"{url:45} {median:10.0f} {max(times):8.0f}  {status}{flag}")
    print(f"{len(PAGES) - slow} of {len(PAGES)} pages within {GOAL_MS} ms (median)")
    engine.dispose()


if __name__ == "__main__":
    main()
