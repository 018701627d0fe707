"""Greenhouse-format boards, watchlists and configs for daemon and digest tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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


def board_path(token: str) -> str:
    return f"/v1/boards/{token}/jobs"


def write_watchlist(path: Path, api_base: str, tokens: dict[str, str]) -> Path:
    """A watchlist of Greenhouse boards ``token -> company`` on ``api_base``."""
    entries = [
        f'[[source]]\ncompany = "{company}"\nats = "greenhouse"\ntoken = "{token}"\n'
        f'departments = ["Compute"]\napi_base = "{api_base}"\n'
        for token, company in tokens.items()
    ]
    path.write_text("\n".join(entries))
    return path


def write_config(path: Path, **sections: dict[str, Any] | str) -> Path:
    """A tracker.toml: top-level strings, then ``[section]`` tables."""
    lines = [f"{k} = {json.dumps(v)}" for k, v in sections.items() if isinstance(v, str)]
    for name, table in sections.items():
        if isinstance(table, dict):
            lines.append(f"\n[{name}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n")
    return path
