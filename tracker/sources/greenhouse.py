"""Greenhouse Job Board API: one GET returns the whole board."""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING, Any, ClassVar

from tracker.domain import Place, RawPosting, SalaryBand, SourceRef
from tracker.sources import common, fingerprint, prose
from tracker.sources.base import Validators

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

DEFAULT_BASE = "https://boards-api.greenhouse.io"
WORKPLACE_KEYS = ("location type", "workplace type")
PAY_SECTION = "content-pay-transparency"  # the class of the pay-transparency block


class Greenhouse:
    """Greenhouse job boards (boards-api.greenhouse.io); token = the board token."""

    ats: ClassVar[str] = "greenhouse"

    def url(self, ref: SourceRef) -> str:
        """The board's list endpoint."""
        return f"{common.base_url(ref, DEFAULT_BASE)}/v1/boards/{ref.token}/jobs"

    async def fetch(self, client: HttpClient, ref: SourceRef) -> Any:
        """``GET /v1/boards/{token}/jobs?content=true`` (conditional on the stored validators)."""
        return await client.get_json(
            self.url(ref), {"content": "true"}, validators=Validators.of(ref)
        )

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """``{"jobs": [...]}`` -> postings; any malformed job fails the whole board.

        Jobs whose raw fingerprint is the stored one are not parsed again (see
        :mod:`tracker.sources.fingerprint`).
        """
        jobs = [
            common.expect_job(job, i, ref) for i, job in enumerate(common.expect_jobs(payload, ref))
        ]
        items = [(common.required_id(job, i, ref), job) for i, job in enumerate(jobs)]
        return fingerprint.parse_items(items, ref, lambda i: parse_job(jobs[i], i, ref))


def parse_job(job: dict[str, Any], index: int, ref: SourceRef) -> RawPosting:
    """One Greenhouse job object -> RawPosting."""
    content = job.get("content")
    department, team = departments(job.get("departments"))
    return RawPosting(
        external_id=common.required_id(job, index, ref),
        title=common.required_title(job, index, ref),
        url=common.opt_str(job.get("absolute_url")),
        department=department,
        team=team,
        location_raw=common.opt_str(common.opt_dict(job.get("location")).get("name")),
        structured_places=offices(job.get("offices")),
        remote=remote_from_metadata(job.get("metadata")),
        salaries=pay_input_bands(job.get("pay_input_ranges")),
        salary_texts=escaped_salary_texts(content) if isinstance(content, str) else (),
        description=None,  # nothing reads it for Greenhouse: no HTML->text (issue 12)
        posted_at=common.parse_iso(job.get("first_published")),
        extra=_extra(job),
    )


def description_text(job: dict[str, Any]) -> str | None:
    """The job's ``content`` as plain text, for whatever comes to need it: ``parse_job`` leaves
    ``RawPosting.description`` empty because nothing reads it (HTML->text is the costliest step
    of a Greenhouse parse)."""
    content = unescape_content(job.get("content"))
    return common.html_to_text(content) if content else None


