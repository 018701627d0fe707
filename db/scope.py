"""Which enabled sources a report covers, with their companies. Read-only; never commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from db.tables import COMPANY, SOURCE

if TYPE_CHECKING:
    from db.session import SessionLike


@dataclass(frozen=True)
class ScopeSource:
    key: str
    company: str  # slug
    company_name: str


def enabled_sources(session: SessionLike) -> list[ScopeSource]:
    """Every enabled source with its company slug and display name, sorted by key."""
    stmt = (
        select(SOURCE.c.key, COMPANY.c.slug, COMPANY.c.name)
        .join(COMPANY, COMPANY.c.id == SOURCE.c.company_id)
        .where(SOURCE.c.enabled.is_(True))
        .order_by(SOURCE.c.key)
    )
    return [ScopeSource(k, slug, name) for k, slug, name in session.connection().execute(stmt)]
