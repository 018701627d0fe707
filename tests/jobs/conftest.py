"""Fixtures for daemon and digest tests: a loopback board server, an SMTP server, a CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.jobs.smtp import SmtpServer
from tests.loopback import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def inbox() -> Iterator[SmtpServer]:
    with SmtpServer() as smtp:
        yield smtp
