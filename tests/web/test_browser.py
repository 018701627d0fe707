"""A real ``tracker serve`` process on the demo database, driven by headless Chromium: pages
render, the filter form changes the URL and the table, links work, light and dark differ.
Skips when the OS's chromium or chromedriver is absent."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.web.live import (
    browser_available,
    chromium,
    click_and_wait,
    color_scheme,
    demo_database,
    serving,
)

PAGES = ("/", "/diff?from=2026-04-01&to=2026-11-21", "/roles", "/sources")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("serve")
    with serving(demo_database(folder)) as url:
        yield url


def test_the_process_serves_every_page_and_api(server: str) -> None:
    with httpx.Client(base_url=server) as http:
        for path in (*PAGES, "/roles.csv", "/feed.xml", "/api/roles", "/api/count?by=company",
                     "/api/diff", "/api/trend?by=region", "/static/style.css"):  # fmt: skip
            assert http.get(path).status_code == 200, path
        roles = http.get("/api/roles").json()
        assert roles and http.get(f"/roles/{roles[0]['id']}").status_code == 200
        assert http.get("/roles?country=Narnia").status_code == 400
        assert http.post("/roles").status_code == 405


def test_serve_refuses_a_busy_port_in_one_line(server: str, tmp_path: Path) -> None:
    import subprocess

    from tests.web.live import TRACKER

    port = urlsplit(server).port
    done = subprocess.run(
        [TRACKER, "--db", f"sqlite:///{tmp_path / 'x.db'}", "serve", "--port", str(port)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not browser_available():
        pytest.skip("chromium and chromedriver (OS packages) are not installed")
    with chromium() as drv:
        yield drv


def test_pages_render_in_chromium(server: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    for path in PAGES:
        driver.get(server + path.lstrip("/"))
        assert driver.find_element(By.TAG_NAME, "h1").text.strip(), path
        assert "DC hiring tracker" in driver.title
    driver.get(server)
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 3 and all(c.size["height"] > 100 for c in charts)


def test_filter_form_changes_the_url_and_the_table(server: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server + "roles?all=1&per=1000")
    before = driver.find_elements(By.CSS_SELECTOR, "#roles tbody tr[data-id]")
    box = driver.find_element(By.NAME, "country")
    box.clear()
    box.send_keys("Japan")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    query = parse_qs(urlsplit(driver.current_url).query)
    assert query["country"] == ["Japan"] and query["all"] == ["1"]
    after = driver.find_elements(By.CSS_SELECTOR, "#roles tbody tr[data-id]")
    assert 0 < len(after) < len(before)
    places = [row.find_elements(By.TAG_NAME, "td")[4].text for row in after]
    assert all("JP" in text for text in places)


def test_links_lead_to_history_and_sorting(server: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server + "roles")
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Id"))
    assert "sort=id" in driver.current_url
    first = driver.find_element(By.CSS_SELECTOR, "#roles tbody tr[data-id] td a")
    posting = first.text
    click_and_wait(driver, first)
    assert urlsplit(driver.current_url).path == f"/roles/{posting}"
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith(f"#{posting} ")
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Sources"))
    assert urlsplit(driver.current_url).path == "/sources"


def test_light_and_dark_screenshots_differ(server: str, driver: Any) -> None:
    from PIL import Image, ImageStat

    shots = {}
    for scheme in ("light", "dark"):
        color_scheme(driver, scheme)
        driver.get(server)
        shots[scheme] = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    color_scheme(driver, "light")
    for image in shots.values():
        extrema = image.getextrema()
        assert any(low != high for low, high in extrema), "a blank screenshot"
    light, dark = (ImageStat.Stat(shots[s].convert("L")).mean[0] for s in ("light", "dark"))
    assert light > 180 > 80 > dark  # mostly white vs mostly dark background


def test_sigterm_and_sigint_stop_serve_cleanly(tmp_path: Path) -> None:
    import signal
    import subprocess

    from tests.web.live import SERVING, TRACKER

    url = demo_database(tmp_path)
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc = subprocess.Popen(
            [TRACKER, "--db", url, "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        found = SERVING.search(proc.stdout.readline())
        assert found, proc.stderr.read() if proc.stderr else ""
        assert httpx.get(found.group(1) + "roles").status_code == 200
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (sig, err)
        assert "Traceback" not in err
