"""Accuracy of the normalizers on the hand-labelled evaluation sets in ``tests/data/``.

    python -m tracker.normalize.evaluate [--data DIR] [--misses]

Each CSV holds inputs and the exact expected values, labelled by hand (tests/data/README.md):

- ``titles_*.csv``: title, department, team, source_departments (``;``-separated), compute
  (yes/no), category - checked with ``taxonomy.classify``;
- ``locations_*.csv``: raw, remote (yes/no), places (``city/CC/REGION`` joined by ``; ``;
  ``?`` for a place that cannot be placed yet, such as Workday's "3 Locations") - checked
  with ``locations.parse_places``;
- ``salary_*.csv``: kind (text/json), input, min, max, currency, period, label (empty = none;
  all empty = no salary) - checked with ``paytext.parse_salary_text`` or
  ``salary.band_from_mapping``.

A row is right only when every expected value matches exactly. For titles the script also
prints precision and recall of ``compute``. ``tests/normalize/test_eval_sets.py`` asserts the
same rows one by one.

Then it scores the whole-board sets of ``tests/data/boards/`` (``tracker.normalize.boards``):
compute precision/recall, category, countries, pay found and pay exact per board.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.domain import Place
from tracker.normalize import boards
from tracker.normalize.locations import parse_places
from tracker.normalize.salary import band_from_mapping, parse_salary_text
from tracker.normalize.taxonomy import classify

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"
Row = dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """One row: what was expected and what the normalizer gave."""

    row: Row
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.actual)


def load_rows(path: Path) -> list[Row]:
    """The rows of one evaluation CSV (UTF-8, header line)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1")


def title_expected(row: Row) -> tuple[bool, str]:
    return _yes(row["compute"]), row["category"]


def title_actual(row: Row) -> tuple[bool, str]:
    departments = [d for d in row.get("source_departments", "").split(";") if d.strip()]
    compute, category, _ = classify(
        row["title"], row.get("department") or None, row.get("team") or None, departments
    )
    return compute, category


def encode_place(place: Place) -> str:
    """``city/CC/REGION`` (empty parts allowed); ``?`` when nothing is known but the text."""
    if not (place.city or place.country or place.region):
        return "?"
    return f"{place.city or ''}/{place.country or ''}/{place.region or ''}"


def location_expected(row: Row) -> tuple[tuple[str, ...], bool]:
    places = tuple(p.strip() for p in row["places"].split(";") if p.strip())
    return places, _yes(row["remote"])


def location_actual(row: Row) -> tuple[tuple[str, ...], bool]:
    places, remote = parse_places(row["raw"], ())
    return tuple(encode_place(p) for p in places), remote


SalaryValues = tuple[float | None, float | None, str | None, str | None, str | None]


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def salary_expected(row: Row) -> SalaryValues:
    return (
        _number(row["min"]),
        _number(row["max"]),
        row["currency"] or None,
        row["period"] or None,
        row["label"] or None,
    )


def salary_actual(row: Row) -> SalaryValues:
    if row["kind"] == "json":
        band = band_from_mapping(json.loads(row["input"]))
    else:
        band = parse_salary_text(row["input"])
    if band is None:
        return None, None, None, None, None
    return band.min, band.max, band.currency, band.period, band.label


Checker = tuple[Callable[[Row], Any], Callable[[Row], Any]]
CHECKERS: dict[str, Checker] = {
    "titles": (title_expected, title_actual),
    "locations": (location_expected, location_actual),
    "salary": (salary_expected, salary_actual),
}


def kind_of(path: Path) -> str:
    """``titles`` / ``locations`` / ``salary`` from a file name like ``titles_anthropic.csv``."""
    return path.stem.split("_", 1)[0]


def evaluate_file(path: Path) -> list[Outcome]:
    """Every row of one set with its expected and actual values."""
    expected, actual = CHECKERS[kind_of(path)]
    return [Outcome(row, expected(row), actual(row)) for row in load_rows(path)]


def set_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The evaluation CSVs, in a stable order."""
    return sorted(p for p in data_dir.glob("*.csv") if kind_of(p) in CHECKERS)


def compute_scores(outcomes: Sequence[Outcome]) -> tuple[float, float]:
    """(precision, recall) of ``compute`` over title outcomes."""
    tp = sum(o.expected[0] and o.actual[0] for o in outcomes)
    fp = sum(o.actual[0] and not o.expected[0] for o in outcomes)
    fn = sum(o.expected[0] and not o.actual[0] for o in outcomes)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def summary_line(path: Path, outcomes: Sequence[Outcome]) -> str:
    """``titles_anthropic.csv  517 rows  517 exact  100.0%`` (+ compute P/R for titles)."""
    right = sum(o.ok for o in outcomes)
    share = 100 * right / len(outcomes) if outcomes else 100.0
    line = f"{path.name:24} {len(outcomes):4d} rows {right:4d} exact {share:6.1f}%"
    if kind_of(path) == "titles":
        precision, recall = compute_scores(outcomes)
        positives = sum(o.expected[0] for o in outcomes)
        line += f"   compute: {positives} labelled, precision {precision:.3f} recall {recall:.3f}"
    return line


def row_text(row: Row) -> str:
    """The input a row is about (title, raw location or salary input)."""
    return row.get("title") or row.get("raw") or row.get("input") or ""


def main(argv: Sequence[str] | None = None) -> int:
    """Print accuracy per set; with ``--misses`` also each wrong row."""
    parser = argparse.ArgumentParser(description="Accuracy of tracker.normalize on tests/data.")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder of evaluation CSVs")
    parser.add_argument("--misses", action="store_true", help="print every wrong row")
    parser.add_argument(
        "--boards", type=Path, default=boards.BOARDS_DIR, help="folder of labelled board sets"
    )
    args = parser.parse_args(argv)
    files = set_files(args.data)
    board_files = boards.board_files(args.boards)
    if not files and not board_files:
        print(f"no evaluation sets in {args.data}")
        return 2
    for path in files:
        outcomes = evaluate_file(path)
        print(summary_line(path, outcomes))
        if args.misses:
            for miss in (o for o in outcomes if not o.ok):
                text = row_text(miss.row)
                print(f"    {text!r}\n      expected {miss.expected}\n      actual   {miss.actual}")
    everything: list[tuple[boards.Item, boards.Posting]] = []
    for path in board_files:
        results = boards.run_board(boards.load_board(path))
        everything += results
        print(boards.summary_line(path, boards.score(results)))
        if args.misses:
            for line in boards.misses(results):
                print(line)
    if len(board_files) > 1:
        print(boards.summary_line(Path("all boards"), boards.score(everything)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
