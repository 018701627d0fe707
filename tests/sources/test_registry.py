"""The ATS registry: lookup, help text, a light import, and lazily imported source classes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import tracker.sources
from tracker.sources import REGISTRY, UnknownSourceError, describe, get_source


def test_registry_lists_each_ats_once() -> None:
    assert list(REGISTRY) == [
        "greenhouse",
        "lever",
        "ashby",
        "workday",
        "smartrecruiters",
        "workable",
        "recruitee",
        "teamtailor",
        "html",
        "amazon",
        "eightfold",
        "oracle_hcm",
        "apple",
        "meta",
        "google",
        "icims",
        "successfactors",
        "bamboohr",
        "rippling",
    ]
    for ats, cls in REGISTRY.items():
        assert cls.ats == ats
        assert get_source(ats).ats == ats


def test_describe_is_first_docstring_line() -> None:
    assert describe("greenhouse").startswith("Greenhouse job boards")
    assert "\n" not in describe("ashby")
    assert describe("workday").startswith("Workday job sites")
    assert all(describe(ats) != ats for ats in REGISTRY)


def test_unknown_ats_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError) as info:
        get_source("taleo")
    assert isinstance(info.value, UnknownSourceError)
    assert str(info.value) == (
        "unknown ATS 'taleo' (known: amazon, apple, ashby, bamboohr, eightfold, google, "
        "greenhouse, html, icims, lever, meta, oracle_hcm, recruitee, rippling, "
        "smartrecruiters, successfactors, teamtailor, workable, workday)"
    )
    with pytest.raises(UnknownSourceError):
        describe("taleo")


def test_import_is_light() -> None:
    """Importing the registry (as ``tracker --help`` does) loads neither httpx nor selectolax."""
    code = (
        "import sys, tracker.sources; "
        "print(sorted(m for m in ('httpx', 'selectolax') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_source_modules_are_imported_on_first_lookup() -> None:
    """``import tracker.sources`` loads no source module; listing kinds loads none either; a
    lookup loads that ATS's module (and what it imports), not the others."""
    code = (
        "import sys, tracker.sources as s\n"
        "names = [n.removeprefix('tracker.sources.') for n in sys.modules"
        " if n.startswith('tracker.sources.')]\n"
        "assert len(s.REGISTRY) == 19 and 'workday' in s.REGISTRY and 'taleo' not in s.REGISTRY\n"
        "kinds = list(s.REGISTRY)\n"
        "after_listing = sorted(n.removeprefix('tracker.sources.') for n in sys.modules"
        " if n.startswith('tracker.sources.'))\n"
        "source = s.get_source('workday')\n"
        "print(sorted(names))\n"
        "print(after_listing)\n"
        "print(type(source).__module__, source.ats)\n"
        "print(sorted(k for k in kinds if 'tracker.sources.' + k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    at_import, after_listing, fetched, loaded = out.stdout.splitlines()
    assert at_import == "['base']"
    assert after_listing == "['base']"
    assert fetched == "tracker.sources.workday workday"
    assert loaded == "['workday']"  # not amazon, greenhouse, ...


def test_lookup_imports_once_and_caches() -> None:
    assert REGISTRY["lever"] is REGISTRY["lever"]
    assert REGISTRY.get("taleo") is None
    with pytest.raises(KeyError):
        REGISTRY["taleo"]


def test_type_checked_classes_are_the_registry() -> None:
    """The ``if TYPE_CHECKING`` imports (mypy checks each class against ``Source``) name
    exactly the registry's classes: an ATS added to one list is added to the other."""
    init = Path(tracker.sources.__file__)
    tree = ast.parse(init.read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    typed = {
        f"{node.module}:{alias.name}"
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == {f"{cls.__module__}:{cls.__qualname__}" for cls in REGISTRY.values()}
