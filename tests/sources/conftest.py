"""Fixtures for source tests: a loopback board server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.loopback import LoopbackServer


@pytest.fixture
def board_server() -> Iterator[LoopbackServer]:
    """A started LoopbackServer (see tests/loopback.py for its API); stopped afterwards."""
    with LoopbackServer() as server:
        yield server
