"""metacareers.com: one slice of Meta's career site (GraphQL persisted queries).

``POST https://www.metacareers.com/graphql`` (form fields ``lsd``, ``variables``, ``doc_id``;
headers ``X-FB-LSD``, ``Origin``, ``Referer``, ``Sec-Fetch-*``) runs the job search
(``CareersJobSearchResultsDataQuery``). The search is not paginated: one answer holds every
matching job (``data.job_search_with_featured_jobs.all_jobs[{id, title, locations, teams,
sub_teams}]``), so the slice is complete or the request fails. The answer is JSON served as
``text/html``. Details (``CandidatePortalJobDetailsViewQuery``: description and
``public_compensation[{compensation_amount_minimum: "$201,000/year", ...}]``) are fetched only
for new or changed jobs; an unknown job's detail is ``null`` (gone).

Options: ``query``; ``team`` (Meta's teams, ``"Data Center"``), ``sub_team``, ``office``
(``"Singapore"``), ``division``, ``role``; ``search_doc_id`` / ``detail_doc_id`` when Meta
redeploys its queries (they drift; see the module constants).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common, incremental
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_HOST = "www.metacareers.com"
SEARCH_DOC_ID = "27506805582236862"  # CareersJobSearchResultsDataQuery (2026-07)
DETAIL_DOC_ID = "27371134039243725"  # CandidatePortalJobDetailsViewQuery (2026-07)
LSD = "dc-hiring-tracker"
FILTERS = {
    "team": "teams",
    "sub_team": "sub_teams",
    "office": "offices",
    "division": "divisions",
    "role": "roles",
}


class Meta:
    """metacareers.com (Meta); token = a slice name, options query + team/office filters."""

    ats: ClassVar[str] = "meta"

    def search_variables(self, ref: SourceRef) -> dict[str, Any]:
        """The search query's variables."""
        search: dict[str, Any] = {"q": careers.query(ref) or None}
        for name in ("divisions", "offices", "roles", "leadership_levels", "saved_jobs"):
            search[name] = []
        search |= {"saved_searches": [], "sub_teams": [], "teams": []}
        for option, name in FILTERS.items():
            search[name] = careers.values(ref, option)
        search |= {"is_leadership": False, "is_remote_only": False, "sort_by_new": False}
        search |= {"page": 1, "results_per_page": None}
        return {"isLoggedIn": False, "search_input": search, "viewasUserID": None}

    async def graphql(
        self, client: HttpClient, ref: SourceRef, doc_id: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        """One persisted query -> its ``data`` object (JSON served as text/html)."""
        base = careers.base(ref, DEFAULT_HOST)
        headers = {
            "X-FB-LSD": LSD,
            "Origin": base,
            "Referer": f"{base}/jobsearch/",
            "Sec-Fetch-Dest": "empty",
            "Sec-Fetch-Mode": "cors",
            "Sec-Fetch-Site": "same-origin",
        }
        form = {"lsd": LSD, "variables": json.dumps(variables), "doc_id": doc_id}
        response = await client.request("POST", f"{base}/graphql", form=form, headers=headers)
        try:
            body = json.loads(response.body)
        except ValueError:
            raise SourceError(f"{ref.key}: {base}/graphql did not answer JSON") from None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            errors = body.get("errors") if isinstance(body, dict) else None
            raise SourceError(f"{ref.key}: GraphQL answered no data ({str(errors)[:120]})")
        return data

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """The whole slice in one search, plus details of new or changed jobs."""
        doc_id = careers.option(ref, "search_doc_id", SEARCH_DOC_ID) or SEARCH_DOC_ID
        data = await self.graphql(client, ref, doc_id, self.search_variables(ref))
        page = {"data": data}
        items = jobs_of([page], ref)
        detail_doc = careers.option(ref, "detail_doc_id", DETAIL_DOC_ID) or DETAIL_DOC_ID

        async def one(ident: str) -> Any:
            variables = {"renderLoggedInView": False, "requisitionID": ident, "viewasUserID": None}
            found = await self.graphql(client, ref, detail_doc, variables)
            return {"data": found} if found.get("xcp_requisition_job_description") else None

        return await careers.with_details(ref, [page], items, signature, one)

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Search answer(s) (+ details), or captured detail answers -> postings."""
        pages, details = careers.pages_and_details(payload, ref)
        if pages and all(detail_of(p) for p in pages):
            return [parse_job(as_item(detail_of(p)), p, i, ref) for i, p in enumerate(pages)]
        items = jobs_of(pages, ref)
        return [
            parse_job(item, details.get(ident), index, ref)
            for index, (ident, item) in enumerate(items.items())
        ]


def detail_of(answer: Any) -> dict[str, Any]:
    """``data.xcp_requisition_job_description`` of a detail answer, else {}."""
    data = common.opt_dict(common.opt_dict(answer).get("data"))
    return common.opt_dict(data.get("xcp_requisition_job_description"))


def as_item(detail: dict[str, Any]) -> dict[str, Any]:
    """A detail shaped as a search item."""
    teams = [common.opt_dict(t).get("name", t) for t in common.opt_list(detail.get("departments"))]
    return {**detail, "teams": teams}


def jobs_of(pages: list[Any], ref: SourceRef) -> dict[str, dict[str, Any]]:
    """``{id: job}`` over the search answers."""
    rows: list[Any] = []
    for number, page in enumerate(pages):
        data = common.opt_dict(common.opt_dict(page).get("data"))
        search = data.get("job_search_with_featured_jobs") or data.get("job_search")
        if isinstance(search, list):  # an older answer: the jobs themselves
            search = {"all_jobs": search}
        if not isinstance(search, dict):
            raise common.malformed(ref, f"answer #{number + 1} has no job search")
        rows += common.expect_jobs(search, ref, "all_jobs")
    return careers.unique_by(rows, ref, lambda job: job.get("id"))


def signature(item: dict[str, Any]) -> str:
    """Title, places and teams: what, changed, needs a fresh detail."""
    return incremental.signature(item.get("title"), item.get("locations"), item.get("teams"))


def rich_text(value: Any) -> str:
    """A double-encoded ``{"__html": ...}`` string (or a plain one) -> plain text."""
    text = common.opt_str(value)
    if not text:
        return ""
    try:
        decoded = json.loads(text)
        html = decoded.get("__html", "") if isinstance(decoded, dict) else str(decoded)
    except ValueError:
        html = text
    return common.html_to_text(html) if html else ""


def description(detail: dict[str, Any]) -> str | None:
    """Description and the qualification/responsibility lists as plain text."""
    parts = [rich_text(detail.get("description"))]
    for key in ("responsibilities", "minimum_qualifications", "preferred_qualifications"):
        items = [
            common.opt_str(common.opt_dict(i).get("item")) for i in common.opt_list(detail.get(key))
        ]
        parts.append("\n".join(i for i in items if i))
    text = common.clean_text("\n\n".join(p for p in parts if p))
    return text or None


def pay_texts(detail: dict[str, Any]) -> tuple[str, ...]:
    """``public_compensation`` as text lines (``$201,000/year - $278,000/year``)."""
    lines = []
    for comp in common.opt_list(detail.get("public_compensation")):
        comp = common.opt_dict(comp)
        values = [
            common.opt_str(comp.get(k))
            for k in ("compensation_amount_minimum", "compensation_amount_maximum")
        ]
        if any(values):
            lines.append("Salary: " + " - ".join(v for v in values if v))
    return tuple(lines)


def parse_job(item: dict[str, Any], detail: Any, index: int, ref: SourceRef) -> RawPosting:
    """One search job (with its detail when fetched) -> RawPosting."""
    info = detail_of(detail)
    ident = str(item.get("id") or info.get("id") or "").strip()
    if not ident:
        raise common.malformed(ref, f"job #{index + 1} has no 'id'")
    names = [
        common.opt_str(n) for n in common.opt_list(item.get("locations") or info.get("locations"))
    ]
    names_clean = [n for n in names if n]
    teams = [common.opt_str(t) for t in common.opt_list(item.get("teams"))]
    subs = [common.opt_str(t) for t in common.opt_list(item.get("sub_teams"))]
    text = description(info) if info else None
    extra = careers.detail_flags(signature(item), info or None)
    return RawPosting(
        external_id=ident,
        title=common.required_title(item, index, ref),
        url=f"https://{DEFAULT_HOST}/jobs/{ident}/",
        department=next((t for t in teams if t), None),
        team=next((t for t in subs if t), None),
        location_raw="; ".join(names_clean) or None,
        structured_places=tuple(Place(raw=n) for n in common.unique(names_clean)),
        remote=True if any("remote" in n.lower() for n in names_clean) else None,
        salary_texts=pay_texts(info) + (careers.pay_lines(text)),
        description=text,
        extra=extra,
    )
