"""How long a query command takes from a cold process start, against a bare Python start.

    python bench/startup_bench.py [--repeat 7] [--db sqlite:///demo.db]

Builds the demo database (``tracker demo --out``) unless ``--db`` is given, then times, in
the same run and interleaved, ``python -c "import sqlite3"`` and ``tracker roles --country JP``
(and ``count``, ``diff``). Prints medians as multiples of the bare start. Issue 12's goal is
0.4 s for ``roles``; on an idle machine a bare start takes about 20 ms, so the goal is about
20x the bare start (``GOAL / REFERENCE_BARE``). Not a test: figures go in the issue note.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRACKER = Path(sys.executable).with_name("tracker")
REFERENCE_BARE = 0.02  # seconds: `python -c "import sqlite3"` on an idle machine
GOAL = 0.4  # seconds for `tracker roles --country JP` on that machine (issue 12)


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; the child's CPU time (user + system) varies far less
    than its wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clock = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - clock
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    db = args.db
    if not db:
        path = Path(tempfile.mkdtemp(prefix="startup-bench-")) / "demo.db"
        subprocess.run([str(TRACKER), "demo", "--out", str(path)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        db = f"sqlite:///{path}"
    commands = {
        "bare: python -c 'import sqlite3'": [sys.executable, "-c", "import sqlite3"],
        "tracker roles --country JP": [str(TRACKER), "--db", db, "roles", "--country", "JP"],
        "tracker count --by country": [str(TRACKER), "--db", db, "count", "--by", "country"],
        "tracker diff --from 2026-04-21": [
            str(TRACKER),
            "--db",
            db,
            "diff",
            "--from",
            "2026-04-21",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):  # interleaved: load changes hit every command alike
        for name, argv in commands.items():
            wall, own = timed(argv)
            times[name].append(wall)
            cpu[name].append(own)
    bare = statistics.median(times["bare: python -c 'import sqlite3'"])
    bare_cpu = statistics.median(cpu["bare: python -c 'import sqlite3'"])
    limit = GOAL / REFERENCE_BARE
    print(f"median of {args.repeat}; goal: roles <= {limit:.0f}x the bare start "
          f"({GOAL} s where the bare start takes {REFERENCE_BARE} s)")  # fmt: skip
    for name, values in times.items():
        med, own = statistics.median(values), statistics.median(cpu[name])
        print(f"  {name:34} {med * 1000:7.0f} ms  {med / bare:6.1f}x bare"
              f"   cpu {own * 1000:6.0f} ms  {own / bare_cpu:6.1f}x bare")  # fmt: skip


if __name__ == "__main__":
    main()
