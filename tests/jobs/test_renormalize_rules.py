"""`tracker renormalize` brings history stored under older rules up to the current ones.

History is written with "old rules" (normalize patched to give what the rules before issue 9
gave: a Project Executive of a data-center construction department as not_compute, and
"San Leandro, CA and Fremont, CA" in Canada), then renormalized with the real rules: the stored
version's category and places change in place, nothing else does, a second run changes
nothing, and the next ingest of the same board records no new version.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

import jobs.parsepool
from db.tables import VERSION
from tests.helpers import Cli
from tracker.domain import Place, Posting, RawPosting, SourceRef
from tracker.normalize import normalize

LIST = "San Leandro, CA and Fremont, CA"


def job(i: int, title: str, department: str, location: str) -> dict[str, Any]:
    return {
        "id": f"job-{i}", "title": title, "department": department, "team": department,
        "employmentType": "FullTime", "location": location, "secondaryLocations": [],
        "isListed": True, "isRemote": False, "address": None,
        "jobUrl": f"https://jobs.ashbyhq.com/acme/job-{i}",
        "compensation": {"compensationTierSummary": None, "summaryComponents": [],
                         "compensationTiers": []},
    }  # fmt: skip


BOARD = {
    "jobs": [
        job(1, "Project Executive", "Data Center Construction", "Abilene, TX"),
        job(2, "Data Center Technician", "Operations", LIST),
        job(3, "Account Executive", "Sales", "Denver, CO"),
    ]
}


def old_rules(raw: RawPosting, ref: SourceRef, at: Any) -> Posting:
    """What the rules before issue 9 made of these postings."""
    posting = normalize(raw, ref, at)
    if raw.title == "Project Executive":
        posting = replace(posting, compute=False, category="not_compute", category_rule="default")
    if raw.location_raw == LIST:
        canada = Place(raw=LIST, city="San Leandro", country="CA", region="AMER")
        posting = replace(posting, places=(canada,))
    return posting


@pytest.fixture
def cli(any_db_url: str, tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("")
    return Cli(any_db_url, config)


def versions(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(VERSION)).scalar_one())
    finally:
        engine.dispose()


def test_renormalize_applies_new_rules_to_history(
    cli: Cli, any_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = tmp_path / "board.json"
    board.write_text(json.dumps(BOARD))
    cli("sources", "add", "ashby", "acme", "--company", "Acme")
    with monkeypatch.context() as patch:
        patch.setattr(jobs.parsepool, "normalize", old_rules)
        cli("ingest", str(board), "--source", "ashby:acme", "--observed-at", "2026-04-20T06:00Z")
    at = ("--at", "2026-04-21")
    assert [r["title"] for r in cli.json("roles", *at)] == ["Data Center Technician"]
    assert cli.json("roles", *at, "--country", "CA")[0]["title"] == "Data Center Technician"
    assert versions(any_db_url) == 3

    out = cli("renormalize").stdout
    assert "ashby:acme: 2 of 3 versions updated" in out

    roles = {r["title"]: r for r in cli.json("roles", *at)}
    assert roles["Project Executive"]["category"] == "dc_construction"
    places = roles["Data Center Technician"]["locations"]
    assert [(p["city"], p["country"]) for p in places] == [("San Leandro", "US"), ("Fremont", "US")]
    assert cli.json("count", "--by", "country", *at) == [{"country": "US", "count": 2}]
    assert versions(any_db_url) == 3  # rewritten in place, history not duplicated
    assert "0 versions updated" in cli("renormalize").stdout.splitlines()[-1]

    cli("ingest", str(board), "--source", "ashby:acme", "--observed-at", "2026-04-27T06:00Z")
    assert versions(any_db_url) == 3  # the same board under the same rules: no new version


def test_a_data_center_site_label_is_stored_and_survives_renormalize(
    cli: Cli, any_db_url: str, tmp_path: Path
) -> None:
    """Ashby's location label "Dallas, TX - Data Center" is kept as the stored place's raw, so
    the role is compute now and stays compute when history is renormalized."""
    site = job(1, "Technical Program Manager - Dallas", "Operations", "Dallas, TX - Data Center")
    office = job(2, "Technical Program Manager", "Operations", "San Jose, CA")
    board = tmp_path / "board.json"
    board.write_text(json.dumps({"jobs": [site, office]}))
    cli("sources", "add", "ashby", "acme", "--company", "Acme")
    cli("ingest", str(board), "--source", "ashby:acme", "--observed-at", "2026-04-20T06:00Z")
    at = ("--at", "2026-04-21")
    (role,) = cli.json("roles", *at)
    assert role["title"] == "Technical Program Manager - Dallas"
    assert [p["city"] for p in role["locations"]] == ["Dallas"]
    assert "0 of 2 versions updated" in cli("renormalize").stdout
    assert [r["title"] for r in cli.json("roles", *at)] == [role["title"]]
