"""Read the shipped data files in ``seeds/`` (TOML; package data, see ``tracker.shipped``), once
per process.

The normalizers keep their word lists and aliases there, as data rather than code, so the
lists can grow without touching the functions that use them.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from typing import Any

from tracker.shipped import seed_path


@cache
def load_seed(name: str) -> dict[str, Any]:
    """Parse ``seeds/<name>`` (cached). Raises ShippedDataError if it is not shipped."""
    return tomllib.loads(seed_path(name).read_text(encoding="utf-8"))


def fold(text: str) -> str:
    """Matching key: case-folded, accents and dots removed, whitespace collapsed.

    >>> fold("  Zürich,  U.S. ")
    'zurich, us'
    """
    if text.isascii():
        return " ".join(text.casefold().replace(".", "").split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace(".", "").split())
