"""Is a posting a compute / data-center role, and which category? (first pass)

Rules, with the keyword lists in ``seeds/taxonomy.toml``:

1. The posting's department or team matches one of the source's configured ``departments``
   (case-insensitive; "Engineering > Compute" contains "Compute") -> compute; the category is
   the first one with a title keyword, else ``other_compute``.
   Rule: ``department:Compute + title:electrical`` or ``department:Compute`` (the title part
   quotes the words that matched).
2. Otherwise the title clearly names a data center ("data center", "critical facilities") ->
   compute with a category from the title. Rule: ``title:data center + title:electrical``.
3. Otherwise ``not_compute`` with rule ``default``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from tracker.domain import CATEGORIES
from tracker.normalize._seeds import load_seed

DEFAULT_RULE = "default"
OTHER = "other_compute"
NOT_COMPUTE = "not_compute"


@dataclass(frozen=True)
class Keyword:
    """One keyword (``*`` = any word ending) and its compiled whole-word pattern.

    Rules quote the words a keyword matched ("facilit*" in a title -> ``title:facilities``).
    """

    text: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Taxonomy:
    """The parsed ``seeds/taxonomy.toml``: data-center title words and ordered categories."""

    data_center: tuple[Keyword, ...]
    categories: tuple[tuple[str, tuple[Keyword, ...]], ...]


@cache
def compile_keyword(text: str) -> Keyword:
    """Whole-word, case-insensitive pattern; spaces also match hyphens, ``*`` a word ending."""
    stem = text.strip().rstrip("*")
    body = r"[\s-]+".join(re.escape(word) for word in stem.split())
    tail = r"\w*" if text.strip().endswith("*") else ""
    return Keyword(stem, re.compile(rf"(?<!\w){body}{tail}(?!\w)", re.IGNORECASE))


@cache
def load_taxonomy() -> Taxonomy:
    """Read and check ``seeds/taxonomy.toml`` (cached for the process)."""
    data = load_seed("taxonomy.toml")
    categories: list[tuple[str, tuple[Keyword, ...]]] = []
    for entry in data["category"]:
        slug = entry["slug"]
        if slug not in CATEGORIES or slug in (OTHER, NOT_COMPUTE):
            raise ValueError(f"seeds/taxonomy.toml: unknown category {slug!r}")
        categories.append((slug, tuple(compile_keyword(k) for k in entry["keywords"])))
    data_center = tuple(compile_keyword(k) for k in data["data_center"]["keywords"])
    return Taxonomy(data_center, tuple(categories))


def first_match(text: str, keywords: Sequence[Keyword]) -> str | None:
    """The words of ``text`` matched by the first matching keyword (lower-cased), or None."""
    for keyword in keywords:
        found = keyword.pattern.search(text)
        if found:
            return " ".join(found.group(0).lower().replace("-", " ").split())
    return None


def title_category(title: str) -> tuple[str, str | None]:
    """(category, matched keyword) from title keywords; ``other_compute`` if none match."""
    for slug, keywords in load_taxonomy().categories:
        found = first_match(title, keywords)
        if found:
            return slug, found
    return OTHER, None


def department_match(
    department: str | None, team: str | None, source_departments: Sequence[str]
) -> str | None:
    """``department:X`` / ``team:X`` when the posting sits in a configured department X."""
    for field, value in (("department", department), ("team", team)):
        if not value:
            continue
        for name in source_departments:
            if name.strip() and compile_keyword(name).pattern.search(value):
                return f"{field}:{name.strip()}"
    return None


def classify(
    title: str, department: str | None, team: str | None, source_departments: Sequence[str]
) -> tuple[bool, str, str]:
    """``(compute, category, rule)`` for one posting; see the module docstring.

    >>> classify("Data Center Electrical Engineer", "Compute", None, ["Compute"])
    (True, 'dc_electrical', 'department:Compute + title:electrical')
    >>> classify("Account Executive", "Sales", None, ["Compute"])
    (False, 'not_compute', 'default')
    """
    matched = department_match(department, team, source_departments)
    if matched is None:
        named = first_match(title, load_taxonomy().data_center)
        if named is None:
            return False, NOT_COMPUTE, DEFAULT_RULE
        matched = f"title:{named}"
    category, keyword = title_category(title)
    rule = f"{matched} + title:{keyword}" if keyword else matched
    return True, category, rule
