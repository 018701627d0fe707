"""Time ``tracker diff`` work (two snapshots + unverified sources + diff + summary) on a
database made by ``bench/make_history.py``; the last two scenarios are everything
``tracker diff --format json`` (and ``--format text``) does after start-up.

    python bench/diff_bench.py --db sqlite:///bench.db [--repeat 5]

Prints the median wall time of each scenario; no assertion (figures go in issue notes).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from db.session import make_engine, session_scope
from db.tables import POSTING, RUN, VERSION
from jobs.reports import build_report
from tracker.diff import gc_paused
from tracker.domain import RoleFilter
from tracker.report.jsonout import report_dict, report_json
from tracker.report.render import render_text


def timed(label: str, repeat: int, work: Callable[[], object]) -> None:
    """Median wall time, and median CPU time of this process: on a busy machine the CPU time
    is close to the wall time an idle one would show (SQLite runs in-process; PostgreSQL's
    own work is not in it)."""
    times, cpu = [], []
    for _ in range(repeat):
        clock, cpu_clock = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - clock)
        cpu.append(time.process_time() - cpu_clock)
    wall, own = statistics.median(times) * 1000, statistics.median(cpu) * 1000
    print(f"{label:45} median {wall:6.0f} ms (cpu {own:6.0f} ms)  ({result})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///bench.db")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.db)
    with session_scope(engine) as s:
        conn = s.connection()
        end = conn.execute(select(func.max(RUN.c.observed_at))).scalar_one()
        first = conn.execute(select(func.min(RUN.c.observed_at))).scalar_one()
        sizes = [conn.execute(select(func.count()).select_from(t)).scalar_one()
                 for t in (RUN, POSTING, VERSION)]  # fmt: skip
    print(f"runs={sizes[0]} postings={sizes[1]} versions={sizes[2]} span={first}..{end}")
    end = end + timedelta(hours=1)

    def week() -> str:
        r = build_report(engine, end - timedelta(days=7), end, RoleFilter())
        return f"{r.total_start}->{r.total_end}, {len(r.opened)} opened, {len(r.closed)} closed"

    def year() -> str:
        r = build_report(engine, first + timedelta(hours=1), end, RoleFilter())
        report_dict(r)
        return f"{r.total_start}->{r.total_end}, {len(r.changed)} changed"

    def year_text() -> str:
        with gc_paused():  # as jobs.views.print_diff does
            text = report_json(build_report(engine, first + timedelta(hours=1), end, RoleFilter()))
        return f"{len(text) / 1e6:.1f} MB of JSON"

    def year_plain() -> str:
        with gc_paused():
            text = render_text(build_report(engine, first + timedelta(hours=1), end, RoleFilter()))
        return f"{len(text) / 1e3:.0f} kB of text"

    def one_company() -> str:
        r = build_report(engine, end - timedelta(days=7), end, RoleFilter(company="company-7"))
        return f"{r.total_end} roles"

    timed("diff, last week, all 1,000 boards (compute)", args.repeat, week)
    timed("diff, whole year, all boards, + JSON", args.repeat, year)
    timed("diff, last week, one company", args.repeat, one_company)
    timed("diff, whole year, JSON text (--format json)", args.repeat, year_text)
    timed("diff, whole year, text (--format text)", args.repeat, year_plain)


if __name__ == "__main__":
    main()
