"""Parse a fetched board and normalize what changed: the pure step between a fetch and a
write, the same in a scrape's worker processes (:mod:`jobs.scrapepool`), in a scrape without
them, in the daemon and in ``ingest``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.domain import Posting, RawPosting, SourceRef
from tracker.normalize import normalize
from tracker.sources import get_source
from tracker.sources.body import decoded
from tracker.sources.common import capped


@dataclass
class Parsed:
    """A parsed board: what :func:`carry_forward` returns."""

    postings: list[Posting]
    same: list[str]
    signatures: dict[str, str | None]


def carry_forward(
    raws: Sequence[RawPosting], ref: SourceRef, at: datetime
) -> tuple[list[Posting], list[str], dict[str, str | None]]:
    """Normalize only what changed: ``(postings, same, signatures)``.

    A known posting read without its detail (paged ATSs) or with an unchanged raw fingerprint
    (:mod:`tracker.sources.fingerprint`) is not normalized: its id goes to ``same`` and its
    stored content stands. ``signatures`` are the list signatures / fingerprints to store.
    """
    known: dict[str, Any] = ref.options.get("_known") or {}
    same = [
        r.external_id for r in raws if r.extra.get("detail") is False and r.external_id in known
    ]
    carried = set(same)
    postings = [normalize(r, ref, at) for r in raws if r.external_id not in carried]
    signatures: dict[str, str | None] = {}
    for r in raws:
        if "signature" not in r.extra:
            continue
        if r.extra.get("detail"):
            signatures[r.external_id] = r.extra["signature"]
        elif r.external_id not in carried:
            signatures[r.external_id] = None  # fetch its detail next time
    unchanged = [k for k, v in signatures.items() if k in known and known[k] == v]
    for key in unchanged:  # already stored: no write
        del signatures[key]
    return postings, same, signatures


def parse_board(ref: SourceRef, payload: Any, at: datetime) -> Parsed:
    """Decode (a :class:`RawBody`), parse, cap and normalize a fetched board (raises
    SourceError on a malformed one)."""
    raws = capped(get_source(ref.ats).parse(decoded(payload), ref))
    postings, same, signatures = carry_forward(raws, ref, at)
    return Parsed(postings, same, signatures)
