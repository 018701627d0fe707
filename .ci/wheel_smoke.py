"""CI smoke test of an installed wheel, run by that venv's Python from an empty folder.

Serves a shipped demo recording from a loopback HTTP server (port 0), then runs the installed
``tracker``: ``demo``, ``sources import`` of a watchlist pointing at the server, ``scrape``,
``ingest`` and ``roles``; then ``serve`` on a free port (templates and static files come from the
wheel). Standard library only; exits non-zero on the first failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path

BOARD = files("tracker.seeds").joinpath("demo", "greenhouse-anthropic-2026-11-20.json")
TRACKER = str(Path(sys.executable).with_name("tracker"))


class Board(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/v1/boards/anthropic/jobs":
            self.send_error(404)
            return
        body = BOARD.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def tracker(*args: str) -> str:
    print("$ tracker", " ".join(args), flush=True)
    done = subprocess.run([TRACKER, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"tracker {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def main() -> None:
    if any(Path.cwd().iterdir()):
        sys.exit(f"run me from an empty folder, not {Path.cwd()}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Board)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    tracker("demo", "--html", "demo.html")
    Path("watchlist.toml").write_text(
        f'[[source]]\ncompany = "Anthropic"\nats = "greenhouse"\ntoken = "anthropic"\n'
        f'departments = ["Compute"]\napi_base = "{base}"\n',
        encoding="utf-8",
    )
    tracker("--db", "scraped.db", "sources", "import", "watchlist.toml")
    print(tracker("--db", "scraped.db", "scrape"))
    scraped = json.loads(tracker("--db", "scraped.db", "roles", "--format", "json"))
    tracker("--db", "ingested.db", "sources", "import", "seeds/watchlist.toml")
    tracker(
        "--db", "ingested.db", "ingest", str(BOARD), "--source", "greenhouse:anthropic",
        "--observed-at", "2026-11-20",
    )  # fmt: skip
    ingested = json.loads(tracker("--db", "ingested.db", "roles", "--format", "json"))
    server.shutdown()
    if not scraped or len(scraped) != len(ingested):
        sys.exit(f"scrape found {len(scraped)} compute roles, ingest {len(ingested)}")
    serve_smoke("ingested.db")
    print(f"wheel smoke test passed: {len(scraped)} compute roles scraped and ingested; served")


def serve_smoke(db: str) -> None:
    """``tracker serve --port 0``: the roles page and the stylesheet answer, then SIGTERM."""
    import re
    import urllib.request

    print(f"$ tracker --db {db} serve --port 0", flush=True)
    proc = subprocess.Popen(
        [TRACKER, "--db", db, "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"serving (http://\S+/)", line)
        if not found:
            sys.exit(f"tracker serve did not start: {line!r}")
        for path in ("roles", "static/style.css"):
            with urllib.request.urlopen(found.group(1) + path, timeout=30) as reply:
                if reply.status != 200:
                    sys.exit(f"tracker serve: /{path} answered {reply.status}")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


if __name__ == "__main__":
    main()
