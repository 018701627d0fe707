"""Issue 11 item 8: the project documents itself. Nothing points to a file a clone does not have,
and every relative link in the README and docs/ resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.domain import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#([^)\s]*))?\)")


def shipped_text_files() -> list[Path]:
    found = list(DOCS)
    for folder in ("tracker", "db", "jobs", "seeds", "deploy", "tests"):
        found += [p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".md", ".toml"}]
    return [p for p in found if p.is_file() and p != Path(__file__)]


def test_nothing_points_outside_the_repository_for_documentation() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in shipped_text_files()
        if "DESIGN.md" in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def anchor(heading: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(doc: Path) -> None:
    for target, fragment in LINK.findall(doc.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path = (doc.parent / target).resolve()
        assert path.exists(), f"{doc.name}: {target}"
        assert ROOT in path.parents or path == ROOT, f"{doc.name}: {target} leaves the repository"
        if fragment and path.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
            assert fragment in {anchor(h) for h in headings}, f"{doc.name}: {target}#{fragment}"


def test_every_category_is_documented() -> None:
    text = (ROOT / "docs" / "concepts.md").read_text(encoding="utf-8")
    assert [c for c in CATEGORIES if f"| `{c}` |" not in text] == []
