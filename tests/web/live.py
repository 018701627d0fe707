"""A real ``tracker serve`` process and a headless Chromium driven by Selenium (the OS packages
``chromium`` and ``chromium-driver``; never a downloaded browser)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TRACKER = str(Path(sys.executable).with_name("tracker"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SERVING = re.compile(r"serving (http://\S+/)")


def browser_available() -> bool:
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


def demo_database(folder: Path) -> str:
    """``tracker demo --out`` into ``folder``; the database URL."""
    path = folder / "demo.db"
    subprocess.run(
        [TRACKER, "demo", "--out", str(path), "--html", str(folder / "demo.html")],
        check=True, capture_output=True, cwd=folder,
    )  # fmt: skip
    return f"sqlite:///{path}"


@contextmanager
def serving(db: str, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``tracker --db DB serve --port 0 ARGS``; yield its URL; stop it (SIGTERM)."""
    proc = subprocess.Popen(
        [TRACKER, "--db", db, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = SERVING.search(line)
        if not found:
            proc.kill()
            raise RuntimeError(
                f"serve did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
            )
        yield found.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A headless Chromium (Selenium WebDriver) from the OS packages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def color_scheme(driver: Any, scheme: str) -> None:
    """Emulate ``prefers-color-scheme`` (CDP ``Emulation.setEmulatedMedia``)."""
    features = [{"name": "prefers-color-scheme", "value": scheme}]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})


def full_page_png(driver: Any, width: int = 1280, most: int = 3000) -> bytes:
    """A screenshot of the whole page (up to ``most`` pixels high)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 120, most))
    time.sleep(0.2)
    png: bytes = driver.get_screenshot_as_png()
    return png


def click_and_wait(driver: Any, element: Any, timeout: float = 20) -> None:
    """Click ``element`` and wait until the page it leads to has replaced this one.

    A click returns before the browser has navigated on a loaded machine; reading
    ``current_url`` or the table right away can still see the old page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(driver, timeout)
    wait.until(expected_conditions.staleness_of(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
