"""What a scrape fetches: the enabled sources, chosen by key or company.

Light to import: a big scrape chooses its targets and starts its worker processes
(:mod:`jobs.spawn`) before it loads the rest of the scrape machinery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from db.session import core_scope
from db.status import source_refs
from tracker.domain import SourceRef
from tracker.filters import unknown as unknown_value
from tracker.settings import ConfigError


@dataclass(frozen=True)
class Target:
    """A source to scrape: its database id and its reference."""

    source_id: int
    ref: SourceRef


def select_targets(
    engine: Engine, keys: Sequence[str] = (), company: str | None = None
) -> list[Target]:
    """The enabled sources to scrape: all, the given keys, or one company's."""
    with core_scope(engine) as session:
        sources = source_refs(session)
    by_key = {key: (sid, ref) for sid, key, _, ref in sources}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise unknown_value("source", unknown[0], sorted(by_key), "see tracker sources list")
    if keys:
        chosen = [by_key[k] for k in keys]
    else:
        chosen = [(sid, ref) for sid, _, enabled, ref in sources if enabled]
    if company is not None:
        slugs = {ref.company_slug for *_, ref in sources}
        if company not in slugs:
            raise unknown_value("company", company, sorted(slugs), "see tracker sources list")
        chosen = [(sid, ref) for sid, ref in chosen if ref.company_slug == company]
        if not chosen:
            raise ConfigError(f"no enabled sources for company {company!r}")
    return [Target(source_id=sid, ref=ref) for sid, ref in chosen]
