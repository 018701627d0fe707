"""Write the offline demo recordings in ``seeds/demo/`` (run: ``python seeds/demo/make_demo.py``).

Every posting below is invented for the demo; titles, places and pay follow the pattern of
public reporting on data-center hiring in 2026. The files use each ATS's real list-endpoint
format, so ``tracker ingest`` and ``tracker demo`` read them exactly like a live scrape:

- Greenhouse ``GET /v1/boards/{token}/jobs?content=true``: ``{"jobs": [...], "meta": {...}}``,
  ``content`` HTML-entity-escaped, pay only in a ``content-pay-transparency`` block;
- Lever ``GET /v0/postings/{site}?mode=json``: a bare array, ``salaryRange`` when published;
- Ashby ``GET /posting-api/job-board/{org}?includeCompensation=true``: ``{"jobs", "apiVersion"}``.

Deterministic: rerunning it rewrites identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
APRIL, NOVEMBER = "2026-04-20", "2026-11-20"
BOTH = (APRIL, NOVEMBER)


@dataclass(frozen=True)
class Role:
    """One invented posting and the recording dates on which its board lists it."""

    id: str
    title: str
    department: str
    location: str
    dates: tuple[str, ...]
    pay: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # date -> (min, max, cur)
    team: str = ""
    offices: tuple[str, ...] = ()
    published: str = "2026-03-02"
    extra: dict[str, Any] = field(default_factory=dict)

    def pay_on(self, day: str) -> tuple[int, int, str] | None:
        """The band published on ``day`` (the latest one at or before it)."""
        keys = sorted(k for k in self.pay if k <= day)
        return self.pay[keys[-1]] if keys else None


# --- Anthropic-like Greenhouse board -------------------------------------------------------

GH_OFFICES = {
    "Tokyo": (4012001008, "Tokyo, Japan", "Tokyo, Japan"),
    "Sydney": (4012002008, "Sydney, Australia", "Sydney, New South Wales, Australia"),
    "Melbourne": (4012003008, "Melbourne, Australia", "Melbourne, Victoria, Australia"),
    "London": (4012004008, "London, UK", "London, England, United Kingdom"),
    "SF": (4012005008, "San Francisco, CA", "San Francisco, California, United States"),
    "NYC": (4012006008, "New York City, NY", "New York, New York, United States"),
    "Seattle": (4012007008, "Seattle, WA", "Seattle, Washington, United States"),
    "DC": (4012008008, "Washington, DC", "Washington, District of Columbia, United States"),
    "Dallas": (4012009008, "Dallas, TX", "Dallas, Texas, United States"),
}
GH_DEPARTMENTS = {
    "Compute": 4019001008,
    "Sales": 4019002008,
    "Research": 4019003008,
    "Engineering": 4019004008,
    "Legal": 4019005008,
    "Public Policy": 4019006008,
    "Applied AI": 4019007008,
}
USD_APR, USD_NOV = (290_000, 365_000, "USD"), (300_000, 405_000, "USD")
ANTHROPIC_ROLES = [
    # Compute, closes before November.
    Role("5102000008", "Data Center Deal Sourcing, APAC", "Compute", "Sydney, Australia",
         (APRIL,), {APRIL: (380_000, 450_000, "AUD")}, offices=("Sydney",),
         published="2026-02-09"),
    Role("5102500008", "Data Center Site Selection Manager, Americas", "Compute", "Dallas, TX",
         (APRIL,), {APRIL: (210_000, 260_000, "USD")}, offices=("Dallas",),
         published="2026-03-09"),
    # Compute, open on both dates (Capacity Planning changes its band).
    Role("5102100008", "Capacity Planning Lead, Compute", "Compute",
         "San Francisco, CA | New York City, NY", BOTH, {APRIL: USD_APR, NOVEMBER: USD_NOV},
         offices=("SF", "NYC"), published="2026-01-26"),
    Role("5102200008", "Energy Procurement Lead", "Compute",
         "San Francisco, CA | Washington, DC", BOTH, {APRIL: (320_000, 400_000, "USD")},
         offices=("SF", "DC"), published="2026-03-16"),
    Role("5102300008", "Hardware Fleet Program Manager", "Compute",
         "Seattle, WA; San Francisco, CA", BOTH, {APRIL: (255_000, 320_000, "USD")},
         offices=("Seattle", "SF"), published="2026-03-30"),
    # Compute, new by November.
    Role("5107050008", "Data Center Electrical Engineer", "Compute", "Tokyo, Japan",
         (NOVEMBER,), {NOVEMBER: (17_000_000, 25_000_000, "JPY")}, offices=("Tokyo",),
         published="2026-09-28"),
    Role("5107100008", "Data Center Deal Sourcing Lead, Japan", "Compute", "Tokyo, Japan",
         (NOVEMBER,), {NOVEMBER: (30_000_000, 42_000_000, "JPY")}, offices=("Tokyo",),
         published="2026-10-05"),
    Role("5107200008", "Data Center Engineering Manager", "Compute", "Sydney, Australia",
         (NOVEMBER,), {NOVEMBER: (340_000, 410_000, "AUD")}, offices=("Sydney",),
         published="2026-09-14"),
    Role("5107300008", "Data Center Mechanical Engineer", "Compute", "Sydney, Australia",
         (NOVEMBER,), {NOVEMBER: (230_000, 290_000, "AUD")}, offices=("Sydney",),
         published="2026-09-21"),
    Role("5107400008", "Data Center Operations Lead", "Compute", "Melbourne, Australia",
         (NOVEMBER,), {NOVEMBER: (250_000, 310_000, "AUD")}, offices=("Melbourne",),
         published="2026-10-12"),
    Role("5107500008", "Critical Facilities Technician", "Compute", "Sydney, Australia",
         (NOVEMBER,), {NOVEMBER: (130_000, 165_000, "AUD")}, offices=("Sydney",),
         published="2026-10-19"),
    Role("5107600008", "Data Center Controls Engineer", "Compute", "Melbourne, Australia",
         (NOVEMBER,), {NOVEMBER: (220_000, 275_000, "AUD")}, offices=("Melbourne",),
         published="2026-10-26"),
    Role("5107700008", "Data Center Commissioning Engineer", "Compute",
         "Sydney, Australia | Melbourne, Australia", (NOVEMBER,),
         {NOVEMBER: (210_000, 265_000, "AUD")}, offices=("Sydney", "Melbourne"),
         published="2026-11-02"),
    Role("5107800008", "Data Center Deal Sourcing Lead, Europe", "Compute", "London, UK",
         (NOVEMBER,), {NOVEMBER: (225_000, 270_000, "GBP")}, offices=("London",),
         published="2026-10-28"),
    Role("5107900008", "Data Center Construction Program Manager", "Compute",
         "Remote-Friendly (Travel-Required) | San Francisco, CA", (NOVEMBER,),
         {NOVEMBER: (280_000, 350_000, "USD")}, offices=("SF",), published="2026-11-09"),
    # Other departments.
    Role("4988100008", "Account Executive, Enterprise", "Sales",
         "San Francisco, CA | New York City, NY", BOTH, {APRIL: (240_000, 300_000, "USD")},
         offices=("SF", "NYC"), published="2025-12-01"),
    Role("4988200008", "Research Engineer, Interpretability", "Research", "San Francisco, CA",
         BOTH, {APRIL: (315_000, 560_000, "USD")}, offices=("SF",), published="2025-11-17"),
    Role("4988300008", "Software Engineer, Infrastructure", "Engineering", "London, UK", BOTH,
         {APRIL: (250_000, 370_000, "GBP")}, offices=("London",), published="2026-01-12"),
    Role("4988400008", "Partner Sales Manager, Japan", "Sales", "Tokyo, Japan", BOTH,
         {APRIL: (20_000_000, 28_000_000, "JPY")}, offices=("Tokyo",), published="2026-02-23"),
    Role("4988500008", "Policy Lead, Australia", "Public Policy", "Sydney, Australia", BOTH,
         {APRIL: (250_000, 300_000, "AUD")}, offices=("Sydney",), published="2026-03-09"),
    Role("4988600008", "Product Counsel", "Legal", "San Francisco, CA | New York City, NY",
         (APRIL,), {APRIL: (300_000, 360_000, "USD")}, offices=("SF", "NYC")),
    Role("5108100008", "Applied AI Engineer, Tokyo", "Applied AI", "Tokyo, Japan", (NOVEMBER,),
         {NOVEMBER: (18_000_000, 30_000_000, "JPY")}, offices=("Tokyo",),
         published="2026-10-20"),
]  # fmt: skip

SYMBOL = {"USD": "$", "AUD": "$", "GBP": "£", "JPY": "¥", "EUR": "€", "SGD": "$"}


def gh_escape(markup: str) -> str:
    """Escape HTML the way the Greenhouse board API does (``&#39;``, ``&amp;nbsp;``)."""
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        markup = markup.replace(raw, entity)
    return markup.replace("'", "&#39;")


def gh_pay_block(pay: tuple[int, int, str]) -> str:
    """A ``content-pay-transparency`` block; the currency code follows only the max."""
    low, high, cur = pay
    sym = SYMBOL[cur]
    return (
        '<div class="content-pay-transparency"><div class="pay-input">'
        '<div class="description"><p>The annual base pay range for this role is below.&nbsp;'
        "Final pay depends on experience and location.</p></div>"
        '<div class="title">Annual Salary:</div><div class="pay-range">'
        f'<span>{sym}{low:,}</span><span class="divider">&mdash;</span>'
        f"<span>{sym}{high:,} {cur}</span></div></div></div>"
    )


def gh_content(role: Role, day: str) -> str:
    """The escaped ``content`` of one Greenhouse job: intro, body, pay block, conclusion."""
    team = "our compute organization" if role.department == "Compute" else "the team"
    body = (
        '<div class="content-intro"><p><strong>About this demo board</strong></p>'
        "<p>This posting was written for the dc-hiring-tracker demo; it is not a real job."
        "</p></div>"
        f"<h2>About the role</h2><p>As {role.title}, you'll join {team} and work with "
        "partners across regions to bring new capacity online.&nbsp;</p>"
        "<h2>You may be a good fit if you</h2><ul><li>Have shipped similar work before"
        "</li><li>Communicate clearly with technical and business partners</li></ul>"
    )
    pay = role.pay_on(day)
    if pay:
        body += gh_pay_block(pay)
    body += (
        '<div class="content-conclusion"><p>We welcome applicants from all backgrounds.</p></div>'
    )
    return gh_escape(body)


def gh_job(role: Role, day: str) -> dict[str, Any]:
    """One job of ``/v1/boards/anthropic/jobs?content=true``."""
    offset = "-04:00" if day < "2026-11-01" else "-05:00"
    location_type = "Hybrid (Travel-Required)" if "Remote" in role.location else "On-Site"
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/anthropic/jobs/{role.id}",
        "data_compliance": [
            {"type": "gdpr", "requires_consent": False, "requires_processing_consent": False,
             "requires_retention_consent": False, "retention_period": None,
             "demographic_data_consent_applies": False}
        ],
        "internal_job_id": int(role.id[:7]) - 1_000_000,
        "location": {"name": role.location},
        "metadata": [{"id": 4036342008, "name": "Location Type", "value": location_type,
                      "value_type": "single_select"}],
        "id": int(role.id),
        "updated_at": f"{day}T08:15:00{offset}",
        "requisition_id": f"R{role.id[2:6]}",
        "title": role.title,
        "company_name": "Anthropic",
        "first_published": f"{role.published}T10:00:00-05:00",
        "language": "en",
        "application_deadline": None,
        "content": gh_content(role, day),
        "departments": [{"id": GH_DEPARTMENTS[role.department], "name": role.department,
                         "child_ids": [], "parent_id": None}],
        "offices": [
            {"id": GH_OFFICES[o][0], "name": GH_OFFICES[o][1], "location": GH_OFFICES[o][2],
             "child_ids": [], "parent_id": None}
            for o in role.offices
        ],
        "ai_disclaimer": None,
        "include_ai_disclaimer": None,
        "ai_opt_out_request_url": None,
    }  # fmt: skip


