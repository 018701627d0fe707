"""A fetched JSON body, decoded where the CPU is free (see :class:`RawBody`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

from tracker.sources.base import SourceError


def one_line(text: str) -> str:
    """Collapse whitespace so an error message is always one line."""
    return " ".join(str(text).split())


@dataclass(frozen=True)
class RawBody:
    """A whole board's JSON body, not decoded yet. A scrape takes Greenhouse and Lever boards
    this way (``FetchScope.raw_body``): the event loop only fetches and digests them, and the
    parse (in the writer or a scrape worker) decodes them, with :func:`decode_json`'s errors."""

    body: bytes
    content_type: str
    url: str

    def json(self) -> Any:
        return decode_json(self.body, self.content_type, self.url)


def decoded(payload: Any) -> Any:
    """``payload`` itself, or the JSON of a :class:`RawBody`."""
    return payload.json() if isinstance(payload, RawBody) else payload


def decode_json(body: bytes, content_type: str, url: object) -> Any:
    """Decode a JSON body, with a clear one-line error for HTML, empty or broken documents."""
    kind = content_type.split(";")[0].strip().lower() or "no content type"
    head = body[:512].lstrip().lower()
    if "html" in kind or head.startswith((b"<!doctype html", b"<html")):
        raise SourceError(f"expected JSON from {url}, got HTML ({kind})")
    if not body.strip():
        raise SourceError(f"expected JSON from {url}, got an empty body ({kind})")
    try:
        return orjson.loads(body)  # fast path; errors are worded by the standard library below
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        message = f"invalid JSON from {url}: not UTF-8 text ({one_line(exc.reason)})"
    except json.JSONDecodeError as exc:
        message = f"truncated or invalid JSON from {url}: {exc.msg} at char {exc.pos}"
        message += f" of {len(body)} bytes"
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        message = f"invalid JSON from {url}: {one_line(str(exc))[:120]}"
    raise SourceError(message)
