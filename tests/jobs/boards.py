"""Greenhouse-format boards, watchlists and configs for daemon and digest tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import gh_board, gh_job

__all__ = ["board_path", "gh_board", "gh_job", "write_config", "write_watchlist"]


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
