"""Source writes: upsert outcomes, source_ref round trip, remove_source cascade."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from db.queries import get_source, list_sources, roles_at
from db.store import remove_source, set_http_cache, source_ref, upsert_source
from db.tables import COMPANY
from tests.db.factories import at, board, count_rows, make_source, run
from tracker.domain import RoleFilter, SourceRef

REF = SourceRef(
    ats="workday",
    token="nvidia",
    company="NVIDIA",
    company_slug="nvidia",
    options={"site": "NVIDIAExternalCareerSite", "host": "nvidia.wd5.myworkdayjobs.com"},
    api_base="http://127.0.0.1:8080",
)


def companies(session: Session) -> int:
    return int(session.connection().execute(select(func.count()).select_from(COMPANY)).scalar_one())


def test_upsert_outcomes(session: Session) -> None:
    row, outcome = upsert_source(session, REF, interval="6h")
    assert outcome == "added" and row.key == "workday:nvidia/NVIDIAExternalCareerSite"
    assert upsert_source(session, REF, interval="6h")[1] == "unchanged"
    assert upsert_source(session, REF, interval="1h")[1] == "updated"
    assert upsert_source(session, REF, interval="1h", enabled=False)[1] == "updated"
    renamed = SourceRef(**{**REF.__dict__, "company": "NVIDIA Corporation"})
    assert upsert_source(session, renamed, interval="1h", enabled=False)[1] == "updated"
    info = get_source(session, row.key)
    assert info is not None and (info.interval, info.enabled) == ("1h", False)
    assert info.company_name == "NVIDIA Corporation" and companies(session) == 1


def test_source_ref_round_trip(session: Session) -> None:
    row, _ = upsert_source(session, REF)
    assert source_ref(row) == REF
    session.commit()
    session.expunge_all()
    info = get_source(session, REF.key)
    assert info is not None and info.ref == REF


def test_moving_a_source_to_another_company_moves_its_postings(session: Session) -> None:
    sid = make_source(session, "acme", "Acme")
    run(session, sid, 0, board(2))
    upsert_source(session, SourceRef("greenhouse", "acme", "Acme Cloud", "acme-cloud"))
    assert {r.company for r in roles_at(session, at(0), RoleFilter(include_all=True))} == {
        "acme-cloud"
    }


def test_http_cache(session: Session) -> None:
    sid = make_source(session)
    set_http_cache(session, sid, '"abc"', "Wed, 21 Oct 2026 07:28:00 GMT")
    info = get_source(session, "greenhouse:anthropic")
    assert info is not None and (info.etag, info.last_modified) == (
        '"abc"',
        "Wed, 21 Oct 2026 07:28:00 GMT",
    )


def test_remove_source_deletes_its_history(session: Session) -> None:
    keep = make_source(session, "keep", "Anthropic")
    gone = make_source(session, "gone", "Anthropic")
    run(session, keep, 0, board(2))
    run(session, gone, 0, board(3))
    run(session, gone, 6, board(2))
    run(session, gone, 7, None, error="HTTP 500")
    before = count_rows(session)
    removed = remove_source(session, "greenhouse:gone")
    assert removed is not None
    assert (removed.runs, removed.postings, removed.spans) == (3, 3, 3)
    assert (removed.versions, removed.places, removed.company_removed) == (3, 3, False)
    after = count_rows(session)
    assert after == {
        name: before[name] - n
        for name, n in zip(
            ("run", "posting", "span", "version", "place"), (3, 3, 3, 3, 3), strict=True
        )
    }
    assert [s.key for s in list_sources(session)] == ["greenhouse:keep"]
    assert remove_source(session, "greenhouse:gone") is None


def test_remove_last_source_of_a_company_removes_it(session: Session) -> None:
    make_source(session, "solo", "Solo")
    removed = remove_source(session, "greenhouse:solo")
    assert removed is not None and removed.company_removed and companies(session) == 0
