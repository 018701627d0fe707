"""HttpClient against a real loopback server: retries, limits, caps and error messages."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import pytest

from tests.loopback import LoopbackServer, Reply
from tracker.domain import SourceRef
from tracker.settings import ScrapeSettings
from tracker.sources.base import BudgetExceeded, NotModified, SourceError, Validators
from tracker.sources.http import FetchScope, HttpClient, parse_retry_after

T = TypeVar("T")
FAST = ScrapeSettings(timeout=2, retries=2, backoff=0.01, per_host=2, user_agent="tracker-test/1")


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


async def get(url: str, settings: ScrapeSettings = FAST, **kwargs: Any) -> Any:
    async with HttpClient(settings, **kwargs) as client:
        return await client.get_json(url)


def fails(url: str, settings: ScrapeSettings = FAST, **kwargs: Any) -> SourceError:
    with pytest.raises(SourceError) as info:
        run(get(url, settings, **kwargs))
    message = str(info.value)
    assert "\n" not in message and message == message.strip()
    return info.value


def test_get_json_sends_user_agent_and_params(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(json={"jobs": [1, 2]}))

    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await client.get_json(board_server.url("/jobs"), {"content": "true"})

    assert run(go()) == {"jobs": [1, 2]}
    (request,) = board_server.requests("/jobs")
    assert request.headers["user-agent"] == "tracker-test/1"
    assert request.query == {"content": ["true"]}


def test_post_json_sends_body(board_server: LoopbackServer) -> None:
    board_server.add("/search", Reply(json={"total": 0}), method="POST")

    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await client.post_json(board_server.url("/search"), {"limit": 20})

    assert run(go()) == {"total": 0}
    (request,) = board_server.requests("/search")
    assert request.method == "POST" and request.body == b'{"limit":20}'


def test_retries_503_then_succeeds(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(status=503), Reply(status=502), Reply(json=[]))
    assert run(get(board_server.url("/jobs"))) == []
    assert board_server.count("/jobs") == 3


def test_honours_retry_after_seconds(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(status=429, headers={"Retry-After": "1"}), Reply(json=[]))
    started = time.monotonic()
    assert run(get(board_server.url("/jobs"))) == []
    assert time.monotonic() - started >= 0.99
    assert board_server.count("/jobs") == 2


def test_caps_retry_after(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(status=503, headers={"Retry-After": "3600"}), Reply(json=[]))
    started = time.monotonic()
    assert run(get(board_server.url("/jobs"), max_retry_after=0.05)) == []
    assert time.monotonic() - started < 2


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_persistent_503_fails_after_retries(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(status=503))
    error = fails(board_server.url("/jobs"))
    assert str(error) == (
        f"HTTP 503 Service Unavailable from {board_server.url('/jobs')} (after 3 attempts)"
    )
    assert error.status == 503
    assert board_server.count("/jobs") == 3


def test_404_fails_at_once(board_server: LoopbackServer) -> None:
    error = fails(board_server.url("/v1/boards/nobody/jobs"))
    assert str(error) == f"HTTP 404 Not Found from {board_server.url('/v1/boards/nobody/jobs')}"
    assert error.status == 404
    assert board_server.count() == 1


def test_timeout(board_server: LoopbackServer) -> None:
    board_server.add("/slow", Reply(json=[], delay=3))
    settings = ScrapeSettings(timeout=0.2, retries=1, backoff=0.01)
    started = time.monotonic()
    error = fails(board_server.url("/slow"), settings)
    assert str(error).startswith("timeout after 0.2s from http://127.0.0.1:")
    assert "(after 2 attempts)" in str(error)
    assert time.monotonic() - started < 2
    assert board_server.count("/slow") == 2


def test_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fails(f"http://127.0.0.1:{port}/jobs", ScrapeSettings(retries=1, backoff=0.01))
    assert str(error).startswith(f"cannot connect to http://127.0.0.1:{port}/jobs")


def test_truncated_body(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(json={"jobs": [{"id": n} for n in range(50)]}, truncate=True))
    error = fails(board_server.url("/jobs"))
    assert str(error).startswith(f"truncated or broken response from {board_server.url('/jobs')}")
    assert board_server.count("/jobs") == 3


def test_connection_closed_without_response(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(close=True), Reply(json={"jobs": []}))
    assert run(get(board_server.url("/jobs"))) == {"jobs": []}
    board_server.reset()
    board_server.add("/jobs", Reply(close=True))
    error = fails(board_server.url("/jobs"), ScrapeSettings(retries=0))
    assert str(error).startswith(f"truncated or broken response from {board_server.url('/jobs')}")
    assert board_server.count("/jobs") == 1


def test_invalid_json(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(body='{"jobs": [{"id": 1}, {"id"'))
    error = fails(board_server.url("/jobs"))
    assert str(error).startswith(f"truncated or invalid JSON from {board_server.url('/jobs')}: ")
    assert board_server.count("/jobs") == 1


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (
            "<!DOCTYPE html><html><body>Maintenance</body></html>",
            "text/html; charset=utf-8",
            "text/html",
        ),
        ("<html><body>Sign in</body></html>", "application/json", "application/json"),
    ],
)
def test_html_instead_of_json(
    board_server: LoopbackServer, body: str, content_type: str, kind: str
) -> None:
    board_server.add("/jobs", Reply(body=body, content_type=content_type))
    error = fails(board_server.url("/jobs"))
    assert str(error) == f"expected JSON from {board_server.url('/jobs')}, got HTML ({kind})"


def test_empty_body(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(body=b""))
    assert "got an empty body" in str(fails(board_server.url("/jobs")))


@pytest.mark.parametrize("chunked", [False, True])
def test_oversize_body(board_server: LoopbackServer, chunked: bool) -> None:
    board_server.add("/big", Reply(json=["x" * 100] * 100, chunked=chunked))
    settings = ScrapeSettings(max_bytes=2000, retries=2, backoff=0.01)
    error = fails(board_server.url("/big"), settings)
    assert str(error).startswith(f"response from {board_server.url('/big')} exceeds max_bytes=2000")
    assert board_server.count("/big") == 1


def test_chunked_body_under_cap(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(json=["x" * 100] * 50, chunked=True))
    assert len(run(get(board_server.url("/jobs")))) == 50


def test_per_host_limit(board_server: LoopbackServer) -> None:
    board_server.add("/a", Reply(json=[], delay=0.15))
    board_server.add("/b", Reply(json=[], delay=0.15))
    settings = ScrapeSettings(per_host=2, retries=0)

    async def go() -> list[Any]:
        async with HttpClient(settings) as client:
            urls = [board_server.url(p) for p in ("/a", "/b") * 4]
            return await asyncio.gather(*(client.get_json(u) for u in urls))

    assert run(go()) == [[]] * 8
    assert board_server.count() == 8
    assert board_server.max_in_flight() == 2


def test_backoff_grows_and_is_capped() -> None:
    client = HttpClient(ScrapeSettings(backoff=0.5), max_retry_after=3)
    try:
        assert 0.5 <= client._delay(0, None) <= 1.0
        assert 2.0 <= client._delay(2, None) <= 2.5
        assert client._delay(5, None) == 3
        assert client._delay(0, 10) == 3
    finally:
        run(client.aclose())


# -- conditional requests, budgets, scopes, text pages -------------------------------------


def test_conditional_get_records_validators_then_304_is_not_modified(
    board_server: LoopbackServer,
) -> None:
    etag, modified = '"v1-abc"', "Wed, 02 Sep 2026 08:00:00 GMT"
    board_server.add(
        "/jobs",
        Reply(json={"jobs": []}, headers={"ETag": etag, "Last-Modified": modified}),
        Reply(status=304, headers={"ETag": etag}),
    )
    url = board_server.url("/jobs")

    async def go() -> tuple[Any, ...]:
        async with HttpClient(FAST) as client:
            with client.scope("greenhouse:acme") as first:
                await client.get_json(url, {"content": "true"}, validators=Validators())
            sent = client.last_validators[url]
            with client.scope("greenhouse:acme") as second, pytest.raises(NotModified) as info:
                await client.get_json(url, {"content": "true"}, validators=sent)
            return first, second, sent, info.value

    first, second, sent, error = run(go())
    assert sent == Validators(etag=etag, last_modified=modified) == first.validators
    assert first.requests == 1 and not first.not_modified
    assert second.not_modified and second.validators == sent  # the 304 only repeated the ETag
    assert isinstance(error, SourceError) and error.status == 304
    assert str(error) == f"not modified since the last fetch (HTTP 304 from {url}?content=true)"
    plain, conditional = board_server.requests("/jobs")
    assert "if-none-match" not in plain.headers
    assert conditional.headers["if-none-match"] == etag
    assert conditional.headers["if-modified-since"] == modified


def test_304_without_validators_sent_is_an_error(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(status=304))
    error = fails(board_server.url("/jobs"))
    assert not isinstance(error, NotModified)
    assert "unexpected HTTP 304" in str(error)


def test_validators_coerce_from_options() -> None:
    assert Validators.coerce({"etag": "x", "last_modified": None}) == Validators("x", None)
    assert Validators.coerce(None) == Validators() and not Validators()
    assert Validators("x").headers() == {"If-None-Match": "x"}


def test_budget_per_scope(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(json=[]))

    async def go() -> tuple[int, int]:
        async with HttpClient(FAST) as client:
            with client.scope("workday:acme/site", budget=2) as scope:
                await client.get_json(board_server.url("/jobs"))
                await client.get_json(board_server.url("/jobs"))
                with pytest.raises(BudgetExceeded, match=r"^workday:acme/site: request budget"):
                    await client.get_json(board_server.url("/jobs"))
            with client.scope("lever:other", budget=2) as other:  # a fresh budget
                await client.get_json(board_server.url("/jobs"))
            return scope.requests, other.requests

    assert run(go()) == (2, 1)
    assert board_server.count("/jobs") == 3


def test_budget_counts_retries_and_message(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(status=503), Reply(status=503), Reply(json=[]))
    error = fails(board_server.url("/jobs"), budget=2)
    assert isinstance(error, BudgetExceeded)
    assert str(error) == "(no source): request budget of 2 exceeded"
    assert board_server.count("/jobs") == 2


def test_scope_for_uses_the_budget_option_and_scopes_are_per_task(
    board_server: LoopbackServer,
) -> None:
    board_server.add("/a", Reply(json=[], delay=0.05))
    board_server.add("/b", Reply(json=[], delay=0.05))
    refs = [
        SourceRef("lever", "a", "A", "a", {"budget": 3}),
        SourceRef("lever", "b", "B", "b", {}),
    ]

    async def one(client: HttpClient, ref: SourceRef, path: str, times: int) -> FetchScope:
        with client.scope_for(ref) as scope:
            for _ in range(times):
                await client.get_json(board_server.url(path))
        return scope

    async def go() -> list[FetchScope]:
        async with HttpClient(FAST, budget=10) as client:
            return await asyncio.gather(
                one(client, refs[0], "/a", 3), one(client, refs[1], "/b", 5)
            )

    a, b = run(go())
    assert (a.key, a.budget, a.requests) == ("lever:a", 3, 3)
    assert (b.key, b.budget, b.requests) == ("lever:b", 10, 5)


def test_get_page_follows_redirects_and_decodes(board_server: LoopbackServer) -> None:
    board_server.add("/careers", Reply(status=301, headers={"Location": "/jobs-page"}))
    page = "<html><body>Café Jobs</body></html>".encode("latin-1")
    board_server.add("/jobs-page", Reply(body=page, content_type="text/html; charset=latin-1"))

    async def go() -> Any:
        async with HttpClient(FAST) as client:
            return await client.get_page(board_server.url("/careers"))

    response = run(go())
    assert response.url == board_server.url("/jobs-page")
    assert "Café Jobs" in response.text()
    assert board_server.requests("/jobs-page")[0].headers["accept"].startswith("text/html")


def test_retry_after_gets_jitter_but_never_less() -> None:
    client = HttpClient(ScrapeSettings(backoff=0.5), max_retry_after=60)
    try:
        waits = [client._delay(0, 10) for _ in range(50)]
        assert all(10 <= w <= 11 for w in waits) and len(set(waits)) > 1
    finally:
        run(client.aclose())
