"""The daemon's daily ECB refresh (issue 9): a recorded ECB history file that we wrote, served
on loopback; a failed or garbled download keeps the rates in use."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from jobs.fxrates import refresh_rates
from tests.loopback import LoopbackServer, Reply
from tracker.normalize import fx
from tracker.settings import ScrapeSettings
from tracker.sources.http import HttpClient

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "ecb" / "eurofxref-hist.csv"
PATH = "/stats/eurofxref/eurofxref-hist.zip"
DAY = date(2026, 11, 27)  # after the end of the shipped rates


def ecb_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", RECORDED.read_text(encoding="utf-8"))
    return buffer.getvalue()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        monkeypatch.setenv("TRACKER_ECB_URL", srv.url(PATH))
        fx.reset_rates()
        yield srv
    fx.reset_rates()  # later tests use the shipped rates again


def refresh() -> date | None:
    async def go() -> date | None:
        async with HttpClient(ScrapeSettings(retries=0, timeout=5)) as client:
            return await refresh_rates(client)

    return asyncio.run(go())


def test_refresh_downloads_and_uses_the_new_rates(server: LoopbackServer) -> None:
    server.add(PATH, Reply(body=ecb_zip(), content_type="application/zip"))
    shipped = fx.to_usd(100, "EUR", DAY)
    assert shipped is not None and shipped != 123.0  # the shipped rates end before DAY
    assert refresh() == DAY
    assert fx.rates_file().is_file()
    assert fx.to_usd(100, "EUR", DAY) == 123.0
    assert fx.to_usd(1000, "GBP", DAY) == round(1000 / 0.85 * 1.2345)
    fx.reset_rates()  # a new process builds its converter from the refreshed file
    assert fx.to_usd(100, "EUR", DAY) == 123.0


@pytest.mark.parametrize(
    "reply",
    [Reply(status=503), Reply(body=b"<html>maintenance</html>", content_type="text/html")],
    ids=["http-503", "garbled"],
)
def test_failed_refresh_keeps_the_rates_in_use(server: LoopbackServer, reply: Reply) -> None:
    server.add(PATH, Reply(body=ecb_zip(), content_type="application/zip"))
    assert refresh() == DAY
    before = fx.rates_file().read_bytes()
    server.reset()
    server.add(PATH, reply)
    assert refresh() is None
    assert fx.rates_file().read_bytes() == before
    assert fx.to_usd(100, "EUR", DAY) == 123.0


def test_offline_falls_back_to_the_shipped_rates(server: LoopbackServer) -> None:
    server.add(PATH, Reply(close=True))
    assert refresh() is None
    assert not fx.rates_file().exists()
    assert fx.last_rate_date() < DAY  # the shipped rates
