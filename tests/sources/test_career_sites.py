"""Career-site sources: parsing our fixtures, and paging/failing/slices against loopback sites."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.loopback import LoopbackServer, Reply
from tests.sources import careerboards as cb
from tests.sources.helpers import FIXTURES, load_fixture
from tracker.domain import SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources import get_source
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient

FAST = ScrapeSettings(retries=1, backoff=0.01, per_host=2)


def ref(ats: str, token: str = "dc", api_base: str | None = None, **options: Any) -> SourceRef:
    return SourceRef(ats, token, "Example Compute", "example-compute", options, api_base)


def fetch(target: SourceRef) -> Any:
    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await get_source(target.ats).fetch(client, target)

    return asyncio.run(go())


def parse(target: SourceRef, payload: Any) -> dict[str, Any]:
    return {p.external_id: p for p in get_source(target.ats).parse(payload, target)}


def text(ats: str, name: str) -> str:
    return (FIXTURES / ats / name).read_text(encoding="utf-8")


# -- parsing our fixtures ------------------------------------------------------------------


def test_amazon_pay_from_description_and_places() -> None:
    jobs = parse(ref("amazon"), load_fixture("amazon", "search_data_center.json"))
    assert list(jobs) == ["3101001", "3101002", "3101003"]
    tech = jobs["3101001"]
    assert (
        tech.url
        == "https://www.amazon.jobs/en/jobs/3101001/data-center-technician-aws-infrastructure"
    )
    assert tech.posted_at == datetime(2026, 10, 2, tzinfo=UTC)  # "October  2, 2026"
    assert tech.structured_places[0].country == "US" and tech.remote is False
    assert any("$52,400/year" in line for line in tech.salary_texts)
    energy = jobs["3101003"]
    assert energy.salary_texts[0] == "USA, WA, Seattle - 143,700.00 - 194,400.00 USD annually"
    assert [p.country for p in energy.structured_places] == ["US", "US"]


def test_eightfold_epoch_seconds_countries_and_details() -> None:
    target = ref("eightfold", host="apply.careers.microsoft.com")
    search = load_fixture("eightfold", "search_datacenter.json")
    detail = load_fixture("eightfold", "position_details_datacenter.json")
    jobs = parse(target, {"pages": [search], "details": {"1970325000001": detail}})
    tech = jobs["1970325000001"]
    assert tech.posted_at == datetime.fromtimestamp(1790294400, tz=UTC)
    assert tech.structured_places[0].country == "US"
    assert tech.salary_texts and "$20.14 - $39.71 per hour" in tech.salary_texts[0]
    assert tech.extra["detail"] is True
    assert tech.url == "https://apply.careers.microsoft.com/careers/job/1970325000001"
    other = jobs["1970325000002"]
    assert [p.country for p in other.structured_places] == ["IE", "NL"]
    assert other.extra["detail"] is False and other.description is None


def test_eightfold_domain_defaults_from_host() -> None:
    source = get_source("eightfold")
    assert "domain=microsoft.com" in source.search_url(
        ref("eightfold", host="apply.careers.microsoft.com"), 0
    )  # type: ignore[attr-defined]
    assert "domain=morganstanley.com" in source.search_url(
        ref("eightfold", host="morganstanley.eightfold.ai"), 0
    )  # type: ignore[attr-defined]
    url = source.search_url(
        ref(
            "eightfold",
            host="h.example",
            domain="x.com",
            filter_profession=["Datacenter", "Hardware"],
        ),
        10,
    )  # type: ignore[attr-defined]
    assert "domain=x.com" in url and "start=10" in url
    assert "filter_profession=Datacenter&filter_profession=Hardware" in url


def test_oracle_pascal_case_search_and_details() -> None:
    target = ref("oracle_hcm", host="eeho.fa.us2.oraclecloud.com", site="CX_45001")
    search = load_fixture("oracle_hcm", "search_data_center.json")
    detail = load_fixture("oracle_hcm", "details_310001.json")
    jobs = parse(target, {"pages": [search], "details": {"310001": detail}})
    first = jobs["310001"]
    assert (
        first.url
        == "https://eeho.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_45001/job/310001"
    )
    assert any("$87,400 to $178,200" in line for line in first.salary_texts)
    assert first.remote is False
    second = jobs["310002"]
    assert [p.raw for p in second.structured_places] == [
        "Frankfurt, Hesse, Germany",
        "Amsterdam, North Holland, Netherlands",
    ]
    alone = parse(target, detail)["310001"]  # a captured details answer on its own
    assert alone.title == "Data Center Critical Facilities Engineer"


def test_oracle_finder_carries_keyword_and_facets() -> None:
    source = get_source("oracle_hcm")
    target = ref("oracle_hcm", host="h", site="CX_1", query='data "center"', category="300000001")
    finder = source.finder(target, 50)  # type: ignore[attr-defined]
    assert finder.startswith("findReqs;siteNumber=CX_1,facetsList=NONE,limit=25,offset=50")
    assert 'keyword="data  center"' in finder and "selectedCategoriesFacet=300000001" in finder


def test_apple_search_and_details() -> None:
    target = ref("apple")
    search = load_fixture("apple", "search_data_center.json")
    detail = load_fixture("apple", "job_details_200611111.json")
    jobs = parse(target, {"pages": [search], "details": {"200611111": detail}})
    first = jobs["200611111"]
    assert first.team == "Operations and Supply Chain"
    assert first.structured_places[0].raw == "Mesa, Arizona, United States"
    assert any("$139,500 and $258,100" in line for line in first.salary_texts)
    assert jobs["200622222"].structured_places[0].raw == "Viborg, Denmark"
    assert parse(target, detail)["200611111"].title == "Data Center Electrical Engineer"


def test_meta_search_details_and_public_compensation() -> None:
    target = ref("meta")
    search = load_fixture("meta", "search_data_center.json")
    detail = load_fixture("meta", "job_detail_1200000000000001.json")
    jobs = parse(target, {"pages": [search], "details": {"1200000000000001": detail}})
    first = jobs["1200000000000001"]
    assert first.department == "Data Center" and first.team == "Facilities"
    assert first.salary_texts[0] == "Salary: $166,000/year - $227,000/year"
    assert "Meta's data centers need builders." in (first.description or "")
    assert [p.raw for p in first.structured_places] == ["Prineville, OR", "Los Lunas, NM"]
    assert jobs["1200000000000003"].remote is True
    assert list(parse(target, detail)) == ["1200000000000001"]


def test_google_results_page_and_data() -> None:
    target = ref("google")
    jobs = parse(target, text("google", "results_data_center.html"))
    tech = jobs["88110000000000001"]
    assert tech.structured_places[0].country == "US"
    assert "$69,000-$97,000" in tech.salary_texts[0]
    assert [p.country for p in jobs["88110000000000002"].structured_places] == ["IE", "GB"]
    assert jobs["88110000000000002"].remote is True


def test_google_page_without_data_fails() -> None:
    with pytest.raises(SourceError, match="no job data"):
        get_source("google").parse("<html><body>consent</body></html>", ref("google"))


def test_icims_cards() -> None:
    jobs = parse(ref("icims", "careers-examplecolo"), text("icims", "search_results.html"))
    first = jobs["4411"]
    assert first.title == "Critical Facilities Engineer" and first.location_raw == "US-VA-Ashburn"
    assert first.department == "Data Center Operations" and first.remote is False
    assert (
        first.url
        == "https://careers-examplecolo.icims.com/jobs/4411/critical-facilities-engineer/job"
    )
    assert first.salary_texts == (
        "Keep our Ashburn campus running. Pay range: $95,000 - $125,000 per year.",
    )


def test_successfactors_rows() -> None:
    target = ref("successfactors", "exampledc", host="careers.exampledc.com")
    jobs = parse(target, text("successfactors", "search_results.html"))
    assert list(jobs) == ["1122334401", "1122334402"]
    assert jobs["1122334402"].title == "Facility Manager (Data Center)"
    assert jobs["1122334401"].location_raw == "Singapore, SG"


def test_bamboohr_list_detail_and_compensation() -> None:
    target = ref("bamboohr", "examplecompute")
    listing = load_fixture("bamboohr", "careers_list.json")
    detail = load_fixture("bamboohr", "careers_41_detail.json")
    jobs = parse(target, {"list": listing, "details": {"41": detail}})
    assert jobs["41"].salary_texts[0] == "Compensation: $28 - $36 per hour"
    assert jobs["41"].location_raw == "Reno, Nevada, United States"
    assert jobs["42"].location_raw == "Austin, Texas, United States" and jobs["42"].remote is False
    assert (
        jobs["43"].remote is True
        and jobs["43"].url == "https://examplecompute.bamboohr.com/careers/43"
    )


def test_bamboohr_total_mismatch_fails() -> None:
    listing = load_fixture("bamboohr", "careers_list.json")
    listing["meta"]["totalCount"] = 4
    with pytest.raises(SourceError, match="totalCount is 4"):
        parse(ref("bamboohr", "x"), listing)


def test_rippling_entries_united_by_uuid_and_pay_bands() -> None:
    target = ref("rippling", "examplecompute")
    board = load_fixture("rippling", "board_jobs.json")
    detail = load_fixture("rippling", "job_detail.json")
    jobs = parse(target, {"board": board, "details": {detail["uuid"]: detail}})
    assert len(jobs) == 2
    tech = jobs["7d0e7f40-0000-4000-8000-000000000001"]
    assert [p.raw for p in tech.structured_places] == ["Dallas, TX", "Phoenix, AZ"]
    band = tech.salaries[0]
    assert (band.min, band.max, band.currency, band.period) == (31.0, 42.5, "USD", "hour")
    assert jobs["7d0e7f40-0000-4000-8000-000000000002"].remote is True


# -- loopback: paging, failing pages, requests -----------------------------------------------


def test_amazon_reads_every_page_with_its_filters(board_server: LoopbackServer) -> None:
    jobs = [cb.amazon_job(n) for n in range(230)]
    site = cb.FakeSite(
        board_server, "/en/search.json", jobs, 100, cb.amazon_page, cb.query_int("offset")
    )
    target = ref(
        "amazon",
        api_base=board_server.base_url,
        query="data center",
        business_category="aws",
        country=["USA", "IRL"],
    )
    payload = fetch(target)
    assert site.positions() == [0, 100, 200]
    query = board_server.requests("/en/search.json")[0].query
    assert query["base_query"] == ["data center"] and query["business_category[]"] == ["aws"]
    assert query["normalized_country_code[]"] == ["USA", "IRL"] and query["result_limit"] == ["100"]
    assert len(parse(target, payload)) == 230
    assert json.loads(json.dumps(payload)) == payload


def test_amazon_later_page_failing_fails_the_fetch(board_server: LoopbackServer) -> None:
    jobs = [cb.amazon_job(n) for n in range(230)]
    cb.FakeSite(
        board_server,
        "/en/search.json",
        jobs,
        100,
        cb.amazon_page,
        cb.query_int("offset"),
        fail={200},
    )
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(ref("amazon", api_base=board_server.base_url, query="data center"))


def test_amazon_soft_error_fails(board_server: LoopbackServer) -> None:
    board_server.add(
        "/en/search.json",
        Reply(json={"error": "Result limit cannot be greater than 100", "hits": 0, "jobs": None}),
    )
    with pytest.raises(SourceError, match="Result limit"):
        fetch(ref("amazon", api_base=board_server.base_url))


def test_short_pages_fail_instead_of_closing(board_server: LoopbackServer) -> None:
    """A site whose pages hold fewer postings than its total claims fails the run."""
    jobs = [cb.amazon_job(n) for n in range(150)]

    def wrap(items: list[Any], total: int) -> Any:
        return cb.amazon_page(items, 400)  # claims 400, holds 150

    cb.FakeSite(board_server, "/en/search.json", jobs, 100, wrap, cb.query_int("offset"))
    with pytest.raises(SourceError, match="claims 400 postings but its pages held 150"):
        fetch(ref("amazon", api_base=board_server.base_url))


def test_eightfold_pages_of_ten_and_details_only_for_new(board_server: LoopbackServer) -> None:
    jobs = [cb.eightfold_job(n) for n in range(25)]
    site = cb.FakeSite(
        board_server, "/api/pcsx/search", jobs, 10, cb.eightfold_page, cb.query_int("start")
    )
    detail = load_fixture("eightfold", "position_details_datacenter.json")
    board_server.add("/api/pcsx/position_details", Reply(json=detail))
    known = {str(900000 + n): None for n in range(24)}  # known, stored without detail
    known |= {str(900000 + n): "x" for n in range(20)}  # known with a different signature
    target = ref(
        "eightfold",
        api_base=board_server.base_url,
        host="apply.careers.microsoft.com",
        query="datacenter",
        _known=known,
    )
    payload = fetch(target)
    assert site.positions() == [0, 10, 20]
    assert board_server.requests("/api/pcsx/search")[0].query["domain"] == ["microsoft.com"]
    assert len(payload["details"]) == 25  # changed signatures, no-detail rows, and one new
    assert len(parse(target, payload)) == 25


def test_eightfold_later_page_failing(board_server: LoopbackServer) -> None:
    jobs = [cb.eightfold_job(n) for n in range(25)]
    cb.FakeSite(
        board_server,
        "/api/pcsx/search",
        jobs,
        10,
        cb.eightfold_page,
        cb.query_int("start"),
        fail={20},
    )
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(ref("eightfold", api_base=board_server.base_url, host="h.example", details=False))


def test_oracle_pages_by_finder_offset(board_server: LoopbackServer) -> None:
    path = "/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
    jobs = [cb.oracle_job(n) for n in range(60)]
    site = cb.FakeSite(board_server, path, jobs, 25, cb.oracle_page, cb.oracle_offset)
    target = ref(
        "oracle_hcm",
        api_base=board_server.base_url,
        host="h",
        site="CX_1",
        query="data center",
        details=False,
    )
    payload = fetch(target)
    assert site.positions() == [0, 25, 50]
    assert len(parse(target, payload)) == 60


def test_oracle_later_page_failing(board_server: LoopbackServer) -> None:
    path = "/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
    jobs = [cb.oracle_job(n) for n in range(60)]
    cb.FakeSite(board_server, path, jobs, 25, cb.oracle_page, cb.oracle_offset, fail={50})
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(
            ref("oracle_hcm", api_base=board_server.base_url, host="h", site="CX_1", details=False)
        )


def test_apple_fresh_token_per_page(board_server: LoopbackServer) -> None:
    jobs = [cb.apple_job(n) for n in range(45)]
    site = cb.FakeSite(
        board_server,
        "/api/v1/search",
        jobs,
        20,
        cb.apple_page,
        cb.apple_page_number,
        first=1,
        by_page=True,
        method="POST",
    )
    board_server.add("/api/v1/CSRFToken", Reply(json={}, headers={"x-apple-csrf-token": "a" * 64}))
    target = ref(
        "apple",
        api_base=board_server.base_url,
        query="data center",
        team="teamsAndSubTeams-OPMFG",
        details=False,
    )
    payload = fetch(target)
    assert site.positions() == [1, 2, 3]
    assert board_server.count("/api/v1/CSRFToken") == 3
    searches = board_server.requests("/api/v1/search")
    assert all(r.headers["x-apple-csrf-token"] == "a" * 64 for r in searches)
    assert json.loads(searches[0].body)["filters"] == {
        "teams": [{"team": "teamsAndSubTeams-OPMFG"}]
    }
    assert len(parse(target, payload)) == 45


def test_apple_without_token_fails(board_server: LoopbackServer) -> None:
    board_server.add("/api/v1/CSRFToken", Reply(json={}))
    with pytest.raises(SourceError, match="x-apple-csrf-token"):
        fetch(ref("apple", api_base=board_server.base_url))


def test_google_pages_by_number(board_server: LoopbackServer) -> None:
    path = "/about/careers/applications/jobs/results"
    jobs = [cb.google_job(n) for n in range(45)]
    site = cb.FakeSite(
        board_server,
        path,
        jobs,
        20,
        cb.google_html,
        cb.query_int("page", 1),
        first=1,
        by_page=True,
        html=True,
    )
    target = ref("google", api_base=board_server.base_url, query="data center", location="Ireland")
    payload = fetch(target)
    assert site.positions() == [1, 2, 3]
    assert board_server.requests(path)[0].query["location"] == ["Ireland"]
    assert len(parse(target, payload)) == 45


def test_google_later_page_failing(board_server: LoopbackServer) -> None:
    path = "/about/careers/applications/jobs/results"
    jobs = [cb.google_job(n) for n in range(45)]
    cb.FakeSite(
        board_server,
        path,
        jobs,
        20,
        cb.google_html,
        cb.query_int("page", 1),
        first=1,
        by_page=True,
        html=True,
        fail={3},
    )
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(ref("google", api_base=board_server.base_url))


def test_meta_one_graphql_search_with_team_filter(board_server: LoopbackServer) -> None:
    search = load_fixture("meta", "search_data_center.json")
    detail = load_fixture("meta", "job_detail_1200000000000001.json")

    def answer(request: Any) -> Reply:
        form = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
        body = search if form["doc_id"] == "27506805582236862" else detail
        return Reply(body=json.dumps(body), content_type='text/html; charset="utf-8"')

    board_server.add("/graphql", answer, method="POST")
    target = ref(
        "meta",
        api_base=board_server.base_url,
        team="Data Center",
        _known={"1200000000000002": None, "1200000000000003": None},
    )
    payload = fetch(target)
    first = board_server.requests("/graphql")[0]
    assert first.headers["x-fb-lsd"] and first.headers["sec-fetch-site"] == "same-origin"
    from urllib.parse import parse_qs

    variables = json.loads(parse_qs(first.body.decode())["variables"][0])
    assert variables["search_input"]["teams"] == ["Data Center"]
    assert set(payload["details"]) == {"1200000000000001", "1200000000000002", "1200000000000003"}
    assert len(parse(target, payload)) == 3


def test_icims_reads_every_page_and_fails_on_an_empty_later_page(
    board_server: LoopbackServer,
) -> None:
    page = text("icims", "search_results.html").replace("Page 1 of 1", "Page 1 of 3")
    empty = page.replace('<li class="iCIMS_JobCardItem">', '<li class="gone">')
    board_server.add(
        "/jobs/search",
        Reply(body=page, content_type="text/html"),
        Reply(body=page, content_type="text/html"),
        Reply(body=empty, content_type="text/html"),
    )
    with pytest.raises(SourceError, match="page 3 of 3 has no jobs"):
        fetch(
            ref("icims", "careers-examplecolo", api_base=board_server.base_url, query="data center")
        )
    assert [r.query["pr"] for r in board_server.requests("/jobs/search")] == [["0"], ["1"], ["2"]]
    assert board_server.requests("/jobs/search")[0].query["searchKeyword"] == ["data center"]


def test_successfactors_pages_by_startrow(board_server: LoopbackServer) -> None:
    page1 = text("successfactors", "search_results.html").replace("of <b>2</b>", "of <b>4</b>")
    page2 = page1.replace("1122334401", "1122334403").replace("1122334402", "1122334404")
    board_server.add(
        "/search/",
        lambda r: Reply(
            body=page1 if r.query["startrow"] == ["0"] else page2, content_type="text/html"
        ),
    )
    target = ref(
        "successfactors",
        "exampledc",
        api_base=board_server.base_url,
        host="careers.exampledc.com",
        facet_country="SG",
    )
    payload = fetch(target)
    # a full last page at the total: one more page is read (postings may have arrived)
    assert [r.query["startrow"] for r in board_server.requests("/search/")] == [["0"], ["2"], ["4"]]
    assert board_server.requests("/search/")[0].query["optionsFacetsDD_country"] == ["SG"]
    assert len(parse(target, payload)) == 4


def test_bamboohr_unknown_company_redirect_to_html_fails(board_server: LoopbackServer) -> None:
    board_server.add(
        "/careers/list", Reply(body="<html><body>BambooHR</body></html>", content_type="text/html")
    )
    with pytest.raises(SourceError, match="got HTML"):
        fetch(ref("bamboohr", "nobody", api_base=board_server.base_url))


def test_rippling_fetches_board_and_details(board_server: LoopbackServer) -> None:
    path = "/platform/api/ats/v1/board/examplecompute/jobs"
    board_server.add(path, Reply(json=load_fixture("rippling", "board_jobs.json")))
    detail = load_fixture("rippling", "job_detail.json")
    board_server.add(f"{path}/{detail['uuid']}", Reply(json=detail))
    board_server.add(f"{path}/7d0e7f40-0000-4000-8000-000000000002", Reply(status=404))
    target = ref("rippling", "examplecompute", api_base=board_server.base_url)
    payload = fetch(target)
    assert payload["details"]["7d0e7f40-0000-4000-8000-000000000002"] is None  # gone: kept
    assert len(parse(target, payload)) == 2


def test_required_options_are_named() -> None:
    with pytest.raises(SourceError, match="needs the host option"):
        get_source("eightfold").search_url(ref("eightfold"), 0)  # type: ignore[attr-defined]
    with pytest.raises(SourceError, match="needs the site option"):
        get_source("oracle_hcm").finder(ref("oracle_hcm", host="h"), 0)  # type: ignore[attr-defined]


def test_apple_later_page_failing(board_server: LoopbackServer) -> None:
    jobs = [cb.apple_job(n) for n in range(45)]
    cb.FakeSite(board_server, "/api/v1/search", jobs, 20, cb.apple_page, cb.apple_page_number,
                first=1, by_page=True, method="POST", fail={3})  # fmt: skip
    board_server.add("/api/v1/CSRFToken", Reply(json={}, headers={"x-apple-csrf-token": "b" * 64}))
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(ref("apple", api_base=board_server.base_url, details=False))


def test_successfactors_later_page_failing(board_server: LoopbackServer) -> None:
    page1 = text("successfactors", "search_results.html").replace("of <b>2</b>", "of <b>4</b>")
    board_server.add(
        "/search/",
        lambda r: (
            Reply(body=page1, content_type="text/html")
            if r.query["startrow"] == ["0"]
            else Reply(status=503)
        ),
    )
    target = ref("successfactors", "x", api_base=board_server.base_url, host="h.example")
    with pytest.raises(SourceError, match="HTTP 503"):
        fetch(target)


def test_meta_search_failing_is_an_error_not_an_empty_slice(board_server: LoopbackServer) -> None:
    board_server.add("/graphql", Reply(body='{"errors": [{"message": "doc_id"}]}'), method="POST")
    with pytest.raises(SourceError, match="GraphQL answered no data"):
        fetch(ref("meta", api_base=board_server.base_url))


def test_captured_job_pages_parse_as_one_posting() -> None:
    google = parse(ref("google"), text("google", "job_page.html"))
    assert list(google) == ["1007"]  # ds:0, not the similar jobs of ds:1
    icims = parse(ref("icims", "careers-examplecolo"), text("icims", "job_page.html"))["4411"]
    assert icims.title == "Critical Facilities Engineer"
    assert icims.salary_texts == ("Pay range: $95,000 - $125,000 per year.",)
    target = ref("successfactors", "exampledc", host="careers.exampledc.com")
    sf = parse(target, text("successfactors", "job_page.html"))["1122334401"]
    assert sf.location_raw == "Singapore, SG"
    assert sf.salary_texts == ("Salary range: SGD 84,000 - 108,000 per year.",)


def test_amazon_soft_error_capture_names_the_error() -> None:
    capture = {"error": "Result limit cannot be greater than 100", "hits": 0, "jobs": None}
    with pytest.raises(SourceError, match=r"amazon\.jobs answered an error: Result limit"):
        parse(ref("amazon"), capture)


def test_postings_arriving_mid_read_are_read_too(board_server: LoopbackServer) -> None:
    """Total 200 on the first page, 205 by the last: the full page at the total reads on."""
    jobs = [cb.amazon_job(n) for n in range(205)]

    def wrap(items: list[Any], total: int) -> Any:
        return cb.amazon_page(items, 200)

    site = cb.FakeSite(board_server, "/en/search.json", jobs, 100, wrap, cb.query_int("offset"))
    target = ref("amazon", api_base=board_server.base_url)
    assert len(parse(target, fetch(target))) == 205
    assert site.positions() == [0, 100, 200]


def test_a_site_ignoring_the_offset_is_not_crawled_forever(board_server: LoopbackServer) -> None:
    jobs = [cb.amazon_job(n) for n in range(100)]
    board_server.add("/en/search.json", Reply(json=cb.amazon_page(jobs, 300)))
    with pytest.raises(SourceError, match="claims 300 postings but its pages held 100"):
        fetch(ref("amazon", api_base=board_server.base_url))
    assert board_server.count("/en/search.json") == 2
