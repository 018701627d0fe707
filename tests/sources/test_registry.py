"""The ATS registry: lookup, help text, and a light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tracker.sources import REGISTRY, UnknownSourceError, describe, get_source


def test_registry_lists_each_ats_once() -> None:
    assert set(REGISTRY) == {
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
    }
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