def anthropic_board(day: str) -> dict[str, Any]:
    """The Greenhouse list payload on ``day``."""
    jobs = [gh_job(r, day) for r in ANTHROPIC_ROLES if day in r.dates]
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


# --- ExampleCloud (neocloud) on Lever ------------------------------------------------------

LEVER_ROLES = [
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c01", "Data Center Technician II",
         "Data Center Infrastructure", "Dallas, TX", BOTH, {APRIL: (38, 52, "USD")},
         team="Site Operations", extra={"interval": "per-hour-wage", "country": "US"}),
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c02", "Network Deployment Engineer",
         "Data Center Infrastructure", "Reno, NV", BOTH, {APRIL: (140_000, 185_000, "USD")},
         team="Fleet Deployment", extra={"country": "US"}),
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c03", "Senior Backend Engineer", "Engineering",
         "Remote - US", BOTH, {APRIL: (175_000, 225_000, "USD")}, team="Platform",
         extra={"country": "US", "workplaceType": "remote"}),
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c04", "Enterprise Account Executive", "Sales",
         "New York, NY", (APRIL,), team="Sales", extra={"country": "US"}),
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c05", "Data Center Site Lead, Sydney",
         "Data Center Infrastructure", "Sydney, NSW", (NOVEMBER,),
         {NOVEMBER: (210_000, 250_000, "AUD")}, team="Site Operations",
         extra={"country": "AU"}),
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c06", "Power & Energy Procurement Manager",
         "Data Center Infrastructure", "London, United Kingdom", (NOVEMBER,),
         {NOVEMBER: (120_000, 150_000, "GBP")}, team="Energy", extra={"country": "GB"}),
    Role("3f6c1a52-7d0e-4b8a-9c21-5e4f0a1b2c07", "Solutions Architect", "Sales",
         "Tokyo, Japan", (NOVEMBER,), team="Solutions", extra={"country": "JP"}),
]  # fmt: skip


