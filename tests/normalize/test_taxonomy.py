"""classify(): signals, look-alike vetoes, categories and the rule strings `tracker history` shows.

The bulk of the expected values live in the hand-labelled sets under tests/data/ (see
test_eval_sets.py); these tests pin the mechanics.
"""

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
        ("Hardware Fleet Program Manager", "hardware_fleet", "hardware"),
        ("Data Center Operations Lead", "dc_operations", "operations"),
        ("Critical Facilities Technician", "dc_operations", "facilities technician"),
        ("Compute Strategy Lead", "other_compute", None),
        ("Finance & Strategy, Compute", "other_compute", None),
    ],
)
def test_configured_department_is_compute(title: str, category: str, words: str | None) -> None:
    """The compute org's roles are all compute, look-alike titles included (docs/concepts.md)."""
    rule = f"department:Compute + title:{words}" if words else "department:Compute"
    assert classify(title, "Compute", None, COMPUTE) == (True, category, rule)


def test_department_match_is_whole_word_and_case_insensitive() -> None:
    assert classify("Strategy Lead", "compute", None, COMPUTE)[0] is True
    assert classify("Strategy Lead", "Infrastructure > Compute", None, COMPUTE)[0] is True
    assert classify("Strategy Lead", "Computer Vision", None, COMPUTE)[0] is False
    assert classify("Fleet Engineer", "Engineering", "Compute", COMPUTE) == (
        True, "hardware_fleet", "team:Compute + title:fleet",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("title", "department", "team", "expected"),
    [
        ("Data Center Technician II", "Site Ops", None,
         (True, "dc_operations", "title:data center + title:technician")),
        ("Datacenter Electrician", None, None,
         (True, "dc_electrical", "title:datacenter + title:electrician")),
        ("Data Centre Strategy Lead", None, None, (True, "other_compute", "title:data centre")),
        ("Switchgear Technician", None, None,
         (True, "dc_electrical", "title:switchgear + title:switchgear")),
        ("Compute Country Lead, Japan", None, None, (True, "other_compute", "title:compute")),
        ("Infrastructure Capacity Planner", None, None,
         (True, "capacity_planning",
          "title:infrastructure+capacity planner + title:capacity planner")),
        ("Technician II", "Data Center Operations", None,
         (True, "dc_operations", "department~data center + title:technician")),
        ("Electrical Engineer", "Infrastructure", None,
         (True, "dc_electrical", "department~infrastructure+title:electrical + title:electrical")),
        ("Senior Engineer", "Infrastructure", "Electrical",
         (False, "not_compute", "default")),
        ("Technician", "Operations", "Data Center Energy",
         (True, "dc_operations", "department~data center + title:technician")),
    ],
)  # fmt: skip
def test_signals_and_rule_strings(
    title: str, department: str | None, team: str | None, expected: tuple[bool, str, str]
) -> None:
    assert classify(title, department, team, ()) == expected


def test_team_words_give_the_category_when_the_title_has_none() -> None:
    assert classify("Senior Engineer", "Data Centers", "Electrical", ()) == (
        True, "dc_electrical", "department~data centers + team:electrical",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("Enterprise Account Executive, Data Center Solutions",
         "veto:sales:account executive over title:data center"),
        ("Finance & Strategy, Compute", "veto:finance:finance over title:compute"),
        ("Infrastructure Tax Lead, Capacity",
         "veto:finance:tax over title:infrastructure+capacity"),
        ("Legal Program Manager, Compute & Infrastructure", "veto:legal:legal over title:compute"),
        ("ASIC Design Engineer, Data Center GPU",
         "veto:chips_and_devices:asic over title:data center"),
        ("Compute Software Lead", "veto:software:software over title:compute"),
        ("Commissioning Editor, Documentaries",
         "veto:product_and_policy:editor over title:commissioning"),
        ("Data Center Migration Consultant", "veto:it_services:migration over title:data center"),
    ],
)  # fmt: skip
def test_look_alikes_are_vetoed_with_the_reason(title: str, rule: str) -> None:
    assert classify(title, None, None, ()) == (False, "not_compute", rule)


def test_weak_vetoes_do_not_overrule_a_named_data_center() -> None:
    """A software-ish word loses to a title that names a data center outright."""
    assert classify("Data Scientist, Data Center Energy", None, None, ())[:2] == (True, "energy")
    assert classify("Site Reliability Engineer, Compute", None, None, ())[0] is False
    assert classify("Compute Engineer", None, None, ()) == (False, "not_compute", "default")


@pytest.mark.parametrize(
    "title",
    [
        "Account Executive, Energy & Utilities", "Electrical Engineer", "Construction Manager",
        "Facilities Manager", "Capacity Planner, Contact Center",
        "Fleet Manager, Vehicle Operations",
        "Data-Centric ML Engineer", "Call Center Operations Manager", "Banquet Server",
        "Software Engineer, Infrastructure", "Sales Commissions Analyst", "",
    ],
)  # fmt: skip
def test_a_company_without_data_centers_shows_none(title: str) -> None:
    assert classify(title, None, None, ()) == (False, "not_compute", "default")


