from datetime import UTC, datetime

import pytest

from tracker.counts import count_roles, parse_dims
from tracker.domain import Place, Role
from tracker.settings import ConfigError

T = datetime(2026, 11, 20, tzinfo=UTC)


def role(i: int, company: str, *places: Place, category: str = "dc_operations") -> Role:
    return Role(
        id=i, source=f"greenhouse:{company}", external_id=str(i), company=company,
        company_name=company.title(), title=f"Role {i}", department="Compute", team=None,
        compute=True, category=category, locations=tuple(places), remote=False, salary=None,
        url=None, first_seen=T, last_seen=T, closed_at=None,
    )  # fmt: skip


TOKYO = Place("Tokyo, Japan", "Tokyo", "JP", "APAC")
SYDNEY = Place("Sydney, Australia", "Sydney", "AU", "APAC")
LONDON = Place("London, UK", "London", "GB", "EMEA")


def test_multi_country_role_counts_once_per_country() -> None:
    roles = [role(1, "anthropic", TOKYO, SYDNEY), role(2, "anthropic", SYDNEY), role(3, "x")]
    assert count_roles(roles, ["country"]) == [
        {"country": "AU", "count": 2},
        {"country": "JP", "count": 1},
        {"country": None, "count": 1},
    ]
    # Both places are APAC: the role counts once in APAC, not twice.
    assert count_roles(roles, ["region"]) == [
        {"region": "APAC", "count": 2},
        {"region": None, "count": 1},
    ]


def test_two_dimensions() -> None:
    roles = [role(1, "a", LONDON), role(2, "a", LONDON, category="energy"), role(3, "b", TOKYO)]
    rows = count_roles(roles, ["company", "category"])
    assert {"company": "a", "category": "dc_operations", "count": 1} in rows
    assert {"company": "a", "category": "energy", "count": 1} in rows
    assert sum(r["count"] for r in rows) == 3


def test_parse_dims() -> None:
    assert parse_dims("company, country,company") == ["company", "country"]
    with pytest.raises(ConfigError):
        parse_dims("planet")
    with pytest.raises(ConfigError):
        parse_dims("")
