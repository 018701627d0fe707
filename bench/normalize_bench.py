"""Time normalization per posting on the Anthropic board (517 jobs in the real capture).

    python bench/normalize_bench.py [PATH-TO-real-data-or-anthropic_jobs_list.json] [--repeat 20]

PATH defaults to ``$TRACKER_REAL_DATA``. The board goes through the Greenhouse parser once;
then ``normalize()`` runs over every posting ``--repeat`` times. Printed: the one-off start-up
cost (word lists, gazetteer, ECB rates: paid once per process), the per-posting cost
once warm, and the share of each step: a first pass with the per-string caches empty (a board
never seen), and the median of later passes (a re-scrape: titles and location strings repeat).
No assertions (figures go in the issue note).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.domain import RawPosting, SourceRef
from tracker.normalize import normalize
from tracker.normalize.locations import parse_places
from tracker.normalize.salary import pick_salary
from tracker.normalize.taxonomy import classify
from tracker.sources import get_source

REF = SourceRef("greenhouse", "anthropic", "Anthropic", "anthropic", {"departments": ["Compute"]})
SEEN = datetime(2026, 8, 21, tzinfo=UTC)


def board_file(arg: str | None) -> Path:
    base = Path(arg or os.environ.get("TRACKER_REAL_DATA") or "")
    if base.is_file():
        return base
    path = base / "greenhouse" / "anthropic_jobs_list.json"
    if not path.is_file():
        sys.exit("give the real-data folder (or the board file) as PATH or TRACKER_REAL_DATA")
    return path


def clear_caches() -> None:
    """Forget per-string results (titles, location tokens, city lookups), keep the data."""
    from tracker.normalize import gazetteer, locations, taxonomy

    caches = (
        taxonomy._classify, taxonomy._tokens, locations._parse_places, locations._parse_token,
        gazetteer.find_city,
    )  # fmt: skip
    for cached in caches:
        cached.cache_clear()


def per_posting_us(
    raws: list[RawPosting], step: Callable[[RawPosting], Any], repeat: int
) -> tuple[float, float]:
    """(first pass with empty per-string caches, median of the later passes), µs per posting."""
    passes = []
    clear_caches()
    for _ in range(repeat + 1):
        clock = time.perf_counter()
        for raw in raws:
            step(raw)
        passes.append((time.perf_counter() - clock) / len(raws) * 1e6)
    return passes[0], statistics.median(passes[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    payload = json.loads(board_file(args.path).read_text(encoding="utf-8"))
    raws = get_source("greenhouse").parse(payload, REF)
    clock = time.perf_counter()
    normalize(raws[0], REF, SEEN)
    pick_salary(RawPosting("0", "T", salary_texts=("£1 — £2 GBP",)), SEEN)
    startup = time.perf_counter() - clock
    for raw in raws:  # build the remaining lazy tables before timing
        normalize(raw, REF, SEEN)
    steps: dict[str, Callable[[RawPosting], Any]] = {
        "normalize (all)": lambda r: normalize(r, REF, SEEN),
        "  classify": lambda r: classify(r.title, r.department, r.team, REF.departments),
        "  parse_places": lambda r: parse_places(r.location_raw, r.structured_places),
        "  pick_salary": lambda r: pick_salary(r, SEEN),
    }
    print(f"{len(raws)} postings; start-up {startup * 1000:.0f} ms once per process (data files)")
    print(f"{'':18} {'first pass':>12} {'re-scrape':>12}   (µs per posting)")
    for name, step in steps.items():
        first, again = per_posting_us(raws, step, args.repeat)
        print(f"{name:18} {first:12.1f} {again:12.1f}")


if __name__ == "__main__":
    main()
