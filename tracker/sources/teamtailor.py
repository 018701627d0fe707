"""Teamtailor career sites: ``/jobs.json`` is a JSON Feed whose items carry a JobPosting."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import RawPosting, SourceRef
from tracker.sources import common, jsonld, prose
from tracker.sources.base import Validators

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient


class Teamtailor:
    """Teamtailor career sites ({token}.teamtailor.com/jobs.json); token = the subdomain."""

    ats: ClassVar[str] = "teamtailor"

    def url(self, ref: SourceRef) -> str:
        """The site's JSON Feed (regional sites such as ``x.na.teamtailor.com`` via api_base)."""
        return f"{common.base_url(ref, f'https://{ref.token}.teamtailor.com')}/jobs.json"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """``GET /jobs.json`` (conditional on the stored validators)."""
        return await client.get_json(self.url(ref), validators=Validators.of(ref))

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """``{"items": [...]}`` -> postings; any malformed item fails the whole board."""
        items = common.expect_jobs(payload, ref, key="items")
        return [parse_item(common.expect_job(item, i, ref), i, ref) for i, item in enumerate(items)]


def parse_item(item: dict[str, Any], index: int, ref: SourceRef) -> RawPosting:
    """One feed item -> RawPosting: its JobPosting for places/pay, the item for id/url/text."""
    external_id = common.required_id(item, index, ref)
    title = common.required_title(item, index, ref)
    posting = common.opt_dict(item.get("_jobposting"))
    url = common.opt_str(item.get("url"))
    raw = jsonld.to_raw({**posting, "title": title}, external_id, url, ref)
    html = common.opt_str(item.get("content_html"))
    text = common.html_to_text(html) if html else raw.description
    extra = {**raw.extra, "job_id": jsonld.identifier(posting)}
    return replace(
        raw,
        description=text or None,
        salary_texts=prose.pay_lines([text]) if text else (),
        posted_at=common.parse_iso(item.get("date_published")) or raw.posted_at,
        extra={k: v for k, v in extra.items() if v is not None},
    )
