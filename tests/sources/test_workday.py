"""Workday CXS: parse (ids, "N Locations", details) and fetch against loopback boards.

Loopback boards (tests/sources/fakeboards.py) page, facet and cap like the real search: total
only on the first page, 2,000 results at most without facets.
"""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources.fakeboards import FakeJob, FakeWorkday, make_workday_jobs
from tests.sources.helpers import load_fixture
from tracker.domain import Place, SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient
from tracker.sources.workday import (
    Facet,
    Workday,
    choose_facet,
    external_ids,
    flatten_facets,
    list_signature,
    parse_detail,
)

SOURCE = Workday()
FAST = ScrapeSettings(retries=1, backoff=0.01, per_host=4)
HOST = "examplecompute.wd1.myworkdayjobs.com"
PATH2 = "/job/US-CA-Santa-Clara/Senior-Electrical-Engineer--Data-Center-Design_JR1000102"


def ref(**options: Any) -> SourceRef:
    opts = {"host": HOST, "site": "Careers", **options}
    return SourceRef("workday", "examplecompute", "Example Compute", "example-compute", opts)


def fetch(target: SourceRef, settings: ScrapeSettings = FAST) -> Any:
    async def go() -> Any:
        async with HttpClient(settings) as client:
            return await SOURCE.fetch(client, target)

    return asyncio.run(go())


def by_id(payload: Any) -> dict[str, Any]:
    return {p.external_id: p for p in SOURCE.parse(payload, ref())}


# -- parse ---------------------------------------------------------------------------------


def test_list_page_ids_and_places() -> None:
    jobs = by_id(load_fixture("workday", "jobs_page.json"))
    assert len(jobs) == 7
    assert set(jobs) == {
        "JR1000101",
        "JR1000102",
        "JR1000103",
        "JR1000104",  # the requisition posted twice keeps its id on the first posting
        "JR1000104-1",  # and the repost gets its path suffix
        "JR1000105",
        "/job/Israel-Yokneam/GPU-Fleet-Deployment-Lead_JR1000106",  # no bulletFields
    }
    three = jobs["JR1000102"]
    assert three.location_raw == "3 Locations"
    assert three.structured_places == (Place(raw="3 Locations"),)  # unknown, not invented
    assert three.url == f"https://{HOST}/Careers{PATH2}"
    assert three.description is None and three.posted_at is None
    assert three.extra["detail"] is False and three.extra["posted_on"] == "Posted 5 Days Ago"
    assert jobs["JR1000101"].structured_places == (Place(raw="US, TX, Abilene"),)
    assert jobs["JR1000103"].title == "(Sr.) Critical Facilities Engineer"


def test_details_fill_places_pay_and_dates() -> None:
    payload = {
        "pages": [load_fixture("workday", "jobs_page.json")],
        "details": {PATH2: load_fixture("workday", "job_detail.json")},
    }
    job = by_id(payload)["JR1000102"]
    assert job.structured_places == (
        Place(raw="US, CA, Santa Clara", country="US"),
        Place(raw="US, TX, Austin"),
        Place(raw="US, WA, Redmond"),
    )
    assert job.location_raw == "US, CA, Santa Clara"
    assert job.remote is False  # remoteType Hybrid
    assert job.posted_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert job.description and "single-line diagrams" in job.description
    assert any("168,000 USD - 264,500 USD" in t for t in job.salary_texts)
    assert job.url == f"https://{HOST}/Careers{PATH2}"  # same with or without detail
    assert job.extra["detail"] is True
    assert job.extra["legal_entity"] == "US01 Example Compute, Inc."
    assert (
        job.extra["signature"]
        == by_id(load_fixture("workday", "jobs_page.json"))["JR1000102"].extra["signature"]
    )


def test_gone_detail_keeps_the_list_entry() -> None:
    payload = {"pages": [load_fixture("workday", "jobs_page.json")], "details": {PATH2: None}}
    job = by_id(payload)["JR1000102"]
    assert job.extra["detail"] is False and job.location_raw == "3 Locations"


def test_array_of_pages_is_united_by_path() -> None:
    page = load_fixture("workday", "jobs_page.json")
    later = {"total": 0, "jobPostings": page["jobPostings"][5:]}
    assert len(SOURCE.parse([page, later], ref())) == 7


