"""Raw fingerprints: unchanged list items are not parsed again (issue 12)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from tests.helpers import gh_board
from tests.sources.helpers import make_ref
from tracker.domain import SourceRef
from tracker.sources.base import SourceError
from tracker.sources.greenhouse import Greenhouse
from tracker.sources.lever import Lever

SOURCE = Greenhouse()


def known(ref: SourceRef, payload: Any) -> SourceRef:
    """``ref`` with ``_known`` = the fingerprints a first parse of ``payload`` stored."""
    sigs = {p.external_id: p.extra["signature"] for p in SOURCE.parse(payload, ref)}
    return replace(ref, options={**ref.options, "_known": sigs})


def test_first_parse_is_full_and_carries_fingerprints() -> None:
    postings = SOURCE.parse(gh_board(3), make_ref("greenhouse"))
    assert [p.extra["detail"] for p in postings] == [True, True, True]
    sigs = [p.extra["signature"] for p in postings]
    assert len(set(sigs)) == 3 and all(isinstance(s, str) and len(s) == 24 for s in sigs)
    assert postings[0].title == "Data Center Technician 0"


def test_unchanged_items_are_stubs_changed_items_are_parsed() -> None:
    board = gh_board(3)
    ref = known(make_ref("greenhouse"), board)
    changed = copy.deepcopy(board)
    changed["jobs"][1]["content"] = "&lt;p&gt;Now with pay: $100,000 - $120,000&lt;/p&gt;"
    postings = SOURCE.parse(changed, ref)
    assert [p.extra["detail"] for p in postings] == [False, True, False]
    assert postings[0].title == "" and postings[0].external_id == "100"  # not parsed
    assert postings[1].title == "Data Center Technician 1"
    assert postings[1].extra["signature"] != ref.options["_known"]["101"]


def test_departments_option_is_part_of_the_fingerprint() -> None:
    board = gh_board(2)
    ref = known(make_ref("greenhouse"), board)
    assert {p.extra["detail"] for p in SOURCE.parse(board, ref)} == {False}
    other = replace(ref, options={**ref.options, "departments": ["Data Centers"]})
    assert {p.extra["detail"] for p in SOURCE.parse(board, other)} == {True}


def test_the_whole_salt_counts_however_long_the_departments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rules, parse version and departments all change every fingerprint and board digest,
    also when the department list is long (a key cut to the salt's last 64 bytes lost the
    version and rules digest at its front)."""
    from tracker.sources import fingerprint

    board = gh_board(2)
    long = [f"Data Center Engineering Division {i}" for i in range(6)]
    ref = replace(make_ref("greenhouse"), options={"departments": long})
    assert len(fingerprint.salt(ref)) > 64
    item, body = board["jobs"][0], b'{"jobs": []}'
    before = (
        fingerprint.of(item, fingerprint.salt(ref)),
        fingerprint.salted_digest(fingerprint.salt(ref), body),
    )
    monkeypatch.setattr(fingerprint, "VERSION", fingerprint.VERSION + 1)
    after = (
        fingerprint.of(item, fingerprint.salt(ref)),
        fingerprint.salted_digest(fingerprint.salt(ref), body),
    )
    assert before[0] != after[0] and before[1] != after[1]
    assert len(after[0]) == 24 and len(after[1]) == 32


def test_malformed_changed_job_still_fails_the_board() -> None:
    board = gh_board(2)
    ref = known(make_ref("greenhouse"), board)
    broken = copy.deepcopy(board)
    broken["jobs"][1]["title"] = ""
    with pytest.raises(SourceError, match="title"):
        SOURCE.parse(broken, ref)


def test_lever_skips_unchanged_postings() -> None:
    lever = Lever()
    payload = [
        {"id": "a1", "text": "Data Center Technician", "categories": {"location": "Tokyo"}},
        {"id": "b2", "text": "Site Selection Manager", "categories": {"location": "Sydney"}},
    ]
    first = lever.parse(payload, make_ref("lever"))
    sigs = {p.external_id: p.extra["signature"] for p in first}
    ref = replace(make_ref("lever"), options={"_known": sigs})
    payload[1] = {**payload[1], "text": "Site Selection Lead"}
    again = lever.parse(payload, ref)
    assert [(p.external_id, p.extra["detail"]) for p in again] == [("a1", False), ("b2", True)]
    assert again[1].title == "Site Selection Lead"


def test_the_digest_algorithm_is_pinned() -> None:
    """Stored fingerprints and board digests are compared with new ones: a change of
    algorithm (or of what is hashed) must come with a new ``VERSION`` (which re-reads every
    board once). These values are XXH3-128 over the salt, a NUL and the bytes (VERSION 4);
    if this test fails after such a change, bump VERSION and update them."""
    from tracker.sources import fingerprint

    assert fingerprint.VERSION == 4
    item = {"id": 1, "title": "Data Center Technician"}
    assert fingerprint.of(item, b"greenhouse/x") == "c535530b29627ee335a6d54c"
    body = b'{"jobs": []}'
    assert fingerprint.salted_digest(b"greenhouse/x", body) == "7165370e1895e2bf38a352435eb0bbb2"
