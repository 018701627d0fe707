"""The one HTTP client every source uses: JSON (or HTML) in, ``SourceError`` out.

``HttpClient`` wraps ``httpx.AsyncClient`` with the ``[scrape]`` settings:

- a deadline on every request: ``timeout`` seconds for the whole attempt (connect, headers and
  the whole body, however slowly it drips), not per read; and our User-Agent;
- redirects are followed only on the same host (same scheme and port, or an http -> https
  upgrade of the same host name); any other target fails at once with a SourceError naming it;
- retries (``retries`` extra attempts) with exponential backoff plus jitter on connect errors,
  timeouts, broken or truncated responses, HTTP 429 and 5xx; ``Retry-After`` (seconds or an HTTP
  date) is honoured (plus up to 10 % jitter), capped at ``max_retry_after`` seconds;
- at most ``per_host`` requests in flight to one host (the slot is released while backing off);
- a response-size cap: the body is streamed and the request aborts past ``max_bytes``;
- any other 4xx fails at once, and a body that is not JSON (an HTML error page, a truncated
  document) fails with a message saying so;
- conditional requests: ``get_json(url, validators=Validators(etag, last_modified))`` sends
  ``If-None-Match`` / ``If-Modified-Since``; a 304 raises :class:`NotModified` (a
  ``SourceError`` subclass meaning "unchanged", not a failure). The validators of every
  conditional request's 200 response are kept in ``client.last_validators[url]`` (``url`` as
  passed, without params) and in the current :class:`FetchScope`;
- a per-run request budget: ``with client.scope(ref.key, budget=200) as scope:`` around one
  source's ``fetch`` counts that source's requests (every attempt, retries included) in
  ``scope.requests`` and raises :class:`BudgetExceeded` instead of making request 201. The
  scope also holds the source's new validators (``scope.validators``) and whether it was
  ``not_modified``. Scopes live in a context variable, so concurrent sources on one client
  each see their own (tasks started inside a scope share it).

Every failure is a ``SourceError`` whose message is one line naming the URL::

    async with HttpClient(settings.scrape, budget=500) as client:
        with client.scope_for(ref) as scope:
            payload = await client.get_json(url, {"mode": "json"}, validators=Validators.of(ref))
        scope.requests, scope.validators
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

from tracker.domain import SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import BudgetExceeded, NotModified, SameBody, SourceError, Validators
from tracker.sources.body import RawBody, decode_json, one_line
from tracker.sources.guard import refuse_off_host_redirect

__all__ = [
    "BudgetExceeded",
    "FetchScope",
    "HttpClient",
    "NotModified",
    "RawBody",
    "Response",
    "Validators",
    "decode_json",
    "parse_retry_after",
]

DEFAULT_MAX_RETRY_AFTER = 60.0
ACCEPT_JSON = "application/json"
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
Params = Mapping[str, str | int | float | bool] | None


class _Retryable(Exception):
    """One failed attempt that may succeed if tried again."""

    def __init__(self, message: str, status: int | None = None, wait: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.wait = wait  # seconds asked for by Retry-After, if any


@dataclass(frozen=True)
class Response:
    """A fully read response: final URL (after redirects), status, headers, body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    encoding: str | None = None

    def validators(self) -> Validators:
        """The response's ``ETag`` / ``Last-Modified`` (empty when it sent neither)."""
        return Validators(
            etag=self.headers.get("etag") or None,
            last_modified=self.headers.get("last-modified") or None,
        )

    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 by default; bad bytes replaced)."""
        try:
            return self.body.decode(self.encoding or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class FetchScope:
    """One source's requests in one run: count, budget, validators. See the module docstring."""

    key: str
    budget: int | None = None
    requests: int = 0
    validators: Validators | None = None  # set by the source's conditional request, if any
    not_modified: bool = False
    # Whole-board digests (lifecycle rule 2, :func:`tracker.sources.fingerprint.body_digest`):
    # with ``digest_seed`` set, the first JSON body read in this scope is digested raw into
    # ``body_digest``; one equal to ``same_digest`` raises SameBody before it is decoded, and
    # with ``raw_body`` the body comes back undecoded (a RawBody: the parse decodes it).
    digest_seed: bytes | None = None
    raw_body: bool = False
    same_digest: str | None = None
    body_digest: str | None = None

    def charge(self) -> None:
        """Count one request; BudgetExceeded if the budget is already spent."""
        if self.budget is not None and self.requests >= self.budget:
            raise BudgetExceeded(self.budget, self.key)
        self.requests += 1


