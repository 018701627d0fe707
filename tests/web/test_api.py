"""``/api/*`` answers exactly what the CLI prints for ``--format json`` (both backends)."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from tests.helpers import Cli

CASES = [  # (path, the CLI's arguments)
    ("/api/roles", "roles"),
    ("/api/roles?country=Ireland&all=1", "roles --country Ireland --all"),
    ("/api/roles?company=Anthropic&at=2026-11-10", "roles --company Anthropic --at 2026-11-10"),
    ("/api/count?by=company,country", "count --by company,country"),
    (
        "/api/count?by=category&country=JP,IE&country=AU",
        "count --by category --country JP,IE --country AU",
    ),
    ("/api/diff", "diff"),
    (
        "/api/diff?from=2026-11-01&to=2026-11-20&by=city",
        "diff --from 2026-11-01 --to 2026-11-20 --by city",
    ),
    ("/api/diff?from=30d&region=EMEA", "diff --from 30d --region EMEA"),
    ("/api/trend?by=company", "trend --by company"),
    (
        "/api/trend?by=country&every=month&from=2026-09-01",
        "trend --by country --every month --from 2026-09-01",
    ),
]


@pytest.mark.parametrize(("path", "args"), CASES)
def test_api_equals_the_cli_json(client: TestClient, cli: Cli, path: str, args: str) -> None:
    expected = cli(*args.split(), "--format", "json").stdout
    got = client.get(path)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/json"
    assert got.json() == json.loads(expected)
    assert got.text == expected  # the same bytes, not only the same value
    assert got.json(), "an empty answer would prove nothing"


def test_head_answers_without_a_body(client: TestClient) -> None:
    got = client.head("/api/roles")
    assert got.status_code == 200
    assert got.content == b""


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/count", "missing by="),
        ("/api/count?by=planet", "bad --by 'planet'"),
        ("/api/trend?by=company,country", "trend takes one dimension"),
        ("/api/trend?by=company&every=day", "use week or month"),
        ("/api/roles?country=Narnia", "unknown country 'Narnia'"),
        ("/api/roles?company=anthropc", "nearest: anthropic"),
        ("/api/roles?source=lever:nope", "unknown source 'lever:nope'"),
        ("/api/roles?category=chef", "unknown category 'chef'"),
        ("/api/roles?at=yesterday", "bad date 'yesterday'"),
        ("/api/diff?from=2026-11-20&to=2026-11-01", "must be before"),
        ("/api/roles?all=maybe", "bad all='maybe'"),
    ],
)
def test_bad_input_is_a_400_with_the_one_line(client: TestClient, path: str, message: str) -> None:
    got = client.get(path)
    assert got.status_code == 400
    error = got.json()["error"]
    assert message in error
    assert "\n" not in error and "Traceback" not in got.text
