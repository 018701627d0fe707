"""Greenhouse: fetch (URL, params, api_base) and parse (fields, salary, malformed payloads)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
import respx

from tests.loopback import LoopbackServer
from tests.sources.helpers import FIXTURES, load_fixture, make_ref
from tracker.domain import Place, RawPosting, SalaryBand
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.greenhouse import Greenhouse, description_text
from tracker.sources.http import HttpClient

SOURCE = Greenhouse()
FAST = ScrapeSettings(retries=0, backoff=0.01)


def fetch(api_base: str | None = None) -> Any:
    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await SOURCE.fetch(client, make_ref("greenhouse", api_base=api_base))

    return asyncio.run(go())


def parse_board() -> dict[str, RawPosting]:
    postings = SOURCE.parse(load_fixture("greenhouse", "board.json"), make_ref("greenhouse"))
    return {p.external_id: p for p in postings}


def test_fetch_public_endpoint() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(
            "https://boards-api.greenhouse.io/v1/boards/examplelabs/jobs",
            params={"content": "true"},
        ).respond(json={"jobs": []})
        assert fetch() == {"jobs": []}
    assert str(route.calls.last.request.url) == (
        "https://boards-api.greenhouse.io/v1/boards/examplelabs/jobs?content=true"
    )
    assert route.calls.last.request.headers["user-agent"].startswith("dc-hiring-tracker/")


def test_fetch_api_base_replaces_host() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("http://mirror.test:8080/gh/v1/boards/examplelabs/jobs").respond(
            json={"jobs": []}
        )
        fetch("http://mirror.test:8080/gh/")
    assert route.calls.last.request.url.params["content"] == "true"


def test_fetch_error_is_source_error() -> None:
    with respx.mock() as mock:
        mock.get(url__startswith="https://boards-api.greenhouse.io/").respond(
            404, json={"status": 404, "error": "Job not found"}
        )
        with pytest.raises(SourceError, match=r"^HTTP 404 Not Found from https://boards-api"):
            fetch()


def test_fetch_and_parse_over_loopback(board_server: LoopbackServer) -> None:
    board_server.add_file("/v1/boards/examplelabs/jobs", FIXTURES / "greenhouse" / "board.json")
    postings = SOURCE.parse(fetch(board_server.base_url), make_ref("greenhouse"))
    assert len(postings) == 4
    assert board_server.requests()[0].query == {"content": ["true"]}


def test_parse_data_center_role_in_tokyo() -> None:
    job = parse_board()["5227415008"]
    assert job.title == "Data Center Electrical Engineer"
    assert job.url == "https://job-boards.greenhouse.io/examplelabs/jobs/5227415008"
    assert job.department == "Compute" and job.team is None
    assert job.location_raw == "Tokyo, Japan"
    assert job.structured_places == (Place(raw="Tokyo, Tokyo, Japan"),)
    assert job.remote is False
    assert job.salaries == (
        SalaryBand(
            222800, 290000, "USD", period="year", source="structured", label="Annual Salary:"
        ),
    )
    assert job.salary_texts == ("Annual Salary: $222,800 — $290,000 USD",)
    assert job.posted_at == datetime(2026, 4, 10, 13, 30, tzinfo=UTC)
    assert job.posted_at is not None and job.posted_at.tzinfo is not None


def test_description_is_plain_text_on_demand() -> None:
    jobs = {str(j["id"]): j for j in load_fixture("greenhouse", "board.json")["jobs"]}
    assert parse_board()["5227415008"].description is None  # nothing reads it: not converted
    text = description_text(jobs["5227415008"])
    assert text is not None
    assert "switchgear, UPS & busway" in text
    assert "Work with utilities & vendors" in text  # &amp;nbsp; decoded, NBSP folded
    assert "<" not in text and "&" + "amp;" not in text
    energy = description_text(jobs["5227415010"])
    assert energy is not None and "Load is < 1 GW" in energy


def test_two_pay_transparency_blocks_and_child_department() -> None:
    job = parse_board()["5227415009"]
    assert job.title == "Data Center Operations Lead, APAC"  # trailing space stripped
    assert job.salaries == ()
    assert job.salary_texts == (
        "Australia Annual Pay Range A$210,000 — A$260,000 AUD",
        "Japan Annual Pay Range ¥24,000,000 — ¥31,000,000 JPY",
    )
    assert (job.department, job.team) == ("Compute", "Data Center Operations")
    assert job.location_raw == "Sydney, Australia | Remote-Friendly, Australia; Tokyo, Japan"
    assert [p.raw for p in job.structured_places] == [
        "Sydney, New South Wales, Australia",
        "Tokyo, Tokyo, Japan",
    ]
    assert all(p.city is None and p.country is None for p in job.structured_places)
    assert job.remote is False  # "Hybrid (Travel-Required)"


def test_remote_role_with_office_without_location() -> None:
    job = parse_board()["5227415010"]
    assert job.remote is True
    assert job.structured_places == (Place(raw="Remote - US"),)
    assert job.salaries == () and job.salary_texts == ()


def test_sparse_job() -> None:
    job = parse_board()["5227415011"]
    assert job.location_raw == "San Francisco, CA"
    assert job.department is None and job.team is None
    assert job.remote is None and job.posted_at is None
    assert job.structured_places == ()


def test_list_without_content() -> None:
    payload = load_fixture("greenhouse", "board_no_content.json")
    postings = SOURCE.parse(payload, make_ref("greenhouse"))
    assert [p.external_id for p in postings] == ["5227415008", "5227415011"]
    assert postings[0].description is None and postings[0].salary_texts == ()
    assert postings[1].remote is None  # metadata: []


def test_workplace_type_metadata() -> None:
    payload = {
        "jobs": [
            {
                "id": 1,
                "title": "Site Reliability Engineer",
                "metadata": [
                    {"name": "Is this job part of ACC?", "value": False, "value_type": "yes_no"},
                    {"name": "Workplace Type", "value": "Remote", "value_type": "single_select"},
                ],
            }
        ]
    }
    assert SOURCE.parse(payload, make_ref("greenhouse"))[0].remote is True


def test_empty_board_is_allowed() -> None:
    assert SOURCE.parse({"jobs": [], "meta": {"total": 0}}, make_ref("greenhouse")) == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "expected an object with a 'jobs' array, got an array"),
        ({"error": "not found"}, "expected an object with a 'jobs' array; keys: error"),
        ({"jobs": None}, "'jobs' is null, expected an array"),
        ({"jobs": ["x"]}, "job #1 is a string, expected an object"),
        ({"jobs": [{"id": 1, "title": "A"}, {"title": "B"}]}, "job #2 has no 'id'"),
        ({"jobs": [{"id": 1}]}, "job #1 (id 1) has no 'title'"),
        ({"jobs": [{"id": 2, "title": "  "}]}, "job #1 (id 2) has no 'title'"),
    ],
)
def test_malformed_payload(payload: Any, message: str) -> None:
    with pytest.raises(SourceError) as info:
        SOURCE.parse(payload, make_ref("greenhouse"))
    assert str(info.value).startswith("greenhouse:examplelabs: malformed payload: ")
    assert message in str(info.value)


def test_unknown_keys_are_fine() -> None:
    payload = {"jobs": [{"id": 9, "title": "Fleet Engineer", "brand_new_field": {"x": 1}}]}
    assert SOURCE.parse(payload, make_ref("greenhouse"))[0].title == "Fleet Engineer"
