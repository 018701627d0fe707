"""``Posting.content_hash`` is unchanged by the faster ``plain()`` (stored hashes stay valid)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from tracker.domain import Place, Posting, SalaryBand


def old_hash(posting: Posting) -> str:
    payload = json.dumps(asdict(posting), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def test_plain_hash_equals_the_asdict_hash() -> None:
    band = SalaryBand(210000.0, 260000.0, "AUD", min_usd=1.5, max_usd=None, label="Australia €")
    places = (Place("Tokyo, Japan", "Tokyo", "JP", "APAC"), Place("Remote - US"))
    for salary in (band, None):
        for where in (places, ()):
            posting = Posting(
                "5227415008", "Data Center Technician — Tōkyō", "https://x/1", "Compute", None,
                True, "dc_operations", "dept:Compute", where, False, salary,
            )  # fmt: skip
            plain = json.dumps(posting.plain(), sort_keys=True)
            assert plain == json.dumps(asdict(posting), sort_keys=True)
            assert posting.content_hash == old_hash(posting)
