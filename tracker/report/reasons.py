"""Short, readable reasons and turnover phrases for headlines. Pure.

Run errors are written for operators (``cannot connect to https://x/v1/boards/y/jobs: [Errno
111] Connection refused (after 4 attempts)``); a headline needs two or three words
(``unreachable``). The full error stays in ``tracker status`` and in the JSON.
"""

from __future__ import annotations

import re

MINUS = "\u2212"  # a true minus sign: "−1 closed"
_HTTP = re.compile(r"\bHTTP (\d{3})\b")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_ERRNO = re.compile(r"\[Errno [^\]]*\]\s*", re.IGNORECASE)
_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("never scraped",), "never scraped"),
    (("no successful run",), "no successful run"),
    (("timeout", "timed out"), "timed out"),
    (
        ("cannot connect", "connection refused", "name or service", "resolution", "unreachable"),
        "unreachable",
    ),
    (("truncated", "broken response"), "broken response"),
    (("expected json", "invalid json", "malformed", "not utf-8"), "unreadable response"),
    (("exceeds max_bytes",), "response too large"),
    (("pages",), "incomplete listing"),
    (("suspect",), "too many closures to trust"),
    (("being scraped", "lease", "lock"), "skipped (busy)"),
)
MAX_REASON = 40


def short_reason(error: str | None) -> str:
    """``HTTP 503 Service Unavailable from https://... (after 4 attempts)`` -> ``HTTP 503``."""
    if not error or not error.strip():
        return "no successful run"
    found = _HTTP.search(error)
    if found:
        return f"HTTP {found.group(1)}"
    lowered = error.lower()
    for needles, reason in _RULES:
        if any(needle in lowered for needle in needles):
            return reason
    text = _ERRNO.sub("", _URL.sub("", error)).strip(" :;,-")
    text = re.sub(r"^[a-z0-9_-]+:[^\s:]+:\s*", "", text)  # a leading "ats:token: "
    text = " ".join(text.split()) or "failed"
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1].rstrip() + "…"


def signed(value: int) -> str:
    """``3`` -> ``+3``, ``-2`` -> ``−2`` (true minus), ``0`` -> ``0``."""
    if value < 0:
        return f"{MINUS}{-value}"
    return f"+{value}" if value else "0"


def turnover(delta: int, opened: int, closed: int, since: str | None = None) -> str:
    """``unchanged: +1 opened, −1 closed`` / ``+3 since 13 Nov 2026`` / ``+3: +4 opened, −1
    closed``: the net move, and the turnover behind it when the net move does not tell it."""
    move = "unchanged" if delta == 0 else signed(delta)
    if since:
        move += f" since {since}"
    if (opened and closed) or ((opened or closed) and opened - closed != delta):
        move += f": +{opened} opened, {MINUS}{closed} closed"
    return move
