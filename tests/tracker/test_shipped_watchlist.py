"""The shipped watchlist watches the market: >= 60 sources, the hyperscalers, >= 15 operators."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from tests.helpers import Cli
from tracker.sources import REGISTRY
from tracker.watchlist import load_watchlist

WATCHLIST = Path(__file__).resolve().parents[2] / "seeds" / "watchlist.toml"
OPERATORS = {
    "equinix", "digital-realty", "qts", "cyrusone", "vantage", "aligned", "iron-mountain",
    "flexential", "tierpoint", "cologix", "serverfarm", "coresite", "tract", "edgeconnex",
    "switch", "stack", "databank", "airtrunk", "ntt-gdc", "keppel", "nextdc", "cdc",
}  # fmt: skip


def test_watchlist_has_the_market_and_evidence_for_every_entry() -> None:
    entries = load_watchlist(WATCHLIST, set(REGISTRY))
    assert len(entries) >= 60
    companies = {e.ref.company for e in entries}
    assert {"Amazon", "Microsoft", "Google", "Meta", "Oracle", "Apple"} <= companies
    slugs = {e.ref.company_slug for e in entries}
    assert len({s.lower() for s in OPERATORS} & slugs) >= 15
    # every [[source]] carries a comment: above it, or on its token line
    blocks = WATCHLIST.read_text(encoding="utf-8").split("[[source]]")
    for before, block in pairwise(blocks):
        token_line = next(line for line in block.splitlines() if line.startswith("token"))
        assert "#" in token_line or re.search(r"#[^\n]*\n\s*$", before), block[:80]


@pytest.fixture
def cli_sqlite(tmp_path: Path) -> Cli:
    config = tmp_path / "tracker.toml"
    config.write_text("")
    return Cli(f"sqlite:///{tmp_path / 'tracker.db'}", config)


def test_import_gives_every_source(cli_sqlite: Cli) -> None:
    out = cli_sqlite("sources", "import", str(WATCHLIST)).stdout
    added = int(re.search(r"(\d+) added", out).group(1))  # type: ignore[union-attr]
    assert added >= 60
    listed = {s["key"]: s for s in cli_sqlite.json("sources", "list")}
    for key in ("amazon:data-center", "eightfold:microsoft-datacenter", "google:data-center",
                "meta:data-center", "oracle_hcm:oracle-data-center"):  # fmt: skip
        assert listed[key]["enabled"] is True
    assert listed["amazon:data-center"]["options"]["query"] == "data center"


def test_option_values_lose_one_pair_of_shell_quotes() -> None:
    from tracker.watchlist import parse_option

    assert parse_option('query="data center"') == ("query", "data center")
    assert parse_option("query='data center'") == ("query", "data center")
    assert parse_option("query=data center") == ("query", "data center")
    assert parse_option('query="a" and "b"') == ("query", '"a" and "b"')
