"""``Posting.content_hash``: the shallow ``content_of`` gives the JSON ``asdict`` would (stored
hashes stay valid), and derived US-dollar amounts never change it (an FX move is no change)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from tracker.domain import Place, Posting, SalaryBand


def asdict_hash(posting: Posting) -> str:
    data = asdict(posting)
    for band in [data["salary"], *data["salaries"]]:
        if band is not None:
            del band["min_usd"], band["max_usd"]
            for key in ("min", "max"):
                band[key] = None if band[key] is None else float(band[key])
    bands = data.pop("salaries")
    del data["pay_lines"]
    if len(bands) > 1:
        data["bands"] = bands
    payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def postings() -> list[Posting]:
    band = SalaryBand(210000.0, 260000.0, "AUD", min_usd=1.5, max_usd=None, label="Australia €")
    other = SalaryBand(120000, 150000, "GBP", label="UK")
    places = (Place("Tokyo, Japan", "Tokyo", "JP", "APAC"), Place("Remote - US"))
    found = []
    for salary, salaries in ((band, (band,)), (band, (band, other)), (None, ())):
        for where in (places, ()):
            found.append(
                Posting(
                    "5227415008",
                    "Data Center Technician — Tōkyō",
                    "https://x/1",
                    "Compute",
                    None,
                    True,
                    "dc_operations",
                    "dept:Compute",
                    where,
                    False,
                    salary,
                    salaries,
                    ("A$210,000 - A$260,000",),
                )
            )
    return found


def test_shallow_hash_equals_the_asdict_hash() -> None:
    for posting in postings():
        assert posting.content_hash == asdict_hash(posting)


def test_usd_amounts_never_change_the_hash() -> None:
    for posting in postings():
        if posting.salary is None:
            continue
        moved = replace(posting.salary, min_usd=9.0, max_usd=10.0)
        assert replace(posting, salary=moved).content_hash == posting.content_hash
