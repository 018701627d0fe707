"""Time ``tracker trend --by DIM --every week --from 52w`` (the query and the rows, not the
printing) on a database made by ``bench/make_history.py``.

    python bench/trend_bench.py --db sqlite:///bench.db [--repeat 3] [--check]

``--check`` also compares every result with the per-point reference (``roles_at`` at each
point, counted in Python: slow). Prints the median wall time of each dimension and its CPU
time (close to what an idle machine shows, on SQLite); no assertion.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from db.queries import roles_at
from db.session import make_engine, session_scope
from db.tables import RUN
from jobs.trend import periods, trend_rows
from tracker.domain import RoleFilter
from tracker.report.serialize import iso

DIMS = ("company", "country", "region", "category")


def reference(engine: object, dim: str, start: datetime, now: datetime) -> set[tuple]:
    """``(at, value, count)`` from the roles open at each point, as ``trend`` counts them."""
    found: set[tuple] = set()
    with session_scope(engine) as session:  # type: ignore[arg-type]
        for _, point in periods(start, now, "week"):
            counter: Counter = Counter()
            for role in roles_at(session, point, RoleFilter()):
                if dim in ("company", "category"):
                    counter[getattr(role, dim)] += 1
                else:
                    counter.update({getattr(p, dim) for p in role.locations} or {None})
            found |= {(iso(point), value, n) for value, n in counter.items()}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///bench.db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--by", default=",".join(DIMS), help="dimensions, comma-separated")
    args = parser.parse_args()
    engine = make_engine(args.db)
    with session_scope(engine) as s:
        end = s.connection().execute(select(func.max(RUN.c.observed_at))).scalar_one()
    now = end + timedelta(days=3)  # a few days after the last run, like `trend` run today
    start = now - timedelta(weeks=52)
    print(f"52 weeks up to {now:%Y-%m-%d %H:%M}")
    for dim in args.by.split(","):
        times, cpu, rows = [], [], []
        for _ in range(args.repeat):
            clock, cpu_clock = time.perf_counter(), time.process_time()
            rows = trend_rows(engine, RoleFilter(), dim, "week", start, now)
            times.append(time.perf_counter() - clock)
            cpu.append(time.process_time() - cpu_clock)
        median, own = statistics.median(times) * 1000, statistics.median(cpu) * 1000
        line = f"trend --by {dim:8} --every week --from 52w  median {median:6.0f} ms"
        line += f" (cpu {own:6.0f} ms)"
        line += f"  ({len(rows)} rows)"
        if args.check:
            got = {(r["at"], r[dim], r["count"]) for r in rows}
            same = got == reference(engine, dim, start, now)
            line += "  same as per-point reference" if same else "  DIFFERS from reference"
        print(line)


if __name__ == "__main__":
    main()
