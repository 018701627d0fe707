"""The digest email: subject line and the MIME message. Pure (no SMTP here; see tracker.mail).

Structure (what mail clients expect for an HTML mail with an inline image)::

    multipart/alternative
      text/plain                 render_text(report)
      multipart/related
        text/html                render_html(report, chart_cid=...)  ->  <img src="cid:...">
        image/png                Content-ID: <...>, Content-Disposition: inline
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from tracker.diff import Report
from tracker.report.summary import countries_of, country_name

MAX_SUBJECT_COUNTRIES = 3
# Generating headers: Python folds a subject that starts with "[" before its first word
# ("Subject:\r\n [DC hiring] ..."), which clients show with a leading space. Bodies are encoded
# (76-column lines) when they are set, with the default policy, so only headers use this one.
HEADER_POLICY = policy.default.clone(max_line_length=998)


def new_countries(report: Report) -> list[str]:
    """Countries where a company posted its first role of the period, most new roles first."""
    had: dict[str, set[str]] = {}
    for role in report.start_roles:
        had.setdefault(role.company, set()).update(countries_of(role))
    fresh: Counter[str] = Counter()
    for role in report.opened:
        for country in countries_of(role) - had.get(role.company, set()):
            fresh[country] += 1
    return [c for c, _ in sorted(fresh.items(), key=lambda kv: (-kv[1], country_name(kv[0])))]


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def digest_subject(report: Report, prefix: str = "[DC hiring]") -> str:
    """``[DC hiring] 13 compute roles (+8), new in Japan and Australia``."""
    if report.all_unverified:
        count = report.sources
        which = "the only source" if count == 1 else f"all {count} sources"
        return f"{prefix} numbers unverified: {which} failed this period".strip()
    kind = "role" if report.include_all else "compute role"
    kind += "" if report.total_end == 1 else "s"
    move = f"{report.delta:+d}" if report.delta else "unchanged"
    head = f"{report.total_end} {kind} ({move})"
    countries = [country_name(c) for c in new_countries(report)]
    if countries:
        shown = countries[:MAX_SUBJECT_COUNTRIES]
        more = len(countries) - len(shown)
        tail = _and([*shown, f"{more} more"] if more else shown)
        head += f", new in {tail}"
    elif report.opened or report.closed:
        head += f", {len(report.opened)} new, {len(report.closed)} closed"
    if report.unverified:
        count = len(report.unverified)
        head += f"; {count} source{'s' if count != 1 else ''} unverified"
    return f"{prefix} {head}".strip()


def domain_of(address: str) -> str:
    """The domain of an address (``localhost`` when it has none)."""
    return address.rpartition("@")[2].strip(" >") or "localhost"


def digest_message_id(
    start: datetime, end: datetime, from_addr: str, recipients: Sequence[str], forced: bool
) -> str:
    """A Message-ID. Normal sends get a stable one per period and recipients, so a retry after
    an interrupted send carries the same id (mail clients drop the duplicate); forced re-sends
    get a fresh one."""
    domain = domain_of(from_addr)
    if forced:
        return make_msgid("digest", domain=domain)
    seed = "|".join([start.isoformat(), end.isoformat(), from_addr, *sorted(recipients)])
    digest = hashlib.sha256(seed.encode()).hexdigest()[:16]
    return f"<digest.{end:%Y%m%dT%H%MZ}.{digest}@{domain}>"


def chart_cid(message_id: str) -> str:
    """The chart's Content-ID (without angle brackets), unique per message."""
    local, _, domain = message_id.strip("<>").partition("@")
    return f"chart.{local}@{domain or 'localhost'}"


def build_message(
    *,
    subject: str,
    from_addr: str,
    to: Sequence[str],
    text: str,
    html: str,
    chart_png: bytes | None,
    cid: str | None,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """The multipart/alternative digest (see the module docstring)."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = from_addr
    msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    if chart_png is not None and cid is not None:
        html_part = msg.get_payload()[1]  # type: ignore[index]
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(
            chart_png,
            maintype="image",
            subtype="png",
            cid=f"<{cid}>",
            filename="chart.png",
            disposition="inline",
        )
    msg.policy = HEADER_POLICY
    return msg
