"""Dump the parsed and normalized form of every posting (real captures + bench boards).

    python bench/normalize_dump.py OUT.txt [--real DIR] [--bench DIR] [--boards 50]

For checking that a speed-up changes nothing: run before and after, compare the sha256 of
OUT.txt. Every JSON file of every ATS folder under ``--real`` (default ``$TRACKER_REAL_DATA``)
goes through its source's ``parse`` (a detail capture also as a one-item board; Workday,
SmartRecruiters and Workable detail captures through ``parse_detail``), and each posting
through ``normalize`` with two refs (with and without compute departments). The first
``--boards`` bench boards (``bench/scrape_bench.py``'s world) go the same way. Each line is
the ``repr`` of a RawPosting (signature included) or a Posting, or a parse error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.domain import SourceRef
from tracker.normalize import normalize
from tracker.sources import REGISTRY, get_source

SEEN = datetime(2026, 8, 21, tzinfo=UTC)
DEPARTMENTS = {"departments": ["Compute", "Infrastructure"]}


def candidates(ats: str, path: Path, data: Any) -> list[tuple[str, Any]]:
    """(how, payload) for each way to read a capture."""
    out = [("as-is", data)]
    if isinstance(data, dict):
        out.append(("jobs-wrapped", {"jobs": [data]}))
        out.append(("list-wrapped", [data]))
    return out


def refs(ats: str, name: str) -> list[SourceRef]:
    options: dict[str, Any] = {}
    if ats == "workday":
        options = {"host": f"{name}.wd5.myworkdayjobs.com", "site": "External"}
    return [
        SourceRef(ats, name, name, name, dict(options)),
        SourceRef(ats, name, name, name, {**options, **DEPARTMENTS}),
    ]


def dump_board(out: list[str], label: str, ats: str, payload: Any, name: str) -> None:
    for ref in refs(ats, name):
        try:
            raws = get_source(ats).parse(payload, ref)
        except Exception as error:
            out.append(f"{label} {ref.departments} ERROR {type(error).__name__}: {error}")
            continue
        out.append(f"{label} {ref.departments} {len(raws)} postings")
        for raw in raws:
            out.append(repr(raw))
            out.append(repr(normalize(raw, ref, SEEN)))


def dump_detail(out: list[str], label: str, ats: str, data: Any, name: str) -> None:
    module = __import__(f"tracker.sources.{ats}", fromlist=["parse_detail"])
    parse_detail = getattr(module, "parse_detail", None)
    if parse_detail is None:
        return
    for ref in refs(ats, name):
        try:
            raw = parse_detail(data, ref)
        except Exception as error:
            out.append(f"{label} detail {ref.departments} ERROR {type(error).__name__}: {error}")
            continue
        out.append(f"{label} detail {ref.departments}")
        out.append(repr(raw))
        if raw is not None and hasattr(raw, "title"):
            out.append(repr(normalize(raw, ref, SEEN)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--real", default=os.environ.get("TRACKER_REAL_DATA", ""))
    parser.add_argument("--bench", default="/tmp/scrape-bench/cold/v1/boards")
    parser.add_argument("--boards", type=int, default=50)
    args = parser.parse_args()
    out: list[str] = []
    real = Path(args.real) if args.real else None
    if real is not None:
        for folder in sorted(p for p in real.iterdir() if p.is_dir()):
            ats = folder.name
            if ats not in REGISTRY:
                continue
            for path in sorted(folder.glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                name = path.stem.split("_")[0]
                for how, payload in candidates(ats, path, data):
                    dump_board(out, f"{ats}/{path.name} {how}", ats, payload, name)
                dump_detail(out, f"{ats}/{path.name}", ats, data, name)
    bench = Path(args.bench)
    for board in sorted(bench.glob("board*"))[: args.boards]:
        payload = json.loads((board / "jobs").read_bytes())
        dump_board(out, f"bench/{board.name}", "greenhouse", payload, board.name)
    text = "\n".join(out) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    postings = sum(line.startswith("Posting(") for line in out)
    errors = sum(" ERROR " in line for line in out)
    print(f"{len(out)} lines, {postings} normalized postings, {errors} refused; sha256 {digest}")


if __name__ == "__main__":
    main()
