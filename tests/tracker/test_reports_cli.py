"""Reports people can use, through the CLI (issue 11 items 4-6 and the diff crash): places
without a city, links, labels, money, limits, headlines, digest periods."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli, gh_board, gh_job

T0 = "2026-11-13T06:00Z"
T1 = "2026-11-20T06:00Z"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.toml"
    path.write_text("[scrape]\nretries = 1\ntimeout = 1\n")
    return path


@pytest.fixture
def cli(any_db_url: str, config: Path) -> Cli:
    return Cli(any_db_url, config)


def add_acme(cli: Cli) -> None:
    cli("sources", "add", "greenhouse", "acme", "--company", "Acme Cloud",
        "--option", "departments=Compute")  # fmt: skip


def ingest(cli: Cli, tmp_path: Path, board: dict[str, Any], when: str, key: str = "acme") -> None:
    path = tmp_path / f"{key}-{when[:10]}-{len(list(tmp_path.glob('*.json')))}.json"
    path.write_text(json.dumps(board))
    cli("ingest", str(path), "--source", f"greenhouse:{key}", "--observed-at", when)


def board(*jobs: dict[str, Any]) -> dict[str, Any]:
    return {"jobs": list(jobs), "meta": {"total": len(jobs)}}


# ------------------------------------------------------------------------------ the crash


def test_diff_with_a_city_less_place_beside_another_office(cli: Cli, tmp_path: Path) -> None:
    """A changed role listing Singapore (a country, no city) beside Tokyo used to raise
    ``TypeError: '<' not supported between 'str' and 'NoneType'`` in diff and digest."""
    add_acme(cli)
    ingest(cli, tmp_path, board(gh_job(1, "Data Center Technician", "Tokyo, Japan")), T0)
    moved = gh_job(1, "Data Center Technician", "Singapore; Tokyo, Japan")
    ingest(cli, tmp_path, board(moved), T1)
    out = cli("diff", "--from", T0, "--to", T1).stdout
    assert "Singapore" in out and "Tokyo" in out
    data = cli.json("diff", "--from", T0, "--to", T1)
    assert list(data["changed"][0]["changes"]) == ["locations"]
    preview = cli("digest", "preview", "--from", T0, "--to", T1).stdout
    assert "Singapore" in preview
