"""classify(): department rules, title-only data-center rules, and the default."""

from __future__ import annotations

import pytest

from tracker.domain import CATEGORIES
from tracker.normalize.taxonomy import classify, compile_keyword, load_taxonomy

COMPUTE = ["Compute"]


@pytest.mark.parametrize(
    ("title", "category", "words"),
    [
        ("Data Center Electrical Engineer", "dc_electrical", "electrical"),
        ("Data Center Deal Sourcing Lead, Japan", "deal_sourcing", "deal sourcing"),
        ("Site Acquisition Manager", "deal_sourcing", "site acquisition"),
        ("Land Development Lead", "deal_sourcing", "land"),
        ("Energy Procurement Lead", "energy", "energy"),
        ("Grid Interconnection Manager", "energy", "grid"),
        ("Data Center Construction Program Manager", "dc_construction", "construction"),
        ("Data Center Mechanical Engineer", "dc_engineering", "mechanical"),
        ("Data Center Controls Engineer", "dc_engineering", "controls"),
        ("Data Center Commissioning Engineer", "dc_engineering", "commissioning"),
        ("Data Center Engineering Manager", "dc_engineering", "data center engineering"),
        ("Capacity Planning Lead, Compute", "capacity_planning", "capacity planning"),
        ("Hardware Fleet Program Manager", "hardware_fleet", "fleet"),
        ("Data Center Operations Lead", "dc_operations", "operations"),
        ("Critical Facilities Technician", "dc_operations", "technician"),
        ("Compute Strategy Lead", "other_compute", None),
    ],
)
def test_compute_department_categories(title: str, category: str, words: str | None) -> None:
    rule = f"department:Compute + title:{words}" if words else "department:Compute"
    assert classify(title, "Compute", None, COMPUTE) == (True, category, rule)


def test_department_match_is_case_insensitive_and_finds_paths() -> None:
    assert classify("Strategy Lead", "compute", None, COMPUTE) == (
        True, "other_compute", "department:Compute",
    )  # fmt: skip
    assert classify("Strategy Lead", "Infrastructure > Compute", None, COMPUTE)[0] is True
    assert classify("Strategy Lead", "Compute Infrastructure", None, COMPUTE)[0] is True
    assert classify("Strategy Lead", "Computer Vision", None, COMPUTE)[0] is False


def test_team_matches_when_department_does_not() -> None:
    assert classify("Fleet Engineer", "Engineering", "Compute", COMPUTE) == (
        True, "hardware_fleet", "team:Compute + title:fleet",
    )  # fmt: skip


def test_other_departments_are_not_compute() -> None:
    assert classify("Software Engineer, Infrastructure", "Engineering", None, COMPUTE) == (
        False, "not_compute", "default",
    )  # fmt: skip
    assert classify("Account Executive", "Sales", None, COMPUTE) == (
        False, "not_compute", "default",
    )  # fmt: skip


def test_title_naming_a_data_center_is_compute_without_departments() -> None:
    assert classify("Data Center Technician II", "Site Ops", None, []) == (
        True, "dc_operations", "title:data center + title:technician",
    )  # fmt: skip
    assert classify("Datacenter Electrician", None, None, []) == (
        True, "dc_electrical", "title:datacenter + title:electrician",
    )  # fmt: skip
    assert classify("Data Centre Strategy Lead", None, None, ()) == (
        True, "other_compute", "title:data centre",
    )  # fmt: skip
    assert classify("Critical Facilities Manager", None, None, ()) == (
        True, "dc_operations", "title:critical facilities + title:facilities",
    )  # fmt: skip


def test_title_rules_need_a_data_center_word() -> None:
    assert classify("Electrical Engineer", "Hardware", None, []) == (
        False, "not_compute", "default",
    )  # fmt: skip
    assert classify("Energy Analyst", None, None, ["Data Centers"]) == (
        False, "not_compute", "default",
    )  # fmt: skip


def test_keywords_match_whole_words() -> None:
    assert classify("Sales Lead, Finland", "Compute", None, COMPUTE)[1] == "other_compute"
    assert classify("Grid-Scale Storage Lead", "Compute", None, COMPUTE)[1] == "energy"
    assert compile_keyword("facilit*").pattern.search("Facilities") is not None
    assert compile_keyword("land").pattern.search("Landing page") is None


def test_seed_categories_are_known_slugs() -> None:
    slugs = [slug for slug, _ in load_taxonomy().categories]
    assert set(slugs) <= set(CATEGORIES) - {"other_compute", "not_compute"}
    assert len(slugs) == len(set(slugs)) == 8
