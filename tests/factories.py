"""Builders for domain objects in tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tracker.domain import Place, Role, SalaryBand

T0 = datetime(2026, 4, 20, 6, tzinfo=UTC)
T1 = datetime(2026, 11, 20, 6, tzinfo=UTC)

TOKYO = Place("Tokyo, Japan", "Tokyo", "JP", "APAC")
SYDNEY = Place("Sydney, Australia", "Sydney", "AU", "APAC")
MELBOURNE = Place("Melbourne, Australia", "Melbourne", "AU", "APAC")
LONDON = Place("London, UK", "London", "GB", "EMEA")
SF = Place("San Francisco, CA", "San Francisco", "US", "AMER")
GBP_BAND = SalaryBand(225000, 270000, "GBP", "year", "text", 296854, 355253)


def make_role(rid: int, title: str, *places: Place, **kwargs: Any) -> Role:
    base = Role(
        id=rid,
        source="greenhouse:anthropic",
        external_id=str(1000 + rid),
        company="anthropic",
        company_name="Anthropic",
        title=title,
        department="Compute",
        team=None,
        compute=True,
        category="other_compute",
        locations=tuple(places),
        remote=False,
        salary=None,
        url=None,
        first_seen=T0,
        last_seen=T1,
        closed_at=None,
    )
    return replace(base, **kwargs)