def test_detail_capture_on_its_own() -> None:
    job = parse_detail(load_fixture("workday", "job_detail.json"), ref())
    assert job.external_id == "JR1000102"
    assert job.extra["external_path"] == PATH2


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"total": 1, "jobPostings": [{"title": "No path"}]}, "has no 'externalPath'"),
        ({"total": 1, "jobPostings": [{"externalPath": "/job/x_1"}]}, "has no 'title'"),
        ({"total": 1}, "page #1 has no 'jobPostings' array"),
        ("<html>", "expected a page or an array of pages"),
        ({"pages": [], "details": []}, "'details' is an array"),
    ],
)
def test_malformed_payloads_fail(payload: Any, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        SOURCE.parse(payload, ref())


def test_external_ids_fall_back_when_suffixes_clash() -> None:
    items = {
        "/job/A/X_R1": {"bulletFields": ["R1"]},
        "/job/B/X_R1": {"bulletFields": ["R1"]},
        "/job/C/Y_R2": {"bulletFields": ["Full time"]},
    }
    assert external_ids(items) == {
        "/job/A/X_R1": "/job/A/X_R1",
        "/job/B/X_R1": "/job/B/X_R1",
        "/job/C/Y_R2": "/job/C/Y_R2",
    }


def test_signature_ignores_posted_on() -> None:
    item = load_fixture("workday", "jobs_page.json")["jobPostings"][0]
    assert list_signature(item) == list_signature({**item, "postedOn": "Posted 9 Days Ago"})
    assert list_signature(item) != list_signature({**item, "locationsText": "2 Locations"})


def test_facets_are_flattened_and_chosen_by_cover_then_cost() -> None:
    facets = flatten_facets(load_fixture("workday", "jobs_page.json")["facets"])
    assert [(f.param, f.total, f.nested) for f in facets] == [
        ("jobFamilyGroup", 7, False),
        ("timeType", 7, False),
        ("locationHierarchy1", 7, True),
        ("locations", 2, True),
    ]
    big = [
        Facet("jobFamilyGroup", (("a", 1500), ("b", 1000))),
        Facet("timeType", (("full", 2500),)),
        Facet("partial", (("x", 1200), ("y", 1100))),
        Facet("locations", (("s1", 1800), ("s2", 1800)), nested=True),
    ]
    chosen = choose_facet(big, {}, 2500)
    assert chosen is not None and chosen.param == "jobFamilyGroup"
    assert choose_facet(big, {"jobFamilyGroup": ["a"]}, 2500) == big[3]  # partial covers 2300
    assert choose_facet(big[1:3], {}, 2500) is None


# -- fetch over loopback -------------------------------------------------------------------


def test_reads_every_page_despite_later_totals_of_zero(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(45))
    payload = fetch(board.ref(details=False))
    assert [p["total"] for p in payload["pages"]] == [45, 0, 0]
    bodies = board.bodies()
    assert sorted(b["offset"] for b in bodies) == [0, 20, 40]
    assert all(b["limit"] == 20 and b["appliedFacets"] == {} for b in bodies)
    assert all(b["searchText"] == "" for b in bodies)
    postings = SOURCE.parse(payload, board.ref())
    assert len(postings) == 45 and len({p.external_id for p in postings}) == 45
    assert payload["details"] == {}
    assert json.loads(json.dumps(payload)) == payload  # JSON-able, for recordings


def test_server_page_size_smaller_than_asked(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(25), max_limit=10, details=False)
    payload = fetch(board.ref(details=False))
    assert sorted(b["offset"] for b in board.bodies()) == [0, 10, 20]
    assert len(SOURCE.parse(payload, board.ref())) == 25


def test_later_page_failing_fails_the_fetch(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(65), fail_offsets={40}, details=False)
    with pytest.raises(SourceError, match=r"HTTP 500 .* \(after 2 attempts\)"):
        fetch(board.ref(details=False))


def test_details_for_every_new_posting(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(22))
    payload = fetch(board.ref())
    assert len(payload["details"]) == 22
    assert board_server.count() == 2 + 22
    job = by_id(payload)["JR2000007"]
    assert job.extra["detail"] is True and job.description == "Rack and stack, shift 7."


def test_details_only_for_new_or_changed_postings(board_server: LoopbackServer) -> None:
    jobs = make_workday_jobs(30)
    board = FakeWorkday(board_server, jobs)
    known = {job.req: list_signature(job.item()) for job in jobs[:25]}
    known[jobs[3].req] = "an-older-signature"  # changed since: fetched again
    known[jobs[4].req] = None  # stored without detail: fetched now
    payload = fetch(board.ref(_known=known))
    assert sorted(payload["details"]) == sorted(j.path for j in [*jobs[3:5], *jobs[25:]])
    assert board_server.count(board.detail_path(jobs[0])) == 0
    postings = {p.external_id: p for p in SOURCE.parse(payload, board.ref())}
    assert postings[jobs[0].req].extra == {
        **postings[jobs[0].req].extra,
        "detail": False,
        "signature": known[jobs[0].req],
    }


def test_known_ids_as_a_list_and_details_off_and_capped(board_server: LoopbackServer) -> None:
    jobs = make_workday_jobs(10)
    board = FakeWorkday(board_server, jobs)
    assert len(fetch(board.ref(_known=[j.req for j in jobs[:8]]))["details"]) == 2
    assert fetch(board.ref(details="false"))["details"] == {}
    assert len(fetch(board.ref(max_details=3))["details"]) == 3


def test_detail_gone_is_kept_as_list_entry(board_server: LoopbackServer) -> None:
    jobs = make_workday_jobs(3)
    board = FakeWorkday(board_server, jobs)
    board_server.add(board.detail_path(jobs[1]), Reply(status=404, json={"error": "gone"}))
    payload = fetch(board.ref())
    assert payload["details"][jobs[1].path] is None
    assert len(SOURCE.parse(payload, board.ref())) == 3


def test_detail_failing_fails_the_fetch(board_server: LoopbackServer) -> None:
    jobs = make_workday_jobs(3)
    board = FakeWorkday(board_server, jobs)
    board_server.add(board.detail_path(jobs[2]), Reply(status=503))
    with pytest.raises(SourceError, match="HTTP 503"):
        fetch(board.ref())


def test_capped_board_is_split_by_job_family(board_server: LoopbackServer) -> None:
    jobs = [
        FakeJob(n, family=("ops", "eng", "energy")[n % 3] if n <= 2100 else "ops")
        for n in range(1, 2301)
    ]
    board = FakeWorkday(board_server, jobs, details=False)
    payload = fetch(board.ref(details=False))
    postings = SOURCE.parse(payload, board.ref())
    assert len(postings) == 2300
    applied = [b["appliedFacets"] for b in board.bodies()]
    assert {tuple(a) for a in applied} == {(), ("jobFamilyGroup",)}
    assert all(b["limit"] <= 20 for b in board.bodies())


def test_capped_slice_is_split_again(board_server: LoopbackServer) -> None:
    # Both facets have a value over the cap; inside the 2,200-posting "ops" slice (capped at
    # 2,000 again) the sites are 1,980 and 220.
    jobs = [
        FakeJob(n, family="ops" if n <= 2200 else "eng", sites=("reno" if n % 10 else "abilene",))
        for n in range(1, 2401)
    ]
    board = FakeWorkday(board_server, jobs, facets=("jobFamilyGroup", "locations"))
    payload = fetch(board.ref(details=False))
    assert len(SOURCE.parse(payload, board.ref())) == 2400
    nested = [b["appliedFacets"] for b in board.bodies() if len(b["appliedFacets"]) == 2]
    assert nested and all(set(a) == {"jobFamilyGroup", "locations"} for a in nested)


def test_capped_board_without_facets_fails(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(2050), facets=(), details=False)
    with pytest.raises(SourceError, match="cannot be read completely"):
        fetch(board.ref(details=False))
    assert board_server.count(board.search_path) == 1


def test_capped_board_whose_facets_miss_postings_fails(board_server: LoopbackServer) -> None:
    # 200 postings have no job family; the only complete facet (time type) has one value.
    jobs = [FakeJob(n, family=None if n > 2100 else ("a", "b")[n % 2]) for n in range(1, 2301)]
    board = FakeWorkday(board_server, jobs, facets=("jobFamilyGroup", "timeType"), details=False)
    with pytest.raises(SourceError, match=r"no facet splits all of its 2300\+ postings"):
        fetch(board.ref(details=False))


def test_split_that_comes_up_short_fails(board_server: LoopbackServer) -> None:
    jobs = [FakeJob(n, family=("a", "b")[n % 2]) for n in range(1, 2301)]
    board = FakeWorkday(board_server, jobs, details=False)
    original = board.search

    def shrinking(request: Any) -> Reply:  # slices silently lose their last 150 postings
        reply = original(request)
        body = json.loads(request.body)
        if body["appliedFacets"] and body["offset"] >= 1000:
            data = copy.deepcopy(reply.json)
            data["jobPostings"] = []
            return Reply(json=data)
        return reply

    board_server.add(board.search_path, shrinking, method="POST")
    with pytest.raises(SourceError, match="found 2000 postings but its facet counts show 2300"):
        fetch(board.ref(details=False))


def test_needs_host_and_site() -> None:
    bare = SourceRef("workday", "x", "X", "x", {"site": "S"})
    with pytest.raises(SourceError, match="needs the host option"):
        SOURCE.url(bare)
    with pytest.raises(SourceError, match="needs the site option"):
        SOURCE.url(SourceRef("workday", "x", "X", "x", {"host": "x.wd1.myworkdayjobs.com"}))


def test_public_urls() -> None:
    assert SOURCE.url(ref()) == f"https://{HOST}/wday/cxs/examplecompute/Careers/jobs"
    assert SOURCE.detail_url(ref(), PATH2) == (
        f"https://{HOST}/wday/cxs/examplecompute/Careers{PATH2}"
    )


def test_search_answer_without_postings_is_an_error(board_server: LoopbackServer) -> None:
    board = FakeWorkday(board_server, make_workday_jobs(1), details=False)
    board_server.add(board.search_path, Reply(json={"errorCode": "S22"}), method="POST")
    message = r"search page at offset 0 is an object without postings \(errorCode"
    with pytest.raises(SourceError, match=message):
        fetch(board.ref(details=False))
    board_server.add(board.search_path, Reply(json={"total": 0}), method="POST")
    assert SOURCE.parse(fetch(board.ref(details=False)), board.ref()) == []
