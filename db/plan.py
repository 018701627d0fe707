"""Pure planning of one ``ok`` run: which postings are new, unchanged, changed, reopened, closed.

This module holds lifecycle rules 2, 3, 5 (docs/concepts.md) as plain code over plain values, so the
suspect guard can be reasoned about (and tested) without a database. ``db.store`` loads the
inputs and applies the plan with bulk statements.

Suspect guard (rule 3), precisely:

1. ``absent`` = the source's open postings not in this run's payload.
2. If the immediately preceding non-failed run was ``suspect``, the absent postings that were
   also absent from it (``last_seen < suspect.observed_at``) are *confirmed* and close now.
3. The rest (``remainder``) is checked against the open postings that are not confirmed
   (``pool``): when ``len(remainder) >= 5`` and ``2 * len(remainder) > pool`` the run is
   ``suspect`` and the remainder stays open; otherwise it closes too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple

from tracker.domain import Posting

SUSPECT_MIN = 5


class Existing(NamedTuple):
    """What a run needs to know about a stored posting (a tuple: a run builds one per stored
    posting of its board)."""

    id: int
    external_id: str
    content_hash: str
    closed_at: datetime | None
    last_seen: datetime
    current_version_id: int | None


@dataclass(frozen=True)
class Change:
    """A stored posting seen again, with its incoming content and hash."""

    existing: Existing
    posting: Posting | None  # None: seen by its unchanged raw fingerprint (content as stored)
    content_hash: str

    @property
    def content_changed(self) -> bool:
        return self.content_hash != self.existing.content_hash


@dataclass
class RunPlan:
    """Everything one ``ok``/``suspect`` run will write."""

    new: list[tuple[Posting, str]] = field(default_factory=list)  # (posting, hash)
    unchanged: list[Existing] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    reopened: list[Change] = field(default_factory=list)
    close: list[Existing] = field(default_factory=list)
    deferred: list[Existing] = field(default_factory=list)  # absent, kept open (suspect)
    pool: int = 0  # open postings the guard was evaluated against

    @property
    def suspect(self) -> bool:
        return bool(self.deferred)

    @property
    def seen(self) -> int:
        return len(self.new) + len(self.unchanged) + len(self.changed) + len(self.reopened)

    @property
    def versioned(self) -> list[Change]:
        """Seen postings that need a new version (changed, or reopened with new content)."""
        return self.changed + [c for c in self.reopened if c.content_changed]


def dedupe(postings: Iterable[Posting]) -> list[Posting]:
    """Drop repeated external ids, keeping the first occurrence."""
    seen: set[str] = set()
    unique: list[Posting] = []
    for posting in postings:
        if posting.external_id not in seen:
            seen.add(posting.external_id)
            unique.append(posting)
    return unique


def plan_run(
    existing: dict[str, Existing],
    postings: Sequence[Posting],
    previous_suspect_at: datetime | None,
    same: Collection[str] = (),
) -> RunPlan:
    """Partition an ``ok`` payload against the stored postings (rules 2, 3, 5).

    ``same`` are the external ids of stored postings seen again whose raw item is unchanged
    (by its fingerprint): they were not normalized, their stored content stands, so they are
    unchanged (or reopened without a new version); ids already in ``postings`` are ignored.
    """
    plan = RunPlan()
    incoming = dedupe(postings)
    present = {p.external_id for p in incoming}
    for external_id in same:
        stored = existing.get(external_id)
        if stored is None or external_id in present:
            continue  # never stored: cannot be "the same" (rule 7 keeps this from happening)
        present.add(external_id)
        if stored.closed_at is not None:
            plan.reopened.append(Change(stored, None, stored.content_hash))
        else:
            plan.unchanged.append(stored)
    for posting in incoming:
        digest = posting.content_hash
        stored = existing.get(posting.external_id)
        if stored is None:
            plan.new.append((posting, digest))
        elif stored.closed_at is not None:
            plan.reopened.append(Change(stored, posting, digest))
        elif digest != stored.content_hash:
            plan.changed.append(Change(stored, posting, digest))
        else:
            plan.unchanged.append(stored)
    open_rows = [e for e in existing.values() if e.closed_at is None]
    absent = [e for e in open_rows if e.external_id not in present]
    _apply_guard(plan, absent, len(open_rows), previous_suspect_at)
    return plan


def _primary_only(posting: Posting) -> Posting:
    return replace(posting, salaries=posting.salaries[:1])


def settle_derived(
    plan: RunPlan, stored: dict[str, Posting], legacy: frozenset[str] = frozenset()
) -> list[tuple[int, str]]:
    """Move postings whose stored content equals the incoming one to ``unchanged``.

    Their hashes differ only because the stored one was computed by an older rule (one that
    counted US-dollar amounts: an exchange-rate move is not a change). For a ``legacy`` version
    (stored before every band was kept) only its primary band is compared. ``stored`` holds the
    current content of ``plan.changed`` and ``plan.reopened`` by external id. Returns
    ``(posting id, new hash)`` to refresh on the posting rows.
    """
    refresh: list[tuple[int, str]] = []
    still: list[Change] = []
    for change in plan.changed:
        if change.posting is None:  # seen by its unchanged raw item: nothing to settle
            still.append(change)
            continue
        old = stored.get(change.posting.external_id)
        new = change.posting
        if change.posting.external_id in legacy:
            new = _primary_only(new)
        if old is not None and old.content_hash == new.content_hash:
            plan.unchanged.append(change.existing)
            refresh.append((change.existing.id, change.content_hash))
        else:
            still.append(change)
    plan.changed = still
    for i, change in enumerate(plan.reopened):
        if change.posting is None:
            continue
        old = stored.get(change.posting.external_id)
        new = change.posting
        if new.external_id in legacy:
            new = _primary_only(new)
        if change.content_changed and old is not None and old.content_hash == new.content_hash:
            existing = change.existing._replace(content_hash=change.content_hash)
            plan.reopened[i] = Change(existing, change.posting, change.content_hash)
            refresh.append((change.existing.id, change.content_hash))
    return refresh


def _apply_guard(
    plan: RunPlan, absent: list[Existing], open_count: int, previous_suspect_at: datetime | None
) -> None:
    """Fill ``plan.close`` / ``plan.deferred`` from the absent open postings."""
    if previous_suspect_at is None:
        confirmed: list[Existing] = []
        remainder = absent
    else:
        confirmed = [e for e in absent if e.last_seen < previous_suspect_at]
        remainder = [e for e in absent if e.last_seen >= previous_suspect_at]
    plan.pool = open_count - len(confirmed)
    if is_suspect(len(remainder), plan.pool):
        plan.close = confirmed
        plan.deferred = remainder
    else:
        plan.close = confirmed + remainder


def is_suspect(closing: int, open_count: int) -> bool:
    """Rule 3: closing more than half of the open postings, and at least 5."""
    return closing >= SUSPECT_MIN and 2 * closing > open_count
