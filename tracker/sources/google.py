"""Google Careers: one slice of google.com/about/careers (Google, DeepMind, YouTube, ...).

``GET https://www.google.com/about/careers/applications/jobs/results?q=...&location=...&page=N``
is an HTML page whose data sits in a script: ``AF_initDataCallback({key: 'ds:1', ..., data:
[[job, ...], null, total, page_size], sideChannel: ...})``. A job is a positional array:
``0`` id, ``1`` title, ``3`` responsibilities HTML, ``4`` qualifications HTML, ``7`` company,
``9`` locations ``[[name, [address], area, postcode, city, country_code], ...]``, ``10`` about
HTML (where US postings state their base pay range), ``12`` created ``[seconds, nanos]``.
Pages (20 jobs each) are read until ``total`` is reached (complete or fail); a page without
that script (a consent or bot page, a redesign) fails the run, never reads as empty.

Options: ``query``; ``location`` (``"Taiwan"``, repeatable), ``company`` (``Google``,
``DeepMind``, ``YouTube``), ``employment_type`` (``FULL_TIME``), ``target_level``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from tracker.domain import Place, RawPosting, SourceRef
from tracker.sources import careers, common
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_HOST = "www.google.com"
PATH = "/about/careers/applications/jobs/results"
FILTERS = ("location", "company", "employment_type", "target_level", "skills", "degree")
_DS0 = re.compile(r"AF_initDataCallback\(\{key: 'ds:0',.*?data:(\[.*?\]), sideChannel", re.S)
_DS1 = re.compile(r"AF_initDataCallback\(\{key: 'ds:1',.*?data:(\[.*?\]), sideChannel", re.S)


class Google:
    """Google Careers (Google, DeepMind, YouTube); token = a slice name, options query + filters."""

    ats: ClassVar[str] = "google"

    def url(self, ref: SourceRef, page: int) -> str:
        """The results page ``page`` (1-based) of the slice."""
        params: list[tuple[str, str | int]] = []
        if careers.query(ref):
            params.append(("q", careers.query(ref)))
        for name in FILTERS:
            params += [(name, value) for value in careers.values(ref, name)]
        params += [("sort_by", "date"), ("page", page)]
        return f"{careers.base(ref, DEFAULT_HOST)}{PATH}?{urlencode(params)}"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """Every results page of the slice, as the extracted ``ds:1`` data arrays."""

        async def page(number: int) -> careers.Page:
            html = await client.get_text(self.url(ref, number))
            data = extract(html, ref, number)
            return careers.Page(data, data[0], careers.total_of(at(data, 2)))

        return {"pages": await careers.offset_pages(ref, page, job_id, start=1, step=1)}

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """``{"pages": [ds1, ...]}``, one ``ds:1`` array, or a captured results page (HTML)."""
        if isinstance(payload, str):
            record = detail_record(payload)  # a captured job page
            pages = [[[record], None, 1, 1]] if record else [extract(payload, ref, 1)]
        elif isinstance(payload, dict) and isinstance(payload.get("pages"), list):
            pages = payload["pages"]
        elif isinstance(payload, list) and isinstance(at(payload, 0), list):
            pages = [payload]
        else:
            raise common.malformed(ref, "expected Google's ds:1 results data or a results page")
        jobs: dict[str, list[Any]] = {}
        for number, data in enumerate(pages):
            rows = at(data, 0)
            if not isinstance(rows, list):
                raise common.malformed(ref, f"page {number + 1} has no job list")
            for index, row in enumerate(rows):
                if not isinstance(row, list) or not job_id(row):
                    raise common.malformed(ref, f"job #{index + 1} of page {number + 1} has no id")
                jobs.setdefault(job_id(row), row)
        return [parse_job(row, index, ref) for index, row in enumerate(jobs.values())]


def detail_record(html: str) -> list[Any] | None:
    """A job page's own job (``ds:0`` holds one job array), else None (a results page)."""
    match = _DS0.search(html)
    try:
        data = json.loads(match.group(1)) if match else None
    except ValueError:
        return None
    record = at(data, 0)
    if isinstance(record, list) and job_id(record).isdigit() and isinstance(at(record, 1), str):
        return record
    return None


def extract(html: str, ref: SourceRef, page: int) -> list[Any]:
    """The ``ds:1`` data array of a results page, else SourceError."""
    match = _DS1.search(html)
    if not match:
        raise SourceError(f"{ref.key}: results page {page} has no job data (consent or bot page?)")
    try:
        data = json.loads(match.group(1))
    except ValueError:
        raise SourceError(f"{ref.key}: results page {page} has unreadable job data") from None
    if not isinstance(data, list) or not isinstance(at(data, 0), list | type(None)):
        raise common.malformed(ref, f"results page {page}: ds:1 is not a list of jobs")
    if data[0] is None:
        data[0] = []
    return data


def at(row: Any, index: int) -> Any:
    """``row[index]`` for a list long enough, else None."""
    return row[index] if isinstance(row, list) and len(row) > index else None


def html_at(row: list[Any], index: int) -> str:
    """A ``[null, "<html>"]`` field as plain text."""
    value = at(at(row, index), 1)
    return common.html_to_text(value) if isinstance(value, str) and value.strip() else ""


def job_id(row: Any) -> str:
    value = at(row, 0)
    return value.strip() if isinstance(value, str) else ""


def places(row: list[Any]) -> tuple[Place, ...]:
    """Field 9: ``[name, [address], area, postcode, city, country_code]`` per place."""
    found = []
    for loc in at(row, 9) or []:
        name = common.opt_str(at(loc, 0))
        code = common.opt_str(at(loc, 5))
        if name:
            valid = code is not None and len(code) == 2 and code.isalpha()
            found.append(Place(raw=name, country=code.upper() if code and valid else None))
    return common.unique(found)


def parse_job(row: list[Any], index: int, ref: SourceRef) -> RawPosting:
    """One job array -> RawPosting."""
    title = common.opt_str(at(row, 1))
    if not title:
        raise common.malformed(ref, f"job #{index + 1} ({job_id(row)}) has no title")
    about, duties, quals = html_at(row, 10), html_at(row, 3), html_at(row, 4)
    text = common.clean_text("\n\n".join(t for t in (about, duties, quals) if t))
    located = places(row)
    created = at(at(row, 12), 0)
    posted = (
        datetime.fromtimestamp(created, tz=UTC)
        if isinstance(created, int) and not isinstance(created, bool) and created > 0
        else None
    )
    return RawPosting(
        external_id=job_id(row),
        title=title,
        url=f"https://{DEFAULT_HOST}{PATH}/{job_id(row)}",
        location_raw="; ".join(p.raw for p in located) or None,
        structured_places=located,
        remote=True if at(row, 16) == 1 else None,
        salary_texts=careers.pay_lines(text),
        description=text or None,
        posted_at=posted,
        extra={"company": common.opt_str(at(row, 7)) or "Google"},
    )