def lever_posting(role: Role, day: str) -> dict[str, Any]:
    """One posting of ``/v0/postings/examplecloud?mode=json``."""
    text = f"ExampleCloud runs GPU clusters for AI teams. As {role.title} you will help us grow."
    posting: dict[str, Any] = {
        "additionalPlain": "This posting was written for the dc-hiring-tracker demo.",
        "additional": "<div>This posting was written for the dc-hiring-tracker demo.</div>",
        "categories": {"commitment": "Full-time", "department": role.department,
                       "location": role.location, "team": role.team,
                       "allLocations": [role.location]},
        "createdAt": _epoch_ms(role.published),
        "descriptionPlain": text,
        "description": f"<div>{text}</div>",
        "id": role.id,
        "lists": [{"text": "What you will do", "content": "<li>Keep capacity online</li>"}],
        "text": role.title,
        "country": role.extra.get("country"),
        "workplaceType": role.extra.get("workplaceType", "onsite"),
        "opening": f"<div>{text}</div>",
        "openingPlain": text,
        "descriptionBody": "<div>Demo body.</div>",
        "descriptionBodyPlain": "Demo body.",
        "hostedUrl": f"https://jobs.lever.co/examplecloud/{role.id}",
        "applyUrl": f"https://jobs.lever.co/examplecloud/{role.id}/apply",
    }  # fmt: skip
    pay = role.pay_on(day)
    if pay:
        interval = role.extra.get("interval", "per-year-salary")
        posting["salaryRange"] = {"min": pay[0], "max": pay[1], "currency": pay[2],
                                  "interval": interval}  # fmt: skip
    return posting


