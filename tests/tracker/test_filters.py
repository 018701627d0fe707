"""Issue 11 item 3: country names and aliases, several values per filter, and unknown values as
one line naming the nearest known ones (exit 2) — never a silent zero. Through the CLI, on the
shipped demo data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tracker.cli import app
from tracker.domain import RoleFilter
from tracker.filters import split_values


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--out", str(path), "--html", str(folder / "r.html")])
    assert result.exit_code == 0, result.output
    return str(path)


def roles(db: str, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["--db", db, "roles", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def countries(found: list[dict[str, object]]) -> set[str]:
    return {place["country"] for r in found for place in r["locations"]}  # type: ignore[attr-defined]


def refused(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", db, *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("name", "code"), [("Japan", "JP"), ("UK", "GB"), ("gb", "GB"),
                                            ("USA", "US"), ("united kingdom", "GB")])  # fmt: skip
def test_country_names_and_aliases(demo_db: str, name: str, code: str) -> None:
    by_name, by_code = roles(demo_db, "--country", name), roles(demo_db, "--country", code)
    assert by_name == by_code
    assert by_name, f"the demo has {code} roles"
    assert all(code in countries([r]) for r in by_name)


def test_several_values_comma_separated_or_repeated(demo_db: str) -> None:
    jp, au = roles(demo_db, "--country", "JP"), roles(demo_db, "--country", "AU")
    both = roles(demo_db, "--country", "JP,AU")
    assert both == roles(demo_db, "--country", "Japan", "--country", "au")
    assert {r["id"] for r in both} == {r["id"] for r in jp} | {r["id"] for r in au}
    assert len(both) > max(len(jp), len(au))
    two = roles(demo_db, "--company", "anthropic,ExampleDC")
    assert {r["company"] for r in two} == {"anthropic", "exampledc"}
    assert roles(demo_db, "--region", "apac", "--region", "EMEA")


def test_filters_combine_with_and(demo_db: str) -> None:
    found = roles(demo_db, "--company", "anthropic", "--country", "JP,AU")
    assert found and {r["company"] for r in found} == {"anthropic"}
    assert countries(found) & {"JP", "AU"}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("roles", "--company", "google"),
         "error: unknown company 'google' (known: anthropic, examplecloud, exampledc; "
         "see tracker sources list)"),
        (("roles", "--company", "anthropc"),
         "error: unknown company 'anthropc' (nearest: anthropic; see tracker sources list)"),
        (("count", "--by", "country", "--source", "greenhouse:nope"),
         "error: unknown source 'greenhouse:nope' (nearest: greenhouse:anthropic; "
         "see tracker sources list)"),
        (("diff", "--country", "Japn"),
         "error: unknown country 'Japn' (nearest: Japan (JP), Jordan (JO), Oman (OM))"),
        (("salaries", "--country", "JP,XX"),
         "error: unknown country 'XX' (use a country name or an ISO 3166-1 alpha-2 code "
         "such as JP)"),
        (("roles", "--region", "apak"), "error: unknown region 'apak' (nearest: APAC)"),
        (("roles", "--category", "dc_ops"),
         "error: unknown category 'dc_ops' (nearest: dc_operations)"),
    ],
)  # fmt: skip
def test_unknown_values_are_one_line_with_the_nearest(
    demo_db: str, args: tuple[str, ...], line: str
) -> None:
    assert refused(demo_db, *args) == line


def test_unknown_source_key_for_scrape(demo_db: str) -> None:
    line = refused(demo_db, "scrape", "lever:examplecloud", "ashby:exampledcc")
    assert line.startswith("error: unknown source 'ashby:exampledcc' (nearest: ashby:exampledc")


def test_split_values_and_plain_string_filters() -> None:
    assert split_values(["JP, AU", "JP", " ", "GB"]) == ("JP", "AU", "GB")
    assert split_values(None) == ()
    assert RoleFilter(company="anthropic").company == ("anthropic",)
    assert RoleFilter(country=None).country == ()


def test_unknown_company_for_scrape(demo_db: str) -> None:
    line = refused(demo_db, "scrape", "--company", "exampledcc")
    assert line == (
        "error: unknown company 'exampledcc' (nearest: exampledc, examplecloud; "
        "see tracker sources list)"
    )
