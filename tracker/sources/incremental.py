"""Details only for new or changed postings, and all-or-nothing concurrent requests.

Paged ATSs with a detail endpoint (Workday, SmartRecruiters, Workable) list every posting
cheaply and fetch the detail (description, all locations, pay) only where needed. The scrape
job tells the source what it already has through two private options of ``SourceRef``:

``ref.options["_known"]``
    What the database already holds for this source, as one of:

    - a mapping ``external_id -> signature``: the posting's detail is fetched again only when the
      list signature differs (the posting changed); a ``None`` signature means "known, but its
      stored version has no detail yet" and the detail is fetched;
    - a list/set of external ids: known postings never get their detail fetched again;
    - absent/None/empty: every posting is new; every detail is fetched.

    Pass every posting the source ever had (open or closed), so that "never had postings" can
    be told from "all postings closed" (SmartRecruiters needs it, see there).

``ref.options["details"] = false`` turns detail fetching off; ``ref.options["max_details"] = N``
fetches at most N details per run (the rest come in later runs).

``parse()`` puts two keys in every ``RawPosting.extra``:

- ``"signature"``: the list signature of the posting (store it with the posting);
- ``"detail"``: True when the posting was parsed with its detail, False when only the list entry
  was available (a known, unchanged posting, a detail that 404'd, or details off/capped).

The scrape job's rule: a posting with ``detail`` False that the database already holds is
unchanged: refresh ``last_seen`` and keep its stored content (the list entry lacks the detail's
places and pay). Store ``signature`` when ``detail`` is True, and ``None`` for a new posting
stored without detail (so the next run fetches it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from tracker.domain import SourceRef
from tracker.sources import common
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")
_ANY = object()  # a known id whose signature is not compared (ids given as a list)
GONE = (404, 410)  # a detail answering this is a posting closed since the list was read


def signature(*parts: Any) -> str:
    """A short stable hash of the list fields that, when changed, need a fresh detail."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def known_postings(ref: SourceRef) -> dict[str, Any]:
    """``options["_known"]`` as ``{external_id: signature | None | _ANY}``."""
    value = ref.options.get("_known")
    if isinstance(value, Mapping):
        return {
            str(k): (v if v is None or isinstance(v, str) else str(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return {str(k): _ANY for k in value}
    return {}


def has_history(ref: SourceRef) -> bool:
    """True when the scrape job says this source has had postings before."""
    return bool(ref.options.get("_known"))


def needs_detail(external_id: str, list_signature: str, known: Mapping[str, Any]) -> bool:
    """Whether a listed posting is new or changed (see the module docstring)."""
    if external_id not in known:
        return True
    stored = known[external_id]
    if stored is _ANY:
        return False
    return stored is None or stored != list_signature


def details_enabled(ref: SourceRef) -> bool:
    """``options["details"]`` unless it is false/"false"/"no"/"0"/"off"."""
    value = ref.options.get("details", True)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "0", "off")
    return bool(value)


def detail_limit(ref: SourceRef) -> int | None:
    """``options["max_details"]`` as a non-negative int, or None (no limit)."""
    value = ref.options.get("max_details")
    if value is None or isinstance(value, bool):
        return None
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


def wanted(ref: SourceRef, listed: Iterable[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """``(key, external_id, signature)`` of listed postings -> ``(key, external_id)`` to detail.

    In list order, de-duplicated, capped by ``max_details``; empty when details are off.
    """
    if not details_enabled(ref):
        return []
    known = known_postings(ref)
    picked: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, external_id, sig in listed:
        if key not in seen and needs_detail(external_id, sig, known):
            seen.add(key)
            picked.append((key, external_id))
    limit = detail_limit(ref)
    return picked if limit is None else picked[:limit]


async def fetch_details(
    keys: Sequence[str], fetch_one: Callable[[str], Awaitable[Any]]
) -> dict[str, Any]:
    """``{key: detail}`` for every key, concurrently; a gone posting (404/410) maps to None.

    Any other failure fails the whole fetch (the other requests are cancelled).
    """

    async def one(key: str) -> tuple[str, Any]:
        try:
            return key, await fetch_one(key)
        except SourceError as exc:
            if exc.status in GONE:
                return key, None
            raise

    return dict(await gather_all(one(key) for key in keys))


async def gather_all(coros: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Run coroutines concurrently; results in order. The first failure cancels the rest and
    is raised as itself (a SourceError stays a SourceError, not an ExceptionGroup)."""
    import asyncio  # here, so that importing the registry stays light

    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            for coro in coros:
                tasks.append(group.create_task(coro))
    except BaseExceptionGroup as failures:
        raise _first(failures) from None
    return [task.result() for task in tasks]


def _first(group: BaseExceptionGroup[Any]) -> BaseException:
    """The first SourceError in a (nested) exception group, else its first exception."""
    leaves: list[BaseException] = []

    def walk(exc: BaseException) -> None:
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                walk(inner)
        else:
            leaves.append(exc)

    walk(group)
    return next((e for e in leaves if isinstance(e, SourceError)), leaves[0])


def split_payload(
    payload: Any, ref: SourceRef, items_key: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A paged payload -> (pages, details).

    Accepts what ``fetch`` returns (``{"pages": [...], "details": {key: detail}}``) and what
    ``tracker ingest`` is given: one captured list page (an object holding ``items_key``) or a
    JSON array of such pages.
    """
    details: Any = {}
    if isinstance(payload, dict) and "pages" in payload:
        pages, details = payload["pages"], payload.get("details", {})
        details = {} if details is None else details
    elif isinstance(payload, dict):
        pages = [payload]
    else:
        pages = payload
    if not isinstance(pages, list):
        raise common.malformed(ref, f"expected a page or an array of pages, got {_kind(pages)}")
    if not isinstance(details, dict):
        raise common.malformed(ref, f"'details' is {_kind(details)}, expected an object")
    for number, page in enumerate(pages, start=1):
        if not isinstance(page, dict) or not isinstance(page.get(items_key), list):
            got = f"keys: {', '.join(sorted(page)[:8])}" if isinstance(page, dict) else _kind(page)
            raise common.malformed(ref, f"page #{number} has no {items_key!r} array ({got})")
    return pages, details


def _kind(value: Any) -> str:
    return common.type_name(value)