def unescape_content(value: Any) -> str | None:
    """``content`` is HTML whose markup is entity-escaped once: unescape it back to HTML.

    Entities inside the HTML (``&nbsp;``, ``&#39;``, ``&amp;``) are decoded by the HTML parser,
    which is the second unescape; doing it here instead would turn ``&lt;`` in text into a tag.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    return html.unescape(value)


def departments(value: Any) -> tuple[str | None, str | None]:
    """(department, team): the top department given, and its child if the job lists both."""
    items = [
        d for d in common.opt_list(value) if isinstance(d, dict) and common.opt_str(d.get("name"))
    ]
    if not items:
        return None, None
    ids = {d.get("id") for d in items}
    roots = [d for d in items if d.get("parent_id") not in ids] or items
    top = roots[0]
    children = [d for d in items if d is not top and d.get("parent_id") == top.get("id")]
    team = common.opt_str(children[0].get("name")) if children else None
    return common.opt_str(top.get("name")), team


def offices(value: Any) -> tuple[Place, ...]:
    """Offices as raw places: the normalized ``location`` string, else the office name."""
    places = []
    for office in common.opt_list(value):
        office = common.opt_dict(office)
        raw = common.opt_str(office.get("location")) or common.opt_str(office.get("name"))
        if raw:
            places.append(Place(raw=raw))
    return common.unique(places)


def remote_from_metadata(value: Any) -> bool | None:
    """True/False from a ``Location Type``/``Workplace Type`` field; None when absent."""
    for field in common.opt_list(value):
        field = common.opt_dict(field)
        name = str(field.get("name") or "").strip().lower()
        if name not in WORKPLACE_KEYS:
            continue
        choice = field.get("value")
        values = choice if isinstance(choice, list) else [choice]
        texts = [str(v).strip().lower() for v in values if isinstance(v, str) and v.strip()]
        if texts:
            return any(text == "remote" for text in texts)
    return None


def pay_input_bands(value: Any) -> tuple[SalaryBand, ...]:
    """``pay_input_ranges`` (amounts in cents) -> yearly structured bands, in board order."""
    bands = []
    for item in common.opt_list(value):
        item = common.opt_dict(item)
        low, high = common.number(item.get("min_cents")), common.number(item.get("max_cents"))
        if low is None and high is None:
            continue
        bands.append(
            SalaryBand(
                min=low / 100 if low is not None else None,
                max=high / 100 if high is not None else None,
                currency=common.opt_str(item.get("currency_type")),
                period="year",
                source="structured",
                label=common.opt_str(item.get("title")),
            )
        )
    return tuple(bands)


# The entities Greenhouse escapes its HTML with; "&amp;" last ("&amp;lt;" is the text "&lt;").
_ESCAPES = (
    ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&"),
)  # fmt: skip
_ESCAPED_ENTITY_MONEY = re.compile(
    r"&amp;(?:euro|pound|yen|#36|#x24|#8364|#163|#165);", re.IGNORECASE
)  # common._ENTITY_MONEY as it reads before the unescape


def plainly_escaped(value: str) -> bool:
    """True when every ``&`` of ``value`` starts one of :data:`_ESCAPES`: then unescaping is
    replacing each of them, piece by piece (a slice cut between two entities unescapes alone)."""
    return _OTHER_AMPERSAND.search(value) is None


# an "&" that starts none of _ESCAPES (one pass: counting each entity reads the text 7 times)
_OTHER_AMPERSAND = re.compile("&(?!" + "|".join(e[1:] for e, _ in _ESCAPES) + ")")


def unescape_plain(value: str) -> str:
    """``html.unescape`` of a :func:`plainly_escaped` string, without a callback per entity."""
    for entity, char in _ESCAPES:
        value = value.replace(entity, char)
    return value


def escaped_salary_texts(content: str) -> tuple[str, ...]:
    """``salary_texts(unescape_content(content))``, unescaping only the parts that can hold pay
    when the escaping is the plain one (the usual case: most of a description is prose
    without an amount, and unescaping it is the costliest step of a parse)."""
    if not content.strip():
        return ()
    if not plainly_escaped(content):
        return salary_texts(html.unescape(content))
    cut = content.find(PAY_SECTION)
    prose_part = content if cut < 0 else content[:cut]
    blocks: tuple[str, ...] = ()
    if cut >= 0:  # from the tag that holds the section: its "<", escaped or not
        start = max(0, content.rfind("&lt;", 0, cut), content.rfind("<", 0, cut))
        blocks = pay_transparency_texts(unescape_plain(content[start:]))
    lines: tuple[str, ...] = ()
    # the amount and entity tests read the same before and after a plain unescape: entities
    # start with "&" and end with ";", which no amount pattern takes in, next to a word or not
    if common.has_money(prose_part) or _ESCAPED_ENTITY_MONEY.search(prose_part):
        lines = prose.html_pay_lines(unescape_plain(prose_part))
    return common.unique((*blocks, *lines))


def salary_texts(content_html: str) -> tuple[str, ...]:
    """The pay-transparency blocks, then pay lines of the prose before them."""
    cut = content_html.find(PAY_SECTION)
    prose_html = content_html if cut < 0 else content_html[:cut]
    blocks = pay_transparency_texts(content_html)
    return common.unique((*blocks, *prose.html_pay_lines(prose_html)))


def pay_transparency_texts(content_html: str) -> tuple[str, ...]:
    """Each ``pay-input`` block of the pay-transparency section as ``"title range"``."""
    at = content_html.find(PAY_SECTION)
    if at < 0:
        return ()
    # only the section and what follows it: the prose before it (most of the HTML) is not parsed
    section = content_html[max(0, content_html.rfind("<", 0, at)) :]
    texts = plain_section_texts(section)
    return texts if texts is not None else parsed_section_texts(section)


def parsed_section_texts(section: str) -> tuple[str, ...]:
    """:func:`pay_transparency_texts` of a section, read by the HTML parser."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(section)
    texts = []
    for block in tree.css(".content-pay-transparency .pay-input"):
        title = " ".join(n.text(separator=" ", strip=True) for n in block.css(".title"))
        pay = " ".join(n.text(separator=" ", strip=True) for n in block.css(".pay-range"))
        texts.append(_block_text(title, pay))
    return common.unique(t for t in texts if t)


