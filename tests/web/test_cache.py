"""Pages are reused while the data is unchanged and rebuilt after a new run; /api/* never."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from db.store import record_run
from tests.db.factories import make_source, posting
from tests.web.conftest import NOW, TestClient
from tracker.settings import Settings
from tracker.web import roles
from tracker.web.app import create_app


def count_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = roles.load_page

    def counted(request: object) -> object:
        calls.append(1)
        return real(request)  # type: ignore[arg-type]

    monkeypatch.setattr(roles, "load_page", counted)
    return calls


def new_run(engine: Engine) -> None:
    with Session(engine) as session:
        source = make_source(session, "newco", "New Co")
        record_run(session, source, NOW - timedelta(hours=1), [posting("n1", title="Fresh Role")])
        session.commit()


def test_a_page_is_reused_until_a_new_run(
    client: TestClient, seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch)
    first = client.get("/roles?per=1000")
    assert client.get("/roles?per=1000").text == first.text
    assert len(calls) == 1
    assert client.get("/roles?per=999").status_code == 200  # another query: another page
    assert len(calls) == 2
    new_run(seeded)
    fresh = client.get("/roles?per=1000")
    assert len(calls) == 3 and "Fresh Role" in fresh.text and "Fresh Role" not in first.text


def test_csv_keeps_its_headers_when_reused(client: TestClient) -> None:
    first, again = client.get("/roles.csv"), client.get("/roles.csv")
    assert again.text == first.text
    assert again.headers["content-disposition"] == first.headers["content-disposition"]
    assert again.headers["content-type"] == first.headers["content-type"]


def test_errors_and_the_api_are_not_cached(
    client: TestClient, seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = client.get("/api/roles").json()
    new_run(seeded)
    assert len(client.get("/api/roles").json()) == len(before) + 1
    calls = count_calls(monkeypatch)
    client.get("/roles?sort=nope")
    client.get("/roles?sort=nope")
    assert len(calls) == 2


def test_no_cache_when_turned_off(
    seeded: Engine, any_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch)
    app = create_app(seeded, Settings(database_url=any_db_url), cache=False)
    with TestClient(app, base_url="http://127.0.0.1") as plain:
        plain.get("/roles")
        plain.get("/roles")
    assert len(calls) == 2


def test_serve_keeps_the_main_pages_built(seeded: Engine, any_db_url: str) -> None:
    import time

    from tracker.web.warm import PATHS, keep_warm

    app = create_app(seeded, Settings(database_url=any_db_url), "tok")
    cache = app.app.state.cache  # type: ignore[attr-defined]
    stop = keep_warm(app, "tok", every=3600)
    try:
        deadline = time.monotonic() + 120  # a wait for the thread, not a speed requirement
        while len(cache.entries) < len(PATHS) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
    assert {path for path, _ in cache.entries} == set(PATHS)  # built with the token, all 200