_SCOPE: ContextVar[FetchScope | None] = ContextVar("tracker_fetch_scope", default=None)


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
    """Async JSON/HTML client with retries, per-host limits, budgets, conditional requests.

    ``backoff`` (base seconds) and ``max_retry_after`` (cap on any wait) default to the settings
    and 60 s; tests set them small. ``transport`` lets tests plug in an httpx transport.
    ``budget`` is the default request budget of each :meth:`scope` (None: unlimited; defaults
    to ``settings.budget`` when the settings have one); requests made outside any scope share
    one client-wide budget of the same size.
    """

    def __init__(
        self,
        settings: ScrapeSettings | None = None,
        *,
        backoff: float | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: int | None = None,
    ) -> None:
        self.settings = settings or ScrapeSettings()
        self.timeout = float(self.settings.timeout)
        self.retries = max(0, int(self.settings.retries))
        self.max_bytes = int(self.settings.max_bytes)
        self.per_host = max(1, int(self.settings.per_host))
        self.backoff = float(self.settings.backoff if backoff is None else backoff)
        self.max_retry_after = float(max_retry_after)
        default_budget = getattr(self.settings, "budget", None) if budget is None else budget
        self.budget: int | None = int(default_budget) if default_budget is not None else None
        self.last_validators: dict[str, Validators] = {}
        self.unscoped = FetchScope(key="(no source)", budget=self.budget)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": self.settings.user_agent, "Accept": ACCEPT_JSON},
            follow_redirects=True,
            transport=transport,
            event_hooks={"response": [refuse_off_host_redirect]},
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

    # -- scopes ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self, key: str, budget: int | None = None) -> Iterator[FetchScope]:
        """Count (and cap) the requests made inside the block as one source's run."""
        scope = FetchScope(key=key, budget=self.budget if budget is None else int(budget))
        token = _SCOPE.set(scope)
        try:
            yield scope
        finally:
            _SCOPE.reset(token)

    def scope_for(self, ref: SourceRef) -> contextlib.AbstractContextManager[FetchScope]:
        """``scope(ref.key)`` with the source's own ``budget`` option, else the default."""
        value = ref.options.get("budget")
        budget = int(value) if isinstance(value, int | str) and str(value).isdigit() else None
        return self.scope(ref.key, budget)

    def current_scope(self) -> FetchScope:
        """The scope requests are counted in right now (the client-wide one outside any)."""
        return _SCOPE.get() or self.unscoped

    # -- requests --------------------------------------------------------------------------
    async def get_json(
        self, url: str, params: Params = None, *, validators: Validators | None = None
    ) -> Any:
        """GET ``url`` (with query ``params``) and return the decoded JSON body.

        With ``validators`` the request is conditional: a 304 raises NotModified and the
        response's validators are recorded (``last_validators[url]``, ``scope.validators``).
        """
        response = await self.request("GET", url, params=params, validators=validators)
        scope = self.current_scope()
        if scope.digest_seed is not None:
            digest = None if scope.requests > 1 else body_digest(scope.digest_seed, response.body)
            scope.body_digest = digest
            if digest is not None and digest == scope.same_digest:
                raise SameBody(response.url, scope.validators or Validators(), digest)
        content_type = response.headers.get("content-type", "")
        if scope.raw_body and scope.requests == 1:
            return RawBody(response.body, content_type, str(response.url))
        return decode_json(response.body, content_type, response.url)

    async def post_json(
        self, url: str, json_body: Any, *, headers: Mapping[str, str] | None = None
    ) -> Any:
        """POST ``json_body`` as JSON to ``url`` and return the decoded JSON body."""
        response = await self.request("POST", url, json_body=json_body, headers=headers)
        return decode_json(response.body, response.headers.get("content-type", ""), response.url)

    async def get_text(
        self, url: str, params: Params = None, *, validators: Validators | None = None
    ) -> str:
        """GET an HTML (or any text) page and return it decoded."""
        response = await self.get_page(url, params, validators=validators)
        return response.text()

    async def get_page(
        self, url: str, params: Params = None, *, validators: Validators | None = None
    ) -> Response:
        """GET a page as text (``Accept: text/html``); the Response has the final URL."""
        return await self.request(
            "GET", url, params=params, validators=validators, accept=ACCEPT_HTML
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Params = None,
        json_body: Any = None,
        validators: Validators | None = None,
        accept: str = ACCEPT_JSON,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Response:
        """One logical request with retries; a 2xx Response or SourceError (NotModified).

        ``headers`` are extra request headers (career sites that want an Origin or a token);
        ``form`` sends a form-encoded body instead of ``json_body``.
        """
        try:
            target = httpx.URL(url).copy_merge_params(params) if params else httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise SourceError(f"invalid URL {url!r}: {one_line(str(exc))}") from None
        sent = {"Accept": accept, **(headers or {}), **(validators.headers() if validators else {})}
        scope = self.current_scope()
        attempts = self.retries + 1
        for attempt in range(attempts):
            scope.charge()
            try:
                async with self._host_slot(target):
                    response = await self._attempt(method, target, json_body, sent, form)
                break
            except _Retryable as failure:
                if attempt + 1 >= attempts:
                    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
                    raise SourceError(failure.message + tries, failure.status) from None
                await asyncio.sleep(self._delay(attempt, failure.wait))
        else:  # pragma: no cover - the loop either breaks or raises
            raise AssertionError("unreachable")
        if validators is not None:
            self._remember(url, scope, response, validators)
        elif response.status == 304:
            raise SourceError(f"unexpected HTTP 304 from {target} (no validators were sent)", 304)
        return response

    def _remember(self, url: str, scope: FetchScope, response: Response, sent: Validators) -> None:
        """Record a conditional request's validators; raise NotModified on a 304."""
        received = response.validators()
        if response.status == 304:
            kept = Validators(
                etag=received.etag or sent.etag,
                last_modified=received.last_modified or sent.last_modified,
            )
            self.last_validators[url] = scope.validators = kept
            scope.not_modified = True
            raise NotModified(response.url, kept)
        self.last_validators[url] = scope.validators = received

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before the next attempt: Retry-After, else backoff; both jittered."""
        if retry_after is not None:
            jitter = random.uniform(0, min(retry_after * 0.1, self.max_retry_after))
            return min(retry_after + jitter, self.max_retry_after)
        base = self.backoff * 2.0**attempt
        return min(base + random.uniform(0, self.backoff), self.max_retry_after)

    def _host_slot(self, url: httpx.URL) -> asyncio.Semaphore:
        host = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.per_host)
        return self._hosts[host]

    async def _attempt(
        self,
        method: str,
        url: httpx.URL,
        json_body: Any,
        headers: dict[str, str],
        form: Mapping[str, str] | None = None,
    ) -> Response:
        """One request: status check and capped body read, all within ``timeout`` seconds."""
        payload: dict[str, Any] = {"data": dict(form)} if form is not None else {"json": json_body}
        try:
            async with asyncio.timeout(self.timeout):
                async with self._client.stream(method, url, headers=headers, **payload) as resp:
                    _check_status(resp, url)
                    body = await self._read_capped(resp, url)
                    return Response(
                        url=str(resp.url),
                        status=resp.status_code,
                        headers=dict(resp.headers.items()),  # keys come lower-cased
                        body=body,
                        encoding=resp.charset_encoding,
                    )
        except (httpx.TimeoutException, TimeoutError):
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

    async def _read_capped(self, response: httpx.Response, url: httpx.URL) -> bytes:
        """Read the body, aborting as soon as it exceeds ``max_bytes``.

        A declared ``Content-Length`` over the cap fails before any byte is read. An unencoded,
        unchunked body declared under the cap is read in one go: the HTTP layer stops at the
        declared length, so it cannot grow past it. Anything else (chunked, gzip) is counted.
        """
        declared = response.headers.get("content-length", "")
        if declared.isdigit():
            if int(declared) > self.max_bytes:
                raise SourceError(_too_big(url, self.max_bytes, f"{int(declared)} bytes declared"))
            if _plain_body(response.headers):
                return await response.aread()
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise SourceError(_too_big(url, self.max_bytes, f"over {size} bytes read"))
            chunks.append(chunk)
        return b"".join(chunks)


def _plain_body(headers: httpx.Headers) -> bool:
    """True when the body is exactly the declared length: no transfer or content coding."""
    coding = headers.get("content-encoding", "identity").strip().lower()
    return "transfer-encoding" not in headers and coding in ("", "identity")


def _too_big(url: httpx.URL, limit: int, detail: str) -> str:
    return f"response from {url} exceeds max_bytes={limit} ({detail})"


def _check_status(response: httpx.Response, url: httpx.URL) -> None:
    """Raise for anything but 2xx/304: 429/5xx may be retried, other codes fail at once."""
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        return
    reason = f" {response.reason_phrase}" if response.reason_phrase else ""
    message = f"HTTP {status}{reason} from {url}"
    if status == 429 or status >= 500:
        wait = parse_retry_after(response.headers.get("retry-after"))
        raise _Retryable(message, status, wait)
    raise SourceError(message, status)


def body_digest(seed: bytes, body: bytes) -> str:
    """The digest of a whole board's raw body, salted with ``seed`` (see FetchScope)."""
    from tracker.sources.fingerprint import salted_digest

    return salted_digest(seed, body)
