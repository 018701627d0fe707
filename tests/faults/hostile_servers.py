"""Hostile boards on 127.0.0.1 for the fault tests, and the real ``tracker`` process.

``HostileServer`` is a threaded HTTP/1.1 server on a free loopback port (optionally TLS) whose
routes are set and swapped while it runs::

    with HostileServer() as board:
        board.route("/v1/boards/acme/jobs", json_body(gh_board(3)))
        board.route("/v1/boards/slow/jobs", drip(payload, every=0.2))      # 1 byte per 0.2 s
        board.route("/v1/boards/moved/jobs", redirect("http://169.254.169.254/latest/"))
        board.count("/v1/boards/acme/jobs")

``run_tracker(args, cwd, env)`` runs the installed console script in a real process (with a
generous safety timeout that only guards the test run; no assertion is about time).
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

Handler = Callable[[BaseHTTPRequestHandler, threading.Event], None]
GUARD_SECONDS = 120  # a hung process fails the test instead of hanging the suite


def json_body(data: Any, raw: str | None = None, status: int = 200) -> Handler:
    """Answer with ``data`` as JSON (or the ``raw`` text, for NaN and friends)."""
    body = (raw if raw is not None else json.dumps(data)).encode("utf-8")

    def send(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return send


def drip(data: Any, every: float = 0.2) -> Handler:
    """Headers at once, then the JSON body one byte every ``every`` seconds."""
    body = json.dumps(data).encode("utf-8")

    def send(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        for i in range(len(body)):
            if stopping.wait(every):
                return
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()

    return send


def redirect(location: str, status: int = 302) -> Handler:
    def send(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return send


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on a drip are expected."""


class HostileServer:
    """See the module docstring. ``cert``/``key`` serve HTTPS."""

    def __init__(self, cert: Path | None = None, key: Path | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.cert, self.key = cert, key
        self.scheme = "https" if cert else "http"
        self.httpd: _Server | None = None

    def route(self, path: str, handler: Handler) -> None:
        with self.lock:
            self.routes[path] = handler

    def count(self, path: str | None = None) -> int:
        with self.lock:
            return sum(self.counts.values()) if path is None else self.counts[path]

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return int(self.httpd.server_address[1])

    def base(self, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}"

    def __enter__(self) -> HostileServer:
        owner = self

        class Handle(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with owner.lock:
                    owner.counts[path] += 1
                    handler = owner.routes.get(path)
                try:
                    if handler is None:
                        json_body({"error": "no such board"}, status=404)(self, owner.stopping)
                    else:
                        handler(self, owner.stopping)
                except OSError:
                    self.close_connection = True

            do_POST = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.httpd = _Server(("127.0.0.1", 0), Handle)
        if self.cert and self.key:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self.cert), str(self.key))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


def self_signed_cert(folder: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1 made with the openssl command (None without it)."""
    if shutil.which("openssl") is None:
        return None
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(crt), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    def one_error_line(self) -> str:
        """The single ``error:`` line on stderr (asserting there is nothing else)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        assert "Traceback" not in self.stderr, self.stderr
        assert len(lines) == 1 and lines[0].startswith("error: "), self.stderr
        return lines[0]


def tracker_command() -> list[str]:
    script = Path(sys.executable).parent / "tracker"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker.cli"]


KEPT = ("TRACKER_CACHE_DIR", "TRACKER_FX_FILE", "TRACKER_ECB_URL")


def run_tracker(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, **kwargs: Any
) -> Ran:
    """``tracker ARGS`` in a real process, in ``cwd``, without inherited tracker env vars
    (but with the test session's own cache folder and rates file: see ``tests/conftest.py``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_") or k in KEPT}
    base["COLUMNS"] = "200"
    done = subprocess.run(
        [*tracker_command(), *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=GUARD_SECONDS,
        check=False,
        **kwargs,
    )
    return Ran(done.returncode, done.stdout, done.stderr)
