"""The digest's HTML rendered by a real browser (headless Chromium): light and dark mode, the chart
shows, job data stays text. Skips only when chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from jobs.digest import inline_chart
from tests.factories import GBP_BAND, LONDON, SYDNEY, T0, T1, TOKYO, make_role
from tracker.diff import Unverified, diff
from tracker.report.chart import PALETTE, ChartData, render_chart
from tracker.report.render import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
HOSTILE = '<script>document.body.style.background="red"</script> Technician & Co'
CID = "chart.digest@example.com"


def digest_html() -> str:
    kept = make_role(1, "Data Center Technician", SYDNEY)
    opened = [
        make_role(2, "Data Center Electrical Engineer", TOKYO, salary=GBP_BAND),
        make_role(3, HOSTILE, LONDON),
    ]
    gone = make_role(4, "Site Selection Manager", SYDNEY)
    missing = [Unverified("lever:acme", last_ok=T0, error="HTTP 503")]
    report = diff([kept, gone], [kept, *opened], T0, T1, unverified=missing)
    labels = tuple(f"{d} Sep" for d in range(1, 13))
    png = render_chart(ChartData(labels, {"Anthropic": [1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3]}))
    return inline_chart(render_html(report, chart_cid=CID), CID, png)


def screenshot(html: Path, out: Path, profile: Path, dark: bool) -> Image.Image:
    assert CHROMIUM is not None
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={profile}", "--window-size=1000,1400", f"--screenshot={out}",
    ]  # fmt: skip
    if dark:
        args += ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]
    subprocess.run([*args, html.as_uri()], capture_output=True, timeout=60, check=True)
    image = Image.open(io.BytesIO(out.read_bytes()))
    image.load()
    return image.convert("RGB")


def close(rgb: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 16) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True))


def chart_pixels(image: Image.Image) -> int:
    blue = tuple(int(PALETTE[0][i : i + 2], 16) for i in (1, 3, 5))
    colours = image.getcolors(maxcolors=1 << 22) or []
    return sum(n for n, rgb in colours if close(rgb, blue, 20))  # type: ignore[arg-type]


@pytest.mark.parametrize(("dark", "background"), [(False, (255, 255, 255)), (True, (13, 17, 23))])
def test_digest_renders_in_chromium(
    tmp_path: Path, dark: bool, background: tuple[int, int, int]
) -> None:
    page = tmp_path / "digest.html"
    html = digest_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    page.write_text(html, encoding="utf-8")
    image = screenshot(page, tmp_path / "shot.png", tmp_path / "profile", dark)
    assert image.size == (1000, 1400)
    colours = image.getcolors(maxcolors=1 << 22)
    assert colours is not None and len(colours) > 200, "the page looks blank"
    assert close(image.getpixel((5, 5)), background), image.getpixel((5, 5))  # type: ignore[arg-type]
    assert chart_pixels(image) > 300, "the chart image did not render"
    ink = sum(n for n, rgb in colours if not close(rgb, background, 40))  # type: ignore[arg-type]
    assert ink > 20_000, "too little text or chart on the page"
