"""How many postings in the real captures state pay, and for how many the tracker finds it.

    python bench/pay_coverage.py [PATH-TO-real-data] [--misses]

PATH defaults to ``$TRACKER_REAL_DATA``. Every list capture a source can parse goes through
its parser and ``normalize``. A posting *states pay* when the ATS gives a structured band with
an amount, or when a line of its full text (description, lists, closing) holds a money amount
(a currency symbol or ISO code next to a number) and a pay word - a deliberately independent,
cruder detector than the tracker's. *Found* = ``normalize`` gave the posting a salary.
Printed: per ATS and in total, postings / states pay / found among those / found without a
statement (possible false positives). ``--misses`` lists the pay lines of postings missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tracker.domain import RawPosting, SourceRef
from tracker.normalize import normalize
from tracker.sources import SourceError, get_source
from tracker.sources.common import clean_text, html_to_text

ATSS = ("greenhouse", "lever", "ashby", "workday", "smartrecruiters", "workable", "recruitee")
SEEN = datetime(2026, 8, 21, tzinfo=UTC)
_MONEY = re.compile(
    r"(?:[$€£¥₹₩]|\b(?:USD|EUR|GBP|CAD|AUD|JPY|INR|SGD|CHF|KRW|NZD)\b)\s?\d"
    r"|\d[\d,.]*\s?(?:k|K)?\s?(?:[€£円]|\b(?:USD|EUR|GBP|CAD|AUD|JPY|INR|SGD|CHF|KRW|NZD)\b)"
    r"|万円|億円|만원|lakh|crore"
)
_PAY = re.compile(
    r"salary|compensation|\bpay\b|wage|\bOTE\b|hourly|per hour|/hr|/hour|annual|base"
    r"|年収|月給|연봉|range",
    re.IGNORECASE,
)
_PERKS = re.compile(
    r"stipend|allowance|401|budget|reimburs|bonus|equity|learning|funding|raised|series [a-f]", re.I
)


def pay_statements(raw: RawPosting) -> list[str]:
    """Lines of the posting's text that state pay (the independent reference detector)."""
    text = raw.description or ""
    if "<" in text and ">" in text:
        text = html_to_text(text)
    lines = [line for line in clean_text(text).splitlines() if line]
    found = []
    for i, line in enumerate(lines):
        context = " ".join(lines[max(0, i - 2) : i + 1])  # a heading may sit on its own line
        if _MONEY.search(line) and _PAY.search(context) and not _perks_only(line):
            found.append(line[:200])
    return found


def _perks_only(line: str) -> bool:
    pay = re.search(r"salary|\bpay\b|wage|compensat|\bOTE\b|range|hourly|/hr|per hour", line, re.I)
    return bool(_PERKS.search(line)) and not pay


def load(folder: Path) -> dict[str, list[RawPosting]]:
    """Parsed postings of every list capture, by ATS."""
    found: dict[str, list[RawPosting]] = {}
    for ats in ATSS:
        ref = SourceRef(ats, "real", "Real", "real", {})
        for path in sorted((folder / ats).glob("*.json")):
            try:
                raws = get_source(ats).parse(json.loads(path.read_text(encoding="utf-8")), ref)
            except (SourceError, ValueError, TypeError, KeyError):
                continue  # a detail capture, not a board
            found.setdefault(ats, []).extend(raws)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=os.environ.get("TRACKER_REAL_DATA"))
    parser.add_argument("--misses", action="store_true", help="list pay lines of missed postings")
    args = parser.parse_args(argv)
    if not args.path or not Path(args.path).is_dir():
        print("give the real-data folder (or set TRACKER_REAL_DATA)", file=sys.stderr)
        return 2
    total: Counter[str] = Counter()
    print(f"{'ats':<16}{'postings':>9}{'state pay':>10}{'found':>7}{'extra':>7}")
    for ats, raws in load(Path(args.path)).items():
        row: Counter[str] = Counter()
        for raw in raws:
            ref = SourceRef(ats, "real", "Real", "real", {})
            posting = normalize(raw, ref, SEEN)
            lines = pay_statements(raw)
            states = bool(lines) or any(b.min or b.max for b in raw.salaries)
            row["postings"] += 1
            row["states"] += states
            row["found"] += states and posting.salary is not None
            row["extra"] += not states and posting.salary is not None
            if args.misses and states and posting.salary is None:
                print(f"  MISS {ats} {raw.external_id}: {lines[:2]}")
        total.update(row)
        print(f"{ats:<16}{row['postings']:>9}{row['states']:>10}{row['found']:>7}{row['extra']:>7}")
    share = total["found"] / total["states"] if total["states"] else 1.0
    print(
        f"{'total':<16}{total['postings']:>9}{total['states']:>10}{total['found']:>7}"
        f"{total['extra']:>7}   found {share:.1%} of postings that state pay"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
