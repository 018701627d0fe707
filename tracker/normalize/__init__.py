"""Normalization: ``RawPosting`` -> ``Posting``. Pure functions over shipped data files.

- ``taxonomy.classify`` - compute or not, category, and the rule that decided it;
- ``locations.parse_places`` - places (city, ISO country, region) and a remote flag;
- ``salary.pick_salary`` - one pay band, with US-dollar amounts from ``fx.to_usd``.

The word lists and aliases live in ``seeds/taxonomy.toml`` and ``seeds/places.toml``.
"""

from __future__ import annotations

from datetime import datetime

from tracker.domain import Posting, RawPosting, SourceRef
from tracker.normalize.locations import parse_places
from tracker.normalize.salary import pick_salary
from tracker.normalize.taxonomy import classify

__all__ = ["classify", "normalize", "parse_places", "pick_salary"]


def normalize(raw: RawPosting, ref: SourceRef, observed_at: datetime) -> Posting:
    """Normalize one parsed posting of source ``ref`` as seen at ``observed_at``."""
    compute, category, rule = classify(raw.title, raw.department, raw.team, ref.departments)
    places, remote = parse_places(raw.location_raw, raw.structured_places)
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
        salary=pick_salary(raw, observed_at),
    )
