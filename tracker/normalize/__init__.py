"""Normalization: ``RawPosting`` -> ``Posting``. Pure functions over shipped data files.

- ``taxonomy.classify`` - compute or not, category, and the rule that decided it;
- ``locations.parse_places`` - places (city, ISO country, region) and a remote flag;
- ``salary.pick_salaries`` / ``pick_salary`` - every published pay band / the primary one,
  native currency plus US dollars from ``fx`` (ECB rate of the observation date);
- ``fx.convert`` / ``fx.to_usd`` - ECB conversions between any two supported currencies.

The word lists and aliases live in ``seeds/taxonomy.toml`` and ``seeds/places.toml``;
``python -m tracker.normalize.evaluate`` scores the rules on the labelled sets in tests/data/.

**Re-normalizing stored history** (``tracker renormalize``) needs no raw payload: rebuild a
``RawPosting`` from a stored version - title, department, team, ``Place(raw=p.raw)`` for each
stored place (only the raw string: the stored city/country are results, not inputs), the stored
remote flag, and the stored native band (without ``*_usd``) as ``salaries`` - and call
``normalize`` with the source's current ``SourceRef`` (``rebuilt`` does it; prose pay is read
again from the version's stored ``pay_lines``). Under unchanged
rules that returns the same values (tests/normalize/test_renormalize.py), so only improved
rules create changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tracker.domain import Place, Posting, RawPosting, SourceRef

if TYPE_CHECKING:
    from tracker.normalize.locations import parse_places
    from tracker.normalize.salary import pick_salaries, pick_salary
    from tracker.normalize.taxonomy import classify

__all__ = ["classify", "normalize", "parse_places", "pick_salaries", "pick_salary", "rebuilt"]

# The normalizers load on first use: `tracker roles --country JP` needs the gazetteer only.
_LAZY = {
    "classify": "tracker.normalize.taxonomy",
    "parse_places": "tracker.normalize.locations",
    "pick_salaries": "tracker.normalize.salary",
    "pick_salary": "tracker.normalize.salary",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)


_NORMALIZERS: list[Any] = []  # parse_places, classify, pick_salaries once imported


def _load_normalizers() -> list[Any]:
    """Import the normalizers on first use (an import statement per posting costs as much as
    parsing its places)."""
    from tracker.normalize.locations import parse_places
    from tracker.normalize.salary import pick_salaries
    from tracker.normalize.taxonomy import classify

    _NORMALIZERS[:] = [parse_places, classify, pick_salaries]
    return _NORMALIZERS


def normalize(raw: RawPosting, ref: SourceRef, observed_at: datetime) -> Posting:
    """Normalize one parsed posting of source ``ref`` as seen at ``observed_at``."""
    parse_places, classify, pick_salaries = _NORMALIZERS or _load_normalizers()
    places, remote = parse_places(raw.location_raw, raw.structured_places)
    compute, category, rule = classify(
        raw.title, raw.department, raw.team, ref.departments, [p.raw for p in places]
    )
    bands = pick_salaries(raw, observed_at, places, bool(raw.remote) or remote)
    return Posting(
        external_id=raw.external_id,
        title=" ".join(raw.title.split()),
        url=raw.url,
        department=raw.department,
        team=raw.team,
        compute=compute,
        category=category,
        category_rule=rule,
        places=tuple(places),
        remote=bool(raw.remote) or remote,
        salary=bands[0] if bands else None,
        salaries=tuple(bands),
        pay_lines=raw.salary_texts,
    )


def rebuilt(posting: Posting) -> RawPosting:
    """The inputs ``normalize`` takes, rebuilt from a stored posting (``tracker renormalize``).

    Prose pay is read again from the stored ``pay_lines``; structured bands are fed back as
    they are. A version stored before pay lines were kept feeds back its bands instead.
    """
    native = tuple(replace(b, min_usd=None, max_usd=None) for b in posting.salaries)
    if not native and posting.salary is not None:
        native = (replace(posting.salary, min_usd=None, max_usd=None),)
    if posting.pay_lines:
        native = tuple(b for b in native if b.source == "structured")
    return RawPosting(
        external_id=posting.external_id,
        title=posting.title,
        url=posting.url,
        department=posting.department,
        team=posting.team,
        structured_places=tuple(Place(raw=p.raw) for p in posting.places),
        remote=posting.remote,
        salaries=native,
        salary_texts=posting.pay_lines,
    )
