"""The one HTTP client every source uses: JSON in, ``SourceError`` out.

``HttpClient`` wraps ``httpx.AsyncClient`` with the ``[scrape]`` settings:

- a request timeout and our User-Agent on every request;
- retries (``retries`` extra attempts) with exponential backoff plus jitter on connect errors,
  timeouts, broken or truncated responses, HTTP 429 and 5xx; ``Retry-After`` (seconds or an HTTP
  date) is honoured, capped at ``max_retry_after`` seconds;
- at most ``per_host`` requests in flight to one host (the slot is released while backing off);
- a response-size cap: the body is streamed and the request aborts past ``max_bytes``;
- any other 4xx fails at once, and a body that is not JSON (an HTML error page, a truncated
  document) fails with a message saying so.

Every failure is a ``SourceError`` whose message is one line naming the URL::

    async with HttpClient(settings.scrape) as client:
        payload = await client.get_json("https://api.lever.co/v0/postings/acme", {"mode": "json"})
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError

DEFAULT_MAX_RETRY_AFTER = 60.0
Params = Mapping[str, str | int | float | bool] | None


class _Retryable(Exception):
    """One failed attempt that may succeed if tried again."""

    def __init__(self, message: str, status: int | None = None, wait: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.wait = wait  # seconds asked for by Retry-After, if any


def one_line(text: str) -> str:
    """Collapse whitespace so an error message is always one line."""
    return " ".join(str(text).split())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date; None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """Async JSON client with retries, per-host limits and a size cap; an async context manager.

    ``backoff`` (base seconds) and ``max_retry_after`` (cap on any wait) default to the settings
    and 60 s; tests set them small. ``transport`` lets tests plug in an httpx transport.
    """

    def __init__(
        self,
        settings: ScrapeSettings | None = None,
        *,
        backoff: float | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or ScrapeSettings()
        self.timeout = float(self.settings.timeout)
        self.retries = max(0, int(self.settings.retries))
        self.max_bytes = int(self.settings.max_bytes)
        self.per_host = max(1, int(self.settings.per_host))
        self.backoff = float(self.settings.backoff if backoff is None else backoff)
        self.max_retry_after = float(max_retry_after)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": self.settings.user_agent, "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._client.aclose()

    async def get_json(self, url: str, params: Params = None) -> Any:
        """GET ``url`` (with query ``params``) and return the decoded JSON body."""
        return await self._request("GET", url, params=params)

    async def post_json(self, url: str, json_body: Any) -> Any:
        """POST ``json_body`` as JSON to ``url`` and return the decoded JSON body."""
        return await self._request("POST", url, json_body=json_body)

    async def _request(
        self, method: str, url: str, params: Params = None, json_body: Any = None
    ) -> Any:
        try:
            target = httpx.URL(url).copy_merge_params(params) if params else httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise SourceError(f"invalid URL {url!r}: {one_line(str(exc))}") from None
        attempts = self.retries + 1
        for attempt in range(attempts):
            try:
                async with self._host_slot(target):
                    return await self._attempt(method, target, json_body)
            except _Retryable as failure:
                if attempt + 1 >= attempts:
                    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
                    raise SourceError(failure.message + tries, failure.status) from None
                await asyncio.sleep(self._delay(attempt, failure.wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before the next attempt: Retry-After, else backoff with jitter."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        base = self.backoff * 2.0**attempt
        return min(base + random.uniform(0, self.backoff), self.max_retry_after)

    def _host_slot(self, url: httpx.URL) -> asyncio.Semaphore:
        host = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.per_host)
        return self._hosts[host]

    async def _attempt(self, method: str, url: httpx.URL, json_body: Any) -> Any:
        """One request: status check, capped body read, JSON decode."""
        try:
            async with self._client.stream(method, url, json=json_body) as response:
                _check_status(response, url)
                body = await self._read_capped(response, url)
        except httpx.TimeoutException:
            raise _Retryable(f"timeout after {self.timeout:g}s from {url}") from None
        except httpx.ConnectError as exc:
            detail = one_line(str(exc)) or type(exc).__name__
            raise _Retryable(f"cannot connect to {url}: {detail}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            detail = one_line(str(exc)) or type(exc).__name__
            raise _Retryable(f"truncated or broken response from {url}: {detail}") from None
        except httpx.HTTPError as exc:
            detail = one_line(str(exc)) or type(exc).__name__
            raise SourceError(f"request to {url} failed: {detail}") from None
        return decode_json(body, response.headers.get("content-type", ""), url)

    async def _read_capped(self, response: httpx.Response, url: httpx.URL) -> bytes:
        """Read the body, aborting as soon as it exceeds ``max_bytes``."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(_too_big(url, self.max_bytes, f"{int(declared)} bytes declared"))
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise SourceError(_too_big(url, self.max_bytes, f"over {size} bytes read"))
            chunks.append(chunk)
        return b"".join(chunks)


def _too_big(url: httpx.URL, limit: int, detail: str) -> str:
    return f"response from {url} exceeds max_bytes={limit} ({detail})"


def _check_status(response: httpx.Response, url: httpx.URL) -> None:
    """Raise for anything but 2xx: 429/5xx may be retried, other codes fail at once."""
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = f" {response.reason_phrase}" if response.reason_phrase else ""
    message = f"HTTP {status}{reason} from {url}"
    if status == 429 or status >= 500:
        wait = parse_retry_after(response.headers.get("retry-after"))
        raise _Retryable(message, status, wait)
    raise SourceError(message, status)


def decode_json(body: bytes, content_type: str, url: httpx.URL | str) -> Any:
    """Decode a JSON body, with a clear one-line error for HTML, empty or broken documents."""
    kind = content_type.split(";")[0].strip().lower() or "no content type"
    head = body[:512].lstrip().lower()
    if "html" in kind or head.startswith((b"<!doctype html", b"<html")):
        raise SourceError(f"expected JSON from {url}, got HTML ({kind})")
    if not body.strip():
        raise SourceError(f"expected JSON from {url}, got an empty body ({kind})")
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        message = f"invalid JSON from {url}: not UTF-8 text ({one_line(exc.reason)})"
    except json.JSONDecodeError as exc:
        message = f"truncated or invalid JSON from {url}: {exc.msg} at char {exc.pos}"
        message += f" of {len(body)} bytes"
    raise SourceError(message)
