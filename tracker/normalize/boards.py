"""Scores on whole boards: the hand-labelled posting sets in ``tests/data/boards/``.

Each set is one real public board, captured by someone else and never used to tune the rules
(provenance in the file and in tests/data/README.md). For every posting it keeps only what the
tracker reads - title, department, team, location names and postal addresses, the structured
compensation, the pay sentences of the description - plus the labels a person gave it by
reading the posting: compute yes/no, category, the ISO countries of its places and the pay band
it states (``null`` when it states none).

A posting is rebuilt as its ATS would send it (Ashby, Greenhouse or Lever, by the set's
``source``) and goes through the same path as a scrape: the source's ``parse`` and
``tracker.normalize.normalize``. The stored fields are the same for every ATS (``locations``
entries are ``name`` plus, for Ashby, the postal-address parts; ``compensation.salary`` holds
the structured bands with the ATS's own ``interval``; ``pay_text`` the pay sentences of the
description); ``country`` (Lever's ISO code) and ``location`` (the Greenhouse/Lever primary
location name, when it differs from the first listed place) are optional. The scores:

- compute precision / recall;
- category: share of postings whose category is the labelled one (``not_compute`` included);
- countries: share of postings whose set of place countries is exactly the labelled set;
- pay found: share of postings stating pay that get a band; pay exact: share of those found
  whose min, max, currency and period are the labelled ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from tracker.domain import Posting, RawPosting, SourceRef
from tracker.normalize import normalize
from tracker.sources.ashby import Ashby
from tracker.sources.greenhouse import Greenhouse
from tracker.sources.lever import Lever

BOARDS_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "boards"
OBSERVED_AT = datetime(2025, 10, 28, tzinfo=UTC)
Item = dict[str, Any]


def ashby_job(item: Item) -> Item:
    """One stored posting as the Ashby posting API returns it (only the fields we keep)."""
    locations = [
        {"location": loc.get("name"), "address": {"postalAddress": _postal(loc)}}
        for loc in item["locations"]
    ]
    compensation = item.get("compensation") or {}
    salary = [_component(c) for c in compensation.get("salary", [])]
    tiers = [
        {"title": c.get("title"), "components": [_component(c)]}
        for c in compensation.get("tiers", [])
    ]
    job: Item = {
        "id": item["id"],
        "title": item["title"],
        "department": item.get("department"),
        "team": item.get("team"),
        "isRemote": item.get("is_remote"),
        "isListed": True,
        "location": locations[0]["location"] if locations else None,
        "address": locations[0]["address"] if locations else None,
        "secondaryLocations": locations[1:],
        "descriptionPlain": "\n".join(item.get("pay_text", [])) or None,
        "compensation": {
            "compensationTierSummary": compensation.get("summary"),
            "summaryComponents": salary,
            "compensationTiers": tiers,
        },
    }
    return job


def _postal(loc: Item) -> Item:
    keys = ("addressLocality", "addressRegion", "addressCountry")
    return {k: loc[k] for k in keys if loc.get(k)}


def _component(data: Item) -> Item:
    return {
        "compensationType": "Salary",
        "interval": data.get("interval"),
        "currencyCode": data.get("currency"),
        "minValue": data.get("min"),
        "maxValue": data.get("max"),
    }


def _location_names(item: Item) -> list[str]:
    return [str(loc["name"]) for loc in item["locations"] if loc.get("name")]


def _primary_location(item: Item) -> str | None:
    names = _location_names(item)
    return item.get("location") or (names[0] if names else None)


def greenhouse_job(item: Item) -> Item:
    """One stored posting as ``GET /v1/boards/{token}/jobs?content=true`` returns it.

    Department and team become a parent department and its child; the pay sentences are the
    description (``content``, entity-escaped HTML as Greenhouse sends it); the structured
    bands are ``pay_input_ranges`` (cents).
    """
    departments: list[Item] = []
    if item.get("department"):
        departments.append({"id": 1, "name": item["department"], "parent_id": None})
        if item.get("team"):
            departments.append({"id": 2, "name": item["team"], "parent_id": 1})
    elif item.get("team"):
        departments.append({"id": 2, "name": item["team"], "parent_id": None})
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in item.get("pay_text", []))
    salary = (item.get("compensation") or {}).get("salary", [])
    job: Item = {
        "id": item["id"],
        "title": item["title"],
        "location": {"name": _primary_location(item)},
        "departments": departments,
        "offices": [{"name": name, "location": name} for name in _location_names(item)],
        "metadata": [] if item.get("is_remote") is None else [_workplace(item["is_remote"])],
        "content": escape(paragraphs) if paragraphs else None,
        "pay_input_ranges": [
            {
                "title": band.get("title"),
                "min_cents": None if band.get("min") is None else round(band["min"] * 100),
                "max_cents": None if band.get("max") is None else round(band["max"] * 100),
                "currency_type": band.get("currency"),
            }
            for band in salary
        ],
    }
    return job


def _workplace(is_remote: bool) -> Item:
    return {"name": "Workplace Type", "value": "Remote" if is_remote else "On-site"}


def lever_posting(item: Item) -> Item:
    """One stored posting as ``GET /v0/postings/{token}?mode=json`` returns it.

    The pay sentences are ``additionalPlain``; the first structured band is ``salaryRange``.
    """
    salary = (item.get("compensation") or {}).get("salary", [])
    band = salary[0] if salary else None
    remote = item.get("is_remote")
    posting: Item = {
        "id": item["id"],
        "text": item["title"],
        "categories": {
            "department": item.get("department"),
            "team": item.get("team"),
            "location": _primary_location(item),
            "allLocations": _location_names(item),
        },
        "country": item.get("country"),
        "workplaceType": "unspecified" if remote is None else ("remote" if remote else "onsite"),
        "descriptionPlain": "",
        "lists": [],
        "additionalPlain": "\n".join(item.get("pay_text", [])) or None,
    }
    if band is not None:
        posting["salaryRange"] = {
            "min": band.get("min"),
            "max": band.get("max"),
            "currency": band.get("currency"),
            "interval": band.get("interval"),
        }
    return posting


Rebuild = Callable[[Sequence[Item], SourceRef], list[RawPosting]]


def _ashby(items: Sequence[Item], ref: SourceRef) -> list[RawPosting]:
    return Ashby().parse({"jobs": [ashby_job(i) for i in items]}, ref)


def _greenhouse(items: Sequence[Item], ref: SourceRef) -> list[RawPosting]:
    return Greenhouse().parse({"jobs": [greenhouse_job(i) for i in items]}, ref)


def _lever(items: Sequence[Item], ref: SourceRef) -> list[RawPosting]:
    return Lever().parse([lever_posting(i) for i in items], ref)


REBUILDERS: dict[str, Rebuild] = {"ashby": _ashby, "greenhouse": _greenhouse, "lever": _lever}


@dataclass(frozen=True)
class Board:
    """One labelled board set."""

    path: Path
    source: str
    company: str
    items: tuple[Item, ...]

    @property
    def ref(self) -> SourceRef:
        ats, token = self.source.split(":", 1)
        return SourceRef(ats=ats, token=token, company=self.company, company_slug=token)


def load_board(path: Path) -> Board:
    """Read one ``tests/data/boards/*.json`` set."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Board(path, data["source"], data["company"], tuple(data["postings"]))


def board_files(data_dir: Path = BOARDS_DIR) -> list[Path]:
    """The board sets, in a stable order."""
    return sorted(data_dir.glob("*.json"))


def run_board(board: Board) -> list[tuple[Item, Posting]]:
    """Every labelled posting with what the tracker makes of it."""
    ref = board.ref
    raws = REBUILDERS[ref.ats](board.items, ref)
    by_id = {raw.external_id: raw for raw in raws}
    return [(item, normalize(by_id[item["id"]], ref, OBSERVED_AT)) for item in board.items]


def countries_of(posting: Posting) -> list[str]:
    """The sorted distinct countries of a posting's places."""
    return sorted({p.country for p in posting.places if p.country})


def pay_of(posting: Posting) -> Item | None:
    """The primary band as the labels write it, or None."""
    band = posting.salary
    if band is None:
        return None
    return {"min": band.min, "max": band.max, "currency": band.currency, "period": band.period}


def same_pay(expected: Item | None, actual: Item | None) -> bool:
    """Labelled and found band agree on min, max, currency and period."""
    if expected is None or actual is None:
        return expected is actual
    keys = ("min", "max", "currency", "period")
    return all(_num(expected[k]) == _num(actual[k]) for k in keys)


def _num(value: Any) -> Any:
    return float(value) if isinstance(value, int | float) else value


@dataclass(frozen=True)
class Scores:
    """The scores of one board set (see the module docstring)."""

    postings: int
    compute: int
    precision: float
    recall: float
    category: float
    countries: float
    pay_stated: int
    pay_found: float
    pay_exact: float


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def score(results: Sequence[tuple[Item, Posting]]) -> Scores:
    """Scores of one board's results."""
    labels = [item["label"] for item, _ in results]
    postings = [posting for _, posting in results]
    pairs = list(zip(labels, postings, strict=True))
    tp = sum(lab["compute"] and p.compute for lab, p in pairs)
    fp = sum(p.compute and not lab["compute"] for lab, p in pairs)
    fn = sum(lab["compute"] and not p.compute for lab, p in pairs)
    stated = [(lab["pay"], pay_of(p)) for lab, p in pairs if lab["pay"] is not None]
    found = [(e, a) for e, a in stated if a is not None]
    return Scores(
        postings=len(pairs),
        compute=tp + fn,
        precision=_share(tp, tp + fp),
        recall=_share(tp, tp + fn),
        category=_share(sum(lab["category"] == p.category for lab, p in pairs), len(pairs)),
        countries=_share(
            sum(sorted(lab["countries"]) == countries_of(p) for lab, p in pairs), len(pairs)
        ),
        pay_stated=len(stated),
        pay_found=_share(len(found), len(stated)),
        pay_exact=_share(sum(same_pay(e, a) for e, a in found), len(found)),
    )


def summary_line(path: Path, scores: Scores) -> str:
    """One line of scores for a board set."""
    return (
        f"{path.name:28} {scores.postings:4d} postings  compute {scores.compute:3d}: "
        f"P {scores.precision:.3f} R {scores.recall:.3f}  category {scores.category:.1%}  "
        f"countries {scores.countries:.1%}  pay {scores.pay_stated:3d} stated: "
        f"found {scores.pay_found:.1%} exact {scores.pay_exact:.1%}"
    )


def misses(results: Sequence[tuple[Item, Posting]]) -> list[str]:
    """One line per wrong value (compute/category, countries, pay)."""
    lines: list[str] = []
    for item, posting in results:
        label, title = item["label"], item["title"]
        if (label["compute"], label["category"]) != (posting.compute, posting.category):
            lines.append(
                f"    category {title!r}: expected {label['category']}, got {posting.category}"
                f" ({posting.category_rule})"
            )
        if sorted(label["countries"]) != countries_of(posting):
            names = [loc.get("name") for loc in item["locations"]]
            lines.append(
                f"    countries {names}: expected {label['countries']}, got {countries_of(posting)}"
            )
        if label["pay"] is not None and not same_pay(label["pay"], pay_of(posting)):
            lines.append(f"    pay {title!r}: expected {label['pay']}, got {pay_of(posting)}")
    return lines
