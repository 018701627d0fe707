"""Helpers for source tests: fixture payloads and refs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.domain import SourceRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture(ats: str, name: str) -> Any:
    """A JSON payload from tests/fixtures/<ats>/<name>."""
    return json.loads((FIXTURES / ats / name).read_text(encoding="utf-8"))


def make_ref(ats: str, token: str = "examplelabs", api_base: str | None = None) -> SourceRef:
    """A SourceRef for tests."""
    return SourceRef(
        ats=ats, token=token, company="Example Labs", company_slug="example-labs", api_base=api_base
    )
