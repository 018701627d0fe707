"""Time parse + normalize per posting: the Anthropic board, the bench world, real boards.

    python bench/normalize_bench.py [PATH-TO-real-data-or-anthropic_jobs_list.json] [--repeat 20]
    python bench/normalize_bench.py --world /tmp/scrape-bench/cold --boards 1000
    python bench/normalize_bench.py --real $TRACKER_REAL_DATA

PATH defaults to ``$TRACKER_REAL_DATA``. The board goes through the Greenhouse parser once;
then ``normalize()`` runs over every posting ``--repeat`` times. Printed: the one-off start-up
cost (word lists, gazetteer, ECB rates: paid once per process), the per-posting cost
once warm, and the share of each step: a first pass with the per-string caches empty (a board
never seen), and the median of later passes (a re-scrape: titles and location strings repeat).

``--world DIR`` (the world ``bench/scrape_bench.py`` generates; ``DIR/v1/boards/*/jobs``) times
what a cold ``tracker scrape`` spends per posting between the decoded JSON and the Posting:
the source's ``parse`` (raw fingerprint, HTML, pay blocks) then ``normalize``, over the first
``--boards`` boards in one pass (the process's caches start empty, as in a cold scrape; small
boards outside the set pay the start-up first), then the median of ``--again`` more passes. ``--real
DIR`` does the same over every Greenhouse, Lever and Ashby board capture of the real-data
folder. CPU time (``time.process_time``: it holds on a busy machine), µs per posting.
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
from tracker.sources import SourceError, get_source

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
    """Forget per-string results (titles, location tokens, city lookups, pay snippets), keep
    the data."""
    from tracker.normalize import gazetteer, locations, paytext, salary, taxonomy

    caches = (
        taxonomy._classify, taxonomy._tokens, taxonomy._place_site, locations._parse_places,
        locations._parse_token, gazetteer.find_city, paytext._parse_bands, paytext._usual_words,
        salary._sane_text_bands, salary._with_usd,
    )  # fmt: skip
    for cached in caches:
        cached.cache_clear()
    tax = taxonomy.load_taxonomy()
    lists = [value for value in vars(tax).values() if isinstance(value, taxonomy.Terms)]
    lists += [terms for _, terms in tax.categories] + [veto.terms for veto in tax.vetoes]
    for terms in lists:
        terms.found.clear()


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


Board = tuple[str, SourceRef, Any]  # (ats, ref, decoded payload)


def world_boards(world: Path, count: int) -> list[Board]:
    """The first ``count`` boards of a bench world."""
    paths = sorted((world / "v1" / "boards").glob("board*"))[:count]
    if not paths:
        sys.exit(f"{world} holds no boards; make a world with bench/scrape_bench.py")
    boards = []
    for path in paths:
        ref = SourceRef("greenhouse", path.name, path.name, path.name)
        boards.append(("greenhouse", ref, json.loads((path / "jobs").read_bytes())))
    return boards


def real_boards(folder: Path) -> list[Board]:
    """Every Greenhouse, Lever and Ashby board capture the parser takes as a board."""
    boards = []
    for ats in ("greenhouse", "lever", "ashby"):
        for path in sorted((folder / ats).glob("*.json")):
            payload = json.loads(path.read_text(encoding="utf-8"))
            ref = SourceRef(ats, path.stem, path.stem, path.stem, {"departments": ["Compute"]})
            try:
                get_source(ats).parse(payload, ref)
            except SourceError:
                continue  # a single-job capture, not a board
            boards.append((ats, ref, payload))
    return boards


# one small board per ATS, outside every measured set: the start-up is paid on these
WARM_UP: list[Board] = [
    ("greenhouse", SourceRef("greenhouse", "w", "W", "w"), {"jobs": [
        {"id": 1, "title": "Warm-up Engineer", "location": {"name": "Nowhere, Noland"},
         "content": "&lt;p&gt;Pay: $1 - $2 USD&lt;/p&gt;"}]}),
    ("lever", SourceRef("lever", "w", "W", "w"), [{"id": "w", "text": "Warm-up Engineer"}]),
    ("ashby", SourceRef("ashby", "w", "W", "w"), {"jobs": [{"id": "w", "title": "Warm-up"}]}),
]  # fmt: skip


def parse_normalize(boards: list[Board]) -> tuple[int, float]:
    """(postings, CPU seconds) of parsing and normalizing every board once."""
    postings = 0
    clock = time.process_time()
    for ats, ref, payload in boards:
        source = get_source(ats)
        for raw in source.parse(payload, ref):
            normalize(raw, ref, SEEN)
            postings += 1
    return postings, time.process_time() - clock


def pipeline(name: str, warm: list[Board], boards: list[Board], again: int) -> None:
    """Print µs per posting of parse + normalize: one cold pass, then the median of ``again``."""
    parse_normalize(warm)  # start-up: imports, word lists, gazetteer, ECB rates
    postings, first = parse_normalize(boards)
    later = [parse_normalize(boards)[1] for _ in range(again)]
    print(f"{name}: {postings} postings in {len(boards)} boards, parse + normalize")
    print(f"  one pass, caches cold {first / postings * 1e6:8.1f} µs per posting (CPU)")
    if later:
        median = statistics.median(later)
        print(f"  again (median of {again})   {median / postings * 1e6:8.1f} µs per posting (CPU)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--world", type=Path, help="a bench world: time parse + normalize")
    parser.add_argument("--boards", type=int, default=1000, help="boards of --world to read")
    parser.add_argument("--real", type=Path, help="real-data folder: time parse + normalize")
    parser.add_argument("--again", type=int, default=3, help="passes after the cold one")
    args = parser.parse_args()
    if args.world or args.real:
        if args.world:
            boards = world_boards(args.world, args.boards)
            pipeline(f"bench world {args.world}", WARM_UP, boards, args.again)
        if args.real:
            boards = real_boards(args.real)
            pipeline(f"real data {args.real}", WARM_UP, boards, args.again)
        return
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
