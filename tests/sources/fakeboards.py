"""Loopback boards that answer like the real APIs: Workday CXS search and SmartRecruiters pages.

They serve generated postings through ``LoopbackServer`` functions, so offsets, page sizes,
facets and result caps behave as the real endpoints do::

    board = FakeWorkday(server, make_workday_jobs(45))
    ref = board.ref()                      # api_base = the server; host/site options set
    server.count(board.search_path)        # search requests received
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import LoopbackServer, Recorded, Reply
from tracker.domain import SourceRef


@dataclass(frozen=True)
class FakeJob:
    """One generated Workday posting."""

    number: int
    family: str | None = "ops"
    sites: tuple[str, ...] = ("abilene",)
    time_type: str = "full"

    @property
    def req(self) -> str:
        return f"JR{2000000 + self.number}"

    @property
    def title(self) -> str:
        return f"Data Center Technician {self.number}"

    @property
    def path(self) -> str:
        return f"/job/US-TX-Abilene/Data-Center-Technician-{self.number}_{self.req}"

    def item(self) -> dict[str, Any]:
        text = f"{len(self.sites)} Locations" if len(self.sites) > 1 else "US, TX, Abilene"
        return {
            "title": self.title,
            "externalPath": self.path,
            "locationsText": text,
            "postedOn": "Posted Today",
            "bulletFields": [self.req],
        }

    def detail(self) -> dict[str, Any]:
        return {
            "jobPostingInfo": {
                "id": f"id{self.number}",
                "title": self.title,
                "jobDescription": f"<p>Rack and stack, shift {self.number}.</p>",
                "location": "US, TX, Abilene",
                "additionalLocations": [f"US, TX, Site {s}" for s in self.sites[1:]],
                "startDate": "2026-09-01",
                "jobReqId": self.req,
                "externalUrl": f"https://examplecompute.wd1.myworkdayjobs.com/Careers{self.path}",
            },
            "hiringOrganization": {"name": "Example Compute", "url": ""},
        }


def make_workday_jobs(count: int, **kwargs: Any) -> list[FakeJob]:
    return [FakeJob(number=n, **kwargs) for n in range(1, count + 1)]


@dataclass
class FakeWorkday:
    """A Workday CXS site on a loopback server (search with facets and a cap, details)."""

    server: LoopbackServer
    jobs: list[FakeJob]
    tenant: str = "examplecompute"
    site: str = "Careers"
    cap: int = 2000
    max_limit: int = 20
    facets: tuple[str, ...] = ("jobFamilyGroup", "timeType", "locations")
    fail_offsets: set[int] = field(default_factory=set)
    details: bool = True

    def __post_init__(self) -> None:
        self.server.add(self.search_path, self.search, method="POST")
        if self.details:
            for job in self.jobs:
                self.server.add(self.detail_path(job), Reply(json=job.detail()))

    @property
    def search_path(self) -> str:
        return f"/wday/cxs/{self.tenant}/{self.site}/jobs"

    def detail_path(self, job: FakeJob) -> str:
        return f"/wday/cxs/{self.tenant}/{self.site}{job.path}"

    def ref(self, **options: Any) -> SourceRef:
        opts = {"host": "examplecompute.wd1.myworkdayjobs.com", "site": self.site, **options}
        return SourceRef(
            ats="workday",
            token=self.tenant,
            company="Example Compute",
            company_slug="example-compute",
            options=opts,
            api_base=self.server.base_url,
        )

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.server.requests(self.search_path)]

    def search(self, request: Recorded) -> Reply:
        body = json.loads(request.body)
        offset, limit = int(body["offset"]), min(int(body["limit"]), self.max_limit)
        if offset in self.fail_offsets:
            return Reply(status=500, json={"error": "boom"})
        if int(body["limit"]) > 20:
            return Reply(status=400, json={"error": "limit must be at most 20"})
        applied: dict[str, list[str]] = body.get("appliedFacets") or {}
        matched = [job for job in self.jobs if _matches(job, applied)]
        visible = matched[: self.cap]
        return Reply(
            json={
                "total": min(len(matched), self.cap) if offset == 0 else 0,
                "jobPostings": [job.item() for job in visible[offset : offset + limit]],
                "facets": self.facet_block(matched),
                "userAuthenticated": False,
            }
        )

    def facet_block(self, jobs: list[FakeJob]) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        counters = {
            "jobFamilyGroup": Counter(j.family for j in jobs if j.family),
            "timeType": Counter(j.time_type for j in jobs),
            "locations": Counter(s for j in jobs for s in j.sites),
        }
        for param in self.facets:
            values = [
                {"descriptor": value.title(), "id": value, "count": count}
                for value, count in sorted(counters[param].items())
            ]
            if param == "locations":
                inner = {"facetParameter": "locations", "descriptor": "Sites", "values": values}
                blocks.append({"facetParameter": "locationMainGroup", "values": [inner]})
            else:
                blocks.append({"facetParameter": param, "descriptor": param, "values": values})
        return blocks


def _matches(job: FakeJob, applied: dict[str, list[str]]) -> bool:
    fields = {
        "jobFamilyGroup": {job.family},
        "timeType": {job.time_type},
        "locations": set(job.sites),
    }
    return all(set(ids) & fields[param] for param, ids in applied.items())


@dataclass
class FakeSmartRecruiters:
    """A SmartRecruiters company on a loopback server (pages of at most 100, details)."""

    server: LoopbackServer
    count: int
    company: str = "ExampleStorage"
    fail_offsets: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.server.add(self.list_path, self.page)
        for number in range(1, self.count + 1):
            self.server.add(f"{self.list_path}/{self.posting_id(number)}", self.detail)

    @property
    def list_path(self) -> str:
        return f"/v1/companies/{self.company}/postings"

    def posting_id(self, number: int) -> str:
        return str(744000800000000 + number)

    def ref(self, **options: Any) -> SourceRef:
        return SourceRef(
            ats="smartrecruiters",
            token=self.company,
            company="Example Storage",
            company_slug="example-storage",
            options=options,
            api_base=self.server.base_url,
        )

    def item(self, number: int) -> dict[str, Any]:
        return {
            "id": self.posting_id(number),
            "name": f"Hardware Technician {number}",
            "company": {"identifier": self.company, "name": "Example Storage"},
            "releasedDate": "2026-09-01T10:00:00.000Z",
            "location": {
                "city": "Roseville",
                "region": "CA",
                "country": "us",
                "remote": False,
                "hybrid": False,
                "fullLocation": "Roseville, CA, United States",
            },
            "department": {},
            "customField": [],
        }

    def page(self, request: Recorded) -> Reply:
        offset = int(request.query.get("offset", ["0"])[0])
        limit = int(request.query.get("limit", ["10"])[0])
        if limit > 100:
            return Reply(status=400, json={"message": "limit must be at most 100"})
        if offset in self.fail_offsets:
            return Reply(status=503, json={"message": "unavailable"})
        numbers = range(offset + 1, min(self.count, offset + limit) + 1)
        return Reply(
            json={
                "offset": offset,
                "limit": limit,
                "totalFound": self.count,
                "content": [self.item(n) for n in numbers],
            }
        )

    def detail(self, request: Recorded) -> Reply:
        number = int(request.path.rsplit("/", 1)[1]) - 744000800000000
        data = {
            **self.item(number),
            "compensation": {"min": 40, "max": 55, "currency": "USD", "period": "HOURLY"},
            "jobAd": {"sections": {"jobDescription": {"title": "Job", "text": "<p>Racks.</p>"}}},
        }
        return Reply(json=data)