def test_keywords_match_whole_words_and_spelling_variants() -> None:
    assert compile_keyword("facilit*").find("Critical Facilities") == "facilities"
    assert compile_keyword("land").find("Landing page") is None
    assert compile_keyword("data center").find("Data-Center Ops") == "data center"
    assert classify("Grid-Scale Storage Lead", "Compute", None, COMPUTE)[1] == "energy"
    assert classify("Sales Lead, Finland", "Compute", None, COMPUTE)[1] == "other_compute"
    assert classify("データセンター電気エンジニア", None, None, ())[0] is True


def test_classify_needs_only_stored_strings() -> None:
    """`tracker renormalize` re-runs it on stored title/department/team alone."""
    first = classify("  Data Center   Technician ", "Data Center Ops", None, ("Compute",))
    assert first == classify("Data Center Technician", "Data Center Ops", None, ["Compute"])
    assert first[0] is True


def test_seed_is_consistent() -> None:
    tax = load_taxonomy()
    slugs = {slug for slug, _ in tax.categories}
    assert slugs <= set(CATEGORIES) - {"not_compute"}
    assert slugs >= set(CATEGORIES) - {"not_compute"}
    names = [veto.terms.name for veto in tax.vetoes]
    assert len(names) == len(set(names))
    assert any(veto.strong for veto in tax.vetoes) and any(not v.strong for v in tax.vetoes)


@pytest.mark.parametrize(
    ("title", "department", "team", "expected"),
    [
        ("Project Executive", "Digital Infrastructure Group (DIG)", "Tenant Improvement",
         (True, "dc_construction")),
        ("Project Executive", "Data Center Construction", None, (True, "dc_construction")),
        ("Senior Associate", "Digital Infrastructure Group", "Real Estate (DIG)",
         (True, "deal_sourcing")),
        ("Commercial Energy Development Associate", "Energy Business Development", None,
         (True, "energy")),
        ("Project Engineer", "Power Infrastructure", "Power Infrastructure",
         (True, "dc_construction")),
        ("Instrument and Controls Technician, Turbine Operations", "Power Infrastructure", None,
         (True, "energy")),
        ("Executive Assistant", "People", "Executive Administration", (False, "not_compute")),
        ("Senior Associate", "Digital Infrastructure Group", "Marketing", (False, "not_compute")),
    ],
)  # fmt: skip
def test_departments_and_teams_are_signals(
    title: str, department: str, team: str | None, expected: tuple[bool, str]
) -> None:
    """Ashby department/team, Greenhouse departments, Lever categories: the same two fields."""
    assert classify(title, department, team, ())[:2] == expected


@pytest.mark.parametrize(
    ("title", "department", "veto"),
    [
        ("Pulsed Power Engineer", "Power Infrastructure", "other_plants:pulsed power"),
        ("Power Systems Engineer - Fusion Plant", "Power Generation", "other_plants:fusion"),
        ("Facilities Technician, Factory", "Site Operations", "other_plants:factory"),
        ("Critical Facilities Engineer, Wafer Fab", None, "other_plants:wafer"),
        ("Senior Software Engineer, Datacenter Operations Platform Engineering", None,
         "software_engineering:software engineer"),
        ("Software Engineer, Data Center Operations Tools", "Data Center Operations",
         "software_engineering:software engineer"),
    ],
)  # fmt: skip
def test_look_alikes_of_other_plants_and_software(title: str, department: str, veto: str) -> None:
    compute, category, rule = classify(title, department, None, ())
    assert (compute, category) == (False, "not_compute")
    assert rule.startswith(f"veto:{veto} over ")


@pytest.mark.parametrize(
    ("title", "places", "expected"),
    [
        # sited at a data center: compute, category from the title (none here)
        ("Technical Program Manager - Dallas", ["Dallas, TX - Data Center"], "other_compute"),
        ("Facilities Technician", ["Rechenzentrum Frankfurt"], "dc_operations"),
        # an office is no signal; a look-alike title stays vetoed at a data-center site
        ("Technical Program Manager", ["Dallas, TX", "San Jose Office"], "not_compute"),
        ("Senior Software Engineer", ["Dallas, TX - Data Center"], "not_compute"),
        ("Account Executive", ["Ashburn, VA - Data Center"], "not_compute"),
        # "DC" is Washington, not a data center
        ("Program Manager", ["Washington, DC"], "not_compute"),
    ],
)
def test_a_place_naming_a_data_center_site_is_a_signal(
    title: str, places: list[str], expected: str
) -> None:
    compute, category, rule = classify(title, "Operations", None, [], places)
    assert (compute, category) == (expected != "not_compute", expected), rule
    if compute:
        assert rule.startswith("place~")
