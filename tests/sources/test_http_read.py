"""HttpClient's body read: the one-go path for plain bodies, the counted path for the rest."""

from __future__ import annotations

import asyncio
import gzip
import json

import httpx
import pytest

from tests.loopback import LoopbackServer, Reply
from tracker.settings import ScrapeSettings
from tracker.sources.base import SourceError
from tracker.sources.http import HttpClient, _plain_body

CAPPED = ScrapeSettings(max_bytes=2000, retries=0, timeout=2)


def get(url: str) -> object:
    async def main() -> object:
        async with HttpClient(CAPPED) as client:
            return await client.get_json(url)

    return asyncio.run(main())


def test_plain_body_under_cap_is_read_whole(board_server: LoopbackServer) -> None:
    board_server.add("/jobs", Reply(json=["x" * 10] * 100))
    assert get(board_server.url("/jobs")) == ["x" * 10] * 100


def test_gzip_body_is_capped_after_inflating(board_server: LoopbackServer) -> None:
    packed = gzip.compress(json.dumps(["x" * 100] * 100).encode())
    assert len(packed) < 2000  # declared (compressed) length is under the cap
    board_server.add("/bomb", Reply(body=packed, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(SourceError, match="exceeds max_bytes=2000 \\(over"):
        get(board_server.url("/bomb"))


def test_gzip_body_under_cap_decodes(board_server: LoopbackServer) -> None:
    packed = gzip.compress(json.dumps([1, 2, 3]).encode())
    board_server.add("/small", Reply(body=packed, headers={"Content-Encoding": "gzip"}))
    assert get(board_server.url("/small")) == [1, 2, 3]


@pytest.mark.parametrize(
    ("headers", "plain"),
    [
        ({"content-length": "5"}, True),
        ({"content-length": "5", "content-encoding": "identity"}, True),
        ({"content-length": "5", "content-encoding": "gzip"}, False),
        ({"content-length": "5", "transfer-encoding": "chunked"}, False),
    ],
)
def test_only_unencoded_fixed_length_bodies_are_plain(headers: dict[str, str], plain: bool) -> None:
    assert _plain_body(httpx.Headers(headers)) is plain
