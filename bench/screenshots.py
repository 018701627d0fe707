"""Screenshots of the web view for the docs: each page in light mode, and dark ones.

    python bench/screenshots.py [--out docs/screenshots]

Builds the demo database (``tracker demo --out``), starts ``tracker serve`` on a free loopback
port and drives the OS's headless Chromium (``chromium`` + ``chromium-driver``) with Selenium;
dark mode through CDP ``Emulation.setEmulatedMedia``. Writes PNGs; not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.live import (  # noqa: E402
    browser_available,
    chromium,
    color_scheme,
    demo_database,
    full_page_png,
    serving,
)

SHOTS = (  # (file stem, path, schemes)
    ("home", "/?to=2026-11-21", ("light", "dark")),
    ("diff", "/diff?from=2026-04-01&to=2026-11-21", ("light", "dark")),
    ("roles", "/roles?all=1&sort=-pay&per=25", ("light", "dark")),
    ("role", "/roles/{id}", ("light",)),
    ("sources", "/sources", ("light",)),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not browser_available():
        sys.exit("needs the OS packages chromium and chromium-driver")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = demo_database(Path(folder))
        with serving(db) as url, chromium() as driver:
            import httpx

            roles = httpx.get(url + "api/roles?sort=-pay").json()
            paid = next((r["id"] for r in roles if r["salary"]), roles[0]["id"])
            for stem, path, schemes in SHOTS:
                for scheme in schemes:
                    color_scheme(driver, scheme)
                    driver.get(url + path.format(id=paid).lstrip("/"))
                    target = args.out / f"{stem}-{scheme}.png"
                    target.write_bytes(full_page_png(driver))
                    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


if __name__ == "__main__":
    main()
