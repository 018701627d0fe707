"""Fixtures for daemon and digest tests: a loopback board server, an SMTP server, a CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.jobs.smtp import SmtpServer
from tests.loopback import LoopbackServer
from tracker.cli import app


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def inbox() -> Iterator[SmtpServer]:
    with SmtpServer() as smtp:
        yield smtp


class Cli:
    """``tracker --db DB --config CONFIG ...`` in-process; asserts the exit code."""

    def __init__(self, db: str, config: Path) -> None:
        self.db, self.config = db, config
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> Any:
        result = self.runner.invoke(
            app, ["--db", self.db, "--config", str(self.config), *args], catch_exceptions=False
        )
        assert result.exit_code == code, result.output + (result.stderr or "")
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--format", "json").stdout)
