"""Helpers shared by the CLI, scrape and daemon tests: the in-process CLI and Greenhouse-format
boards (our own fixtures, in the real list-endpoint format)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tracker.cli import app


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


def gh_job(i: int, title: str, location: str = "Sydney, Australia") -> dict[str, Any]:
    return {
        "id": i,
        "internal_job_id": i + 1,
        "title": title,
        "updated_at": "2026-11-20T10:00:00-05:00",
        "first_published": "2026-10-01T10:00:00-04:00",
        "requisition_id": str(i),
        "location": {"name": location},
        "absolute_url": f"https://job-boards.greenhouse.io/acme/jobs/{i}",
        "language": "en",
        "metadata": None,
        "data_compliance": [],
        "company_name": "Acme",
        "application_deadline": None,
        "content": "&lt;p&gt;Build data centers.&lt;/p&gt;",
        "departments": [{"id": 1, "name": "Compute", "child_ids": [], "parent_id": None}],
        "offices": [],
    }


def gh_board(n: int, start: int = 100, location: str = "Sydney, Australia") -> dict[str, Any]:
    jobs = [gh_job(start + i, f"Data Center Technician {i}", location) for i in range(n)]
    return {"jobs": jobs, "meta": {"total": n}}