def _epoch_ms(day: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def examplecloud_board(day: str) -> list[dict[str, Any]]:
    """The Lever list payload (a bare array) on ``day``."""
    return [lever_posting(r, day) for r in LEVER_ROLES if day in r.dates]


# --- ExampleDC (data-center operator) on Ashby ---------------------------------------------

ASHBY_ROLES = [
    Role("0b9e3f1c-2a47-4d5e-8f60-71a2b3c4d501", "Critical Facilities Engineer",
         "Data Center Operations", "Ashburn, VA - US", BOTH,
         {APRIL: (115_000, 140_000, "USD")}, team="Critical Facilities",
         extra={"region": "VA", "country": "United States", "city": "Ashburn"}),
    Role("0b9e3f1c-2a47-4d5e-8f60-71a2b3c4d502", "Construction Project Manager, Singapore",
         "Construction", "Singapore", BOTH, {APRIL: (150_000, 190_000, "SGD")},
         team="Delivery", extra={"region": "", "country": "Singapore", "city": "Singapore"}),
    Role("0b9e3f1c-2a47-4d5e-8f60-71a2b3c4d503", "Financial Analyst", "Finance",
         "Denver, CO - US", BOTH, team="FP&A",
         extra={"region": "CO", "country": "United States", "city": "Denver"}),
    Role("0b9e3f1c-2a47-4d5e-8f60-71a2b3c4d504", "Electrical Commissioning Engineer",
         "Construction", "Osaka", (NOVEMBER,), {NOVEMBER: (12_000_000, 16_000_000, "JPY")},
         team="Delivery", extra={"region": "Osaka", "country": "Japan", "city": "Osaka"}),
    Role("0b9e3f1c-2a47-4d5e-8f60-71a2b3c4d505", "Data Center Operations Manager",
         "Data Center Operations", "Melbourne", (NOVEMBER,),
         {NOVEMBER: (180_000, 220_000, "AUD")}, team="Site Operations",
         extra={"region": "VIC", "country": "Australia", "city": "Melbourne"}),
]  # fmt: skip
ASHBY_PREFIX = {"USD": "$", "SGD": "SGD ", "JPY": "¥", "AUD": "A$"}


def _short(amount: int, cur: str) -> str:
    """Ashby's compact amounts: ``$115K``, ``¥12M``, ``SGD 150K``."""
    value = f"{amount // 1_000_000}M" if amount >= 1_000_000 else f"{amount // 1000}K"
    return f"{ASHBY_PREFIX[cur]}{value}"


def ashby_compensation(pay: tuple[int, int, str] | None) -> dict[str, Any]:
    """``compensation`` with one salary tier, or the all-null shape of a hidden band."""
    if pay is None:
        return {"compensationTierSummary": None, "scrapeableCompensationSalarySummary": None,
                "compensationTiers": [], "summaryComponents": []}  # fmt: skip
    low, high, cur = pay
    summary = f"{_short(low, cur)} – {_short(high, cur)}"
    component = {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": cur,
                 "minValue": low, "maxValue": high}  # fmt: skip
    return {
        "compensationTierSummary": summary,
        "scrapeableCompensationSalarySummary": summary.replace(" – ", " - "),
        "compensationTiers": [{"id": f"tier-{low}-{high}", "tierSummary": summary,
                               "title": None, "additionalInformation": None,
                               "components": [{"id": f"comp-{low}", "summary": summary,
                                               **component}]}],
        "summaryComponents": [component],
    }  # fmt: skip


def ashby_job(role: Role, day: str) -> dict[str, Any]:
    """One job of ``/posting-api/job-board/exampledc?includeCompensation=true``."""
    text = f"ExampleDC builds and runs data-center campuses. As {role.title} you will help."
    pay = role.pay_on(day)
    address = {"addressRegion": role.extra["region"], "addressCountry": role.extra["country"],
               "addressLocality": role.extra["city"]}  # fmt: skip
    return {
        "id": role.id,
        "title": role.title,
        "department": role.department,
        "team": role.team,
        "employmentType": "FullTime",
        "location": role.location,
        "shouldDisplayCompensationOnJobPostings": pay is not None,
        "secondaryLocations": [],
        "publishedAt": f"{role.published}T16:00:00.000+00:00",
        "isListed": True,
        "isRemote": False,
        "workplaceType": "OnSite",
        "address": {"postalAddress": address},
        "jobUrl": f"https://jobs.ashbyhq.com/exampledc/{role.id}",
        "applyUrl": f"https://jobs.ashbyhq.com/exampledc/{role.id}/application",
        "descriptionHtml": f"<p>{text}</p><p>Written for the dc-hiring-tracker demo.</p>",
        "descriptionPlain": f"{text}\n\nWritten for the dc-hiring-tracker demo.",
        "compensation": ashby_compensation(pay),
    }


def exampledc_board(day: str) -> dict[str, Any]:
    """The Ashby list payload on ``day``."""
    return {"jobs": [ashby_job(r, day) for r in ASHBY_ROLES if day in r.dates], "apiVersion": "1"}


def write(name: str, payload: Any) -> Path:
    """Write one recording as UTF-8 JSON (indented, so diffs stay readable)."""
    path = HERE / name
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main() -> None:
    """Write every recording for both demo dates."""
    for day in BOTH:
        write(f"greenhouse-anthropic-{day}.json", anthropic_board(day))
        write(f"lever-examplecloud-{day}.json", examplecloud_board(day))
        write(f"ashby-exampledc-{day}.json", exampledc_board(day))


if __name__ == "__main__":
    main()
