"""The lazy ``last_seen`` (see :mod:`db.tables`): how a run reads it and moves it on.

A source's ``seen_mark``/``seen_until`` stand for the postings its latest non-failed run saw:
the open ones whose stored ``last_seen`` is at or after ``seen_mark`` (they were last seen at
``seen_until``). So a run that sees them again writes one source row instead of every posting:

- a 304 or same-body run moves ``seen_until`` only (:data:`MARK_SQL`);
- an ``ok`` run of a changed board writes ``last_seen`` only where it differs from that rule:
  new and reopened postings get the run's time, and so does a stored posting seen again that
  the rule does not cover (one the previous run missed); a posting that leaves the rule
  (closed now) gets its own ``last_seen`` written down first (*settled*);
- a ``suspect`` run keeps postings open that it did not see, so it writes ``last_seen`` of
  everything it saw, settles the ones it missed, and starts a new mark at its own time.

The mark holds only while ``seen_until`` is the latest non-failed run's ``observed_at``;
otherwise (rows from before the columns existed) that run's postings carry its time, and the
run starts the mark there.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.plan import RunPlan


@dataclass(frozen=True)
class Mark:
    """A source's mark as a run takes it: postings stored at or after ``mark`` (when set) were
    seen by the latest non-failed run, whose time is ``until``."""

    mark: datetime | None
    until: datetime | None


def current(stored_mark: Any, stored_until: Any, latest: datetime | None, read: Any) -> Mark:
    """The mark a run starts from: the stored one while it stands for the latest non-failed
    run (``latest``: its ``observed_at``); else that run's time (``read``: the driver's time
    reader for the stored values)."""
    mark = read(stored_mark) if stored_mark is not None else None
    until = read(stored_until) if stored_until is not None else None
    if mark is not None and latest is not None and until == latest:
        return Mark(mark, until)
    return Mark(latest, latest)


@dataclass(frozen=True)
class Moves:
    """What a run writes of ``last_seen`` (see the module docstring)."""

    touch: list[int]  # stored postings: last_seen := the run's time
    settle: list[int]  # leaving the mark: last_seen := until
    until: datetime | None
    mark: datetime  # the source's new seen_mark (seen_until := the run's time)


def moves(plan: RunPlan, marked: Collection[int], start: Mark, at: datetime) -> Moves:
    """The ``last_seen`` writes of a planned ``ok``/``suspect`` run at ``at``; ``marked``: ids
    of the stored postings the mark covers."""
    seen = seen_ids(plan)
    absent = [e.id for e in plan.close] + [e.id for e in plan.deferred]
    settle = [pid for pid in absent if pid in marked]
    if plan.suspect:
        return Moves(seen, settle, start.until, at)
    touch = [pid for pid in seen if pid not in marked]
    return Moves(touch, settle, start.until, start.mark if start.mark is not None else at)


def seen_ids(plan: RunPlan) -> list[int]:
    """Every stored posting the run saw."""
    stored_seen = [e.id for e in plan.unchanged] + [c.existing.id for c in plan.changed]
    return stored_seen + [c.existing.id for c in plan.reopened]


def covers(stored: datetime, closed: Any, start: Mark) -> bool:
    """Whether the mark covers a stored posting (open, stored at or after the mark)."""
    return closed is None and start.mark is not None and stored >= start.mark


# A 304 or same-body run: the mark (kept while it stands for the previous run, else started
# at that run's time) and seen_until move on. Parameters: previous, previous, run time, source.
MARK_SQL = (
    "UPDATE source SET seen_mark = COALESCE(CASE WHEN seen_until = {t} THEN seen_mark END, {t}),"
    " seen_until = {t} WHERE id = {p}"
)
# How many postings the mark covers after MARK_SQL (the run's ``seen``). Parameter: source.
COUNT_SQL = (
    "SELECT count(*) FROM posting JOIN source ON source.id = posting.source_id"
    " WHERE posting.source_id = {p} AND posting.closed_at IS NULL"
    " AND posting.last_seen >= source.seen_mark"
)


def sql(text: str, dialect: str) -> str:
    """``text`` with its placeholders for the dialect (``{t}`` a timestamp, ``{p}`` a value)."""
    if dialect == "postgresql":
        return text.format(t="%s::timestamp", p="%s")
    return text.format(t="?", p="?")