def _block_text(title: str, pay: str) -> str:
    text = common.clean_text(f"{title} {pay}".replace("\n", " "))
    return text if pay.strip() else ""


# The section as Greenhouse writes it (one or more blocks, no whitespace between tags, plain
# text in the title and the amounts): read without the HTML parser. Anything else, or a
# description that holds more than simple inline and list markup, goes to the parser.
_SECTION_OPEN = '<div class="content-pay-transparency">'
_TEXT = r"[^<&\r\x00\ud800-\udfff]*"  # text the HTML parser keeps as it is (one text node)
_PAY_BLOCK = re.compile(
    r'<div class="pay-input">'
    r'(?:<div class="description">(?P<desc>[^<]*(?:<(?!/?div)[^<]*)*)</div>)?'
    rf'<div class="title">(?P<title>{_TEXT})</div>'
    rf'<div class="pay-range"><span>(?P<low>{_TEXT})</span>'
    rf'<span class="divider">(?P<divider>&mdash;|&ndash;|{_TEXT})</span>'
    rf"<span>(?P<high>{_TEXT})</span></div></div>"
)
_DIVIDERS = {"&mdash;": "\u2014", "&ndash;": "\u2013"}
_SPACE = "[ \t\n\f\r]"
_ATTRIBUTES = (
    rf"(?:{_SPACE}+[^ \t\n\f\r\"'>/=]+"
    rf"(?:{_SPACE}*={_SPACE}*(?:\"[^\"]*\"|'[^']*'|[^ \t\n\f\r\"'=<>`]+))?)*"
)
_DESC_TAG = re.compile(rf"</?([A-Za-z][A-Za-z0-9]*){_ATTRIBUTES}{_SPACE}*/?>")
# tags that, inside the description div, cannot reach past its "</div>" or make one of the
# classes read here (formatting elements left open are re-created around later text, which
# keeps that text the same)
_DESC_TAGS = frozenset(
    {"p", "span", "strong", "b", "i", "em", "u", "s", "strike", "small", "sup", "sub", "br", "hr"}
    | {"a", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_DESC_WORDS = ("title", "pay-", "content-pay", "<div", "</div")


def plain_section_texts(section: str) -> tuple[str, ...] | None:
    """:func:`parsed_section_texts` of a section in the usual shape; None for any other."""
    if not section.startswith(_SECTION_OPEN):
        return None
    at = len(_SECTION_OPEN)
    texts = []
    while (block := _PAY_BLOCK.match(section, at)) is not None:
        desc = block["desc"]
        if desc and not _simple_markup(desc):
            return None
        divider = _DIVIDERS.get(block["divider"], block["divider"])
        parts = [part.strip() for part in (block["low"], divider, block["high"]) if part]
        texts.append(_block_text(block["title"].strip(), " ".join(parts)))
        at = block.end()
    if at == len(_SECTION_OPEN) or not section.startswith("</div>", at):
        return None
    if "pay-input" in section[at:].lower():  # another section further on
        return None
    return common.unique(t for t in texts if t)


@functools.lru_cache(maxsize=1024)
def _simple_markup(desc: str) -> bool:
    """The description holds only text and :data:`_DESC_TAGS` (memoized: boards repeat it)."""
    lower = desc.lower()
    if any(word in lower for word in _DESC_WORDS):
        return False
    if any(tag[1].lower() not in _DESC_TAGS for tag in _DESC_TAG.finditer(desc)):
        return False
    return "<" not in _DESC_TAG.sub("", desc)


def _extra(job: dict[str, Any]) -> dict[str, Any]:
    """Provenance worth keeping that has no RawPosting field."""
    keys = ("internal_job_id", "requisition_id", "updated_at", "language", "company_name")
    return {k: job[k] for k in keys if job.get(k) not in (None, "", [])}
