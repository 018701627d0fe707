"""Raw fingerprints: skip the work for list items that did not change since the last run.

ATSs whose list endpoint returns every posting in full (Greenhouse with ``content=true``, Lever,
Ashby) are parsed item by item. Each raw item gets a cheap fingerprint (a hash of its JSON with
the parts of the source's options that parsing reads); the scrape job passes the stored ones in
``ref.options["_known"]`` (``external_id -> signature``, see :mod:`tracker.sources.incremental`).
An item whose fingerprint equals the stored one is not converted or normalized again:
``parse()`` yields a stub ``RawPosting`` with ``extra = {"signature": fp, "detail": False}``
and the stored content stands (the run refreshes its ``last_seen``). Other items are parsed in
full and carry ``{"signature": fp, "detail": True}`` so that the job stores the new fingerprint.

The salt holds :data:`VERSION` and a digest of the shipped rules (taxonomy and places), so an
edited rule file re-reads every item on the next run. Bump :data:`VERSION` when a parser or the
normalization code changes what a stored version holds for the same raw item; until then
`tracker renormalize` re-derives stored content.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import orjson
import xxhash

from tracker.domain import RawPosting, SourceRef
from tracker.sources.incremental import known_postings

VERSION = 4  # 4: XXH3-128 fingerprints and board digests (3: SHA-256, before: BLAKE2b)


@functools.cache
def rules_digest() -> str:
    """A short digest of the shipped rule files that normalization reads."""
    from tracker.shipped import seed_path

    digest = hashlib.blake2b(digest_size=8)
    for name in ("taxonomy.toml", "places.toml"):
        digest.update(seed_path(name).read_bytes())
    return digest.hexdigest()


def salt(ref: SourceRef) -> bytes:
    """What besides the raw item decides the stored content: the parse version, the rules and
    the source's compute departments (they steer classification)."""
    departments = "\x1f".join(sorted(ref.departments))
    return f"{ref.ats}/{VERSION}/{rules_digest()}/{departments}".encode()


def of(item: Any, seed: bytes) -> str:
    """Fingerprint of one raw item (its JSON bytes as decoded, keys in board order): 12 bytes
    of XXH3-128 over the salt, a separator and the item."""
    try:
        data = orjson.dumps(item)
    except TypeError:  # an integer beyond 64 bits (a hostile amount): the slow encoder copes
        data = json.dumps(item, default=str).encode()
    return xxhash.xxh3_128_hexdigest(seed + b"\0" + data)[:24]


def salted_digest(seed: bytes, data: bytes) -> str:
    """16 bytes of XXH3-128 over ``seed``, a separator and ``data`` (whole-board digests).

    XXH3 and not a cryptographic hash: these digests only say "the same as last time" about
    what a board served us, and a board that wanted to hide a change could simply not make
    it. XXH3 reads a 130 MB cycle of boards in ~2 ms where SHA-256 took ~65 ms of the worker's
    CPU (issue 12); its 128 bits make an accidental collision as unlikely as SHA-256's."""
    digest = xxhash.xxh3_128(seed + b"\0")
    digest.update(data)
    return digest.hexdigest()


# ATSs whose one GET returns the whole board, fetched the same whatever the database holds:
# the same body (digest) means the same board as the run that stored the digest.
WHOLE_BODY = frozenset({"greenhouse", "lever"})


def body_digest(payload: Any, ref: SourceRef) -> str | None:
    """A digest of a whole fetched board, salted like the item fingerprints (so an edited
    rule or parser version changes it); None for ATSs outside :data:`WHOLE_BODY`."""
    if ref.ats not in WHOLE_BODY:
        return None
    try:
        data = orjson.dumps(payload)
    except TypeError:  # an integer beyond 64 bits: the slow encoder copes
        data = json.dumps(payload, default=str).encode()
    return salted_digest(salt(ref), data)


def parse_items(
    items: list[tuple[str, Any]],
    ref: SourceRef,
    parse_one: Callable[[int], RawPosting],
) -> list[RawPosting]:
    """``(external_id, raw item)`` in board order -> postings, parsing only changed items.

    ``parse_one(index)`` parses item ``index`` in full (and validates it).
    """
    known = known_postings(ref)
    seed = salt(ref)
    postings: list[RawPosting] = []
    for index, (external_id, item) in enumerate(items):
        sig = of(item, seed)
        if known.get(external_id) == sig:
            postings.append(RawPosting(external_id=external_id, title="", extra=_same(sig)))
            continue
        raw = parse_one(index)
        postings.append(replace(raw, extra={**raw.extra, "signature": sig, "detail": True}))
    return postings


def _same(sig: str) -> dict[str, Any]:
    return {"signature": sig, "detail": False}
