"""Fake career sites for loopback tests: items and pages in each site's own format.

Each ``*_job(n)`` builds posting number ``n`` the way the site lists it; each ``*_page`` wraps
items and a total the way the site answers a search. ``FakeSite`` serves a slice of such jobs
on a :class:`tests.loopback.LoopbackServer`, paged by the site's own parameter, and can fail a
later page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import LoopbackServer, Recorded, Reply


def amazon_job(n: int, title: str = "Data Center Technician") -> dict[str, Any]:
    loc = {"countryIso2a": "US", "city": "Ashburn", "normalizedLocation": "Ashburn, Virginia, USA"}
    return {
        "id": f"uuid-{n}",
        "id_icims": str(3000000 + n),
        "title": f"{title} {n}",
        "job_path": f"/en/jobs/{3000000 + n}/data-center-technician",
        "location": "US, VA, Ashburn",
        "locations": [json.dumps({**loc, "type": "ONSITE"})],
        "normalized_location": "Ashburn, Virginia, USA",
        "description": "Keep the racks running.<br/><br/>USA, VA, Ashburn - 52,000.00 - 78,000.00 "
        "USD annually",
        "posted_date": "October  2, 2026",
        "job_category": "Data Center",
        "business_category": "aws",
    }


def amazon_page(items: list[Any], total: int) -> dict[str, Any]:
    return {"error": None, "hits": total, "facets": {}, "jobs": items}


def eightfold_job(n: int, title: str = "Datacenter Technician") -> dict[str, Any]:
    return {
        "id": 900000 + n,
        "displayJobId": f"2000{n}",
        "name": f"{title} {n}",
        "locations": ["San Antonio, Texas, United States"],
        "standardizedLocations": ["San Antonio, TX, US"],
        "postedTs": 1790000000,
        "department": "Cloud Operations + Innovation",
        "workLocationOption": "onsite",
        "atsJobId": f"2000{n}",
        "positionUrl": f"/careers/job/{900000 + n}",
    }


def eightfold_page(items: list[Any], total: int) -> dict[str, Any]:
    return {
        "status": 200,
        "error": {"message": "", "body": ""},
        "data": {"positions": items, "count": total, "sortBy": "timestamp"},
    }


def oracle_job(n: int, title: str = "Data Center Site Engineer") -> dict[str, Any]:
    return {
        "Id": str(500000 + n),
        "Title": f"{title} {n}",
        "PostedDate": "2026-10-01",
        "PrimaryLocation": "Abilene, TX, United States",
        "WorkplaceType": "On-site",
        "WorkplaceTypeCode": "ORA_ON_SITE",
        "secondaryLocations": [],
    }


def oracle_page(items: list[Any], total: int) -> dict[str, Any]:
    block = {"TotalJobsCount": total, "Limit": 25, "Offset": 0, "requisitionList": items}
    return {"items": [block], "count": 1, "hasMore": False, "limit": 25, "offset": 0}


def apple_job(n: int, title: str = "Data Center Facilities Engineer") -> dict[str, Any]:
    return {
        "id": f"{200700000 + n}-0157",
        "positionId": str(200700000 + n),
        "postingTitle": f"{title} {n}",
        "transformedPostingTitle": "data-center-facilities-engineer",
        "locations": [
            {"name": "Mesa", "countryName": "United States", "city": "", "stateProvince": ""}
        ],
        "postDateInGMT": "2026-09-30T12:00:00.000Z",
        "team": {"teamName": "Operations and Supply Chain", "teamCode": "OPMFG"},
        "homeOffice": False,
        "reqId": f"{200700000 + n}-0157",
    }


def apple_page(items: list[Any], total: int) -> dict[str, Any]:
    return {"res": {"searchResults": items, "totalRecords": total}}


def google_job(n: int, title: str = "Data Center Facilities Technician") -> list[Any]:
    about = (
        "<p>Keep Google's data centers running.</p><p>The US base salary range for this "
        "full-time position is $71,000-$99,000 + bonus + equity + benefits.</p>"
    )
    return [
        str(1000 + n),
        f"{title} {n}",
        "https://example.invalid/apply",
        [None, "<ul><li>Run the floor.</li></ul>"],
        [None, "<ul><li>2 years of experience.</li></ul>"],
        None,
        None,
        "Google",
        "en-US",
        [["Council Bluffs, IA, USA", [], None, "51501", "Council Bluffs", "US"]],
        [None, about],
        [1],
        [1790000000, 0],
    ]


def google_html(items: list[Any], total: int) -> str:
    data = json.dumps([items, None, total, 20])
    return (
        "<html><head><script>AF_initDataCallback({key: 'ds:1', hash: '2', data:"
        f"{data}, sideChannel: {{}}}});</script></head><body>"
        f'<span class="SWhIm">{total}</span> jobs matched</body></html>'
    )


@dataclass
class FakeSite:
    """A career site serving ``jobs`` on ``path``, ``size`` a page, paged by ``param``.

    ``first`` is the first page's position (0 offset, or page 1); ``by_page`` says whether the
    parameter counts pages (else items). ``fail`` lists positions that answer HTTP 500.
    ``read`` reads the position from a request; ``wrap`` builds a page; ``body`` serialises it.
    """

    server: LoopbackServer
    path: str
    jobs: list[Any]
    size: int
    wrap: Callable[[list[Any], int], Any]
    read: Callable[[Recorded], int]
    first: int = 0
    by_page: bool = False
    method: str = "GET"
    fail: set[int] = field(default_factory=set)
    html: bool = False

    def __post_init__(self) -> None:
        self.server.add(self.path, self.answer, method=self.method)

    def answer(self, request: Recorded) -> Reply:
        position = self.read(request)
        if position in self.fail:
            return Reply(status=500)
        start = (position - self.first) * self.size if self.by_page else position
        body = self.wrap(self.jobs[start : start + self.size], len(self.jobs))
        if self.html:
            return Reply(body=body, content_type="text/html; charset=utf-8")
        return Reply(json=body)

    def positions(self) -> list[int]:
        return [self.read(r) for r in self.server.requests(self.path)]


def query_int(name: str, default: int = 0) -> Callable[[Recorded], int]:
    """Read a position from a query parameter."""

    def read(request: Recorded) -> int:
        return int((request.query.get(name) or [str(default)])[0])

    return read


def oracle_offset(request: Recorded) -> int:
    finder = (request.query.get("finder") or [""])[0]
    part = next(p for p in finder.split(",") if p.startswith("offset="))
    return int(part.removeprefix("offset="))


def apple_page_number(request: Recorded) -> int:
    return int(json.loads(request.body)["page"])
