"""Discovery of the career sites and the operators' ATSs from their URLs and pages."""

from __future__ import annotations

from typing import Any

import pytest

from tracker.sources.discover import NotRecognized, discover

CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "https://www.amazon.jobs/en/search?base_query=data+center&business_category[]=aws",
        {"company": "Amazon", "ats": "amazon", "token": "data-center", "query": "data center",
         "business_category": ["aws"]},
    ),
    (
        "https://jobs.careers.microsoft.com/global/en/search?q=datacenter",
        {"company": "Microsoft", "ats": "eightfold", "token": "microsoft-datacenter",
         "query": "datacenter", "host": "apply.careers.microsoft.com"},
    ),
    (
        "https://morganstanley.eightfold.ai/careers",
        {"company": "Morganstanley", "ats": "eightfold", "token": "morganstanley",
         "host": "morganstanley.eightfold.ai"},
    ),
    (
        "https://eeho.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_45001/"
        "requisitions?keyword=data+center",
        {"company": "Oracle", "ats": "oracle_hcm", "token": "oracle-data-center",
         "query": "data center", "host": "eeho.fa.us2.oraclecloud.com", "site": "CX_45001"},
    ),
    (
        "https://jobs.apple.com/en-us/search?search=data%20center",
        {"company": "Apple", "ats": "apple", "token": "data-center", "query": "data center"},
    ),
    (
        "https://www.metacareers.com/jobs?teams[0]=Data%20Center",
        {"company": "Meta", "ats": "meta", "token": "data-center", "team": ["Data Center"]},
    ),
    (
        "https://www.google.com/about/careers/applications/jobs/results/?q=data%20center",
        {"company": "Google", "ats": "google", "token": "data-center", "query": "data center"},
    ),
    (
        "https://careers-examplecolo.icims.com/jobs/search?ss=1",
        {"company": "Examplecolo", "ats": "icims", "token": "careers-examplecolo"},
    ),
    (
        "https://examplecompute.bamboohr.com/careers/41",
        {"company": "Examplecompute", "ats": "bamboohr", "token": "examplecompute"},
    ),
    (
        "https://ats.rippling.com/examplecompute/jobs",
        {"company": "Examplecompute", "ats": "rippling", "token": "examplecompute"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("url", "entry"), CASES)
def test_career_site_urls(url: str, entry: dict[str, Any]) -> None:
    assert discover(url) == entry


def test_icims_portal_embedded_in_a_company_page() -> None:
    page = "<iframe src='https://careers-examplecolo.icims.com/jobs/search?in_iframe=1'></iframe>"
    assert discover("https://examplecolo.com/careers", page)["token"] == "careers-examplecolo"


def test_successfactors_site_by_its_markup() -> None:
    page = (
        "<span class='paginationLabel'>Results <b>1 – 2</b> of <b>2</b></span>"
        "<a class='jobTitle-link' href='/job/x/1/'>x</a>"
    )
    entry = discover("https://careers.exampledc.com/search/", page)
    assert entry == {"company": "Exampledc", "ats": "successfactors", "token": "exampledc",
                     "host": "careers.exampledc.com"}  # fmt: skip


def test_google_pages_outside_careers_are_not_boards() -> None:
    with pytest.raises(NotRecognized):
        discover("https://www.google.com/maps")
