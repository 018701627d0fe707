"""A real HTTP server on 127.0.0.1 for tests: scripted replies, request stats. Stdlib only.

Usage::

    from tests.loopback import LoopbackServer, Reply

    with LoopbackServer() as server:                       # binds 127.0.0.1 on a free port
        server.add("/v1/boards/acme/jobs", Reply(json={"jobs": []}))
        server.add(                                        # a sequence: one reply per request,
            "/v0/postings/acme",                           # the last one repeats
            Reply(status=503),
            Reply(status=429, headers={"Retry-After": "1"}),
            Reply(json=[]),
        )
        server.add_file("/posting-api/job-board/acme", Path("tests/fixtures/ashby/board.json"))
        api_base = server.base_url                         # "http://127.0.0.1:PORT"
        url = server.url("/v1/boards/acme/jobs")           # base_url + path
        ...
        server.count("/v0/postings/acme")                  # requests received on that path
        server.max_in_flight("/v0/postings/acme")          # peak concurrent requests on it
        server.max_in_flight()                             # peak over the whole server
        server.requests("/v0/postings/acme")[0].headers["user-agent"]

In pytest, the ``board_server`` fixture (``tests/sources/conftest.py``) yields a started server
and stops it afterwards; copy that three-line fixture to use it elsewhere.

``Reply`` fields:

- ``status`` (200), ``headers`` (extra response headers, e.g. ``{"Retry-After": "2"}``);
- the body: ``json=`` (any JSON-able value, sent as ``application/json``) or ``body=`` (bytes or
  str, sent with ``content_type``, default ``application/json``);
- ``delay``: seconds to wait before answering (for client timeouts); the wait ends early when
  the server stops;
- ``truncate``: declare the full ``Content-Length`` but send only the first half of the body,
  then close the connection;
- ``close``: answer nothing at all, just close the connection;
- ``chunked``: send the body with ``Transfer-Encoding: chunked`` (no ``Content-Length``), in
  1 KiB chunks.

A reply may also be a function of the request, for boards that answer by query or body
(offsets, facets)::

    server.add("/wday/cxs/acme/External/jobs", lambda req: Reply(json=page_for(req.body)),
               method="POST")

Routes match on method and path; the query string is ignored for matching and recorded in
``Recorded.query``. A path with no route gets 404 with a JSON error body. ``reset()`` clears
routes and stats.
"""

from __future__ import annotations

import contextlib
import json as jsonlib
import socket
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TypeAlias
from urllib.parse import parse_qs, urlsplit

_UNSET: Any = object()


@dataclass(frozen=True)
class Reply:
    """One scripted response (see the module docstring)."""

    status: int = 200
    json: Any = _UNSET
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    truncate: bool = False
    close: bool = False
    chunked: bool = False

    def payload(self) -> bytes:
        """The body bytes to send."""
        if self.json is not _UNSET:
            return jsonlib.dumps(self.json).encode("utf-8")
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes


Script: TypeAlias = "Reply | Callable[[Recorded], Reply]"


class _Stats:
    """Thread-safe counters: requests and in-flight peaks, per path and overall."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, int] = defaultdict(int)
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peaks: dict[str, int] = defaultdict(int)
        self.total_in_flight = 0
        self.total_peak = 0
        self.log: list[Recorded] = []

    def enter(self, record: Recorded) -> None:
        with self.lock:
            self.log.append(record)
            self.counts[record.path] += 1
            self.in_flight[record.path] += 1
            self.peaks[record.path] = max(self.peaks[record.path], self.in_flight[record.path])
            self.total_in_flight += 1
            self.total_peak = max(self.total_peak, self.total_in_flight)

    def leave(self, path: str) -> None:
        with self.lock:
            self.in_flight[path] -= 1
            self.total_in_flight -= 1


class _QuietServer(ThreadingHTTPServer):
    """Ignores clients hanging up (timeouts, aborted reads); reports anything else."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Threaded HTTP/1.1 server on 127.0.0.1 with scripted routes; a context manager."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], list[Script]] = {}
        self._served: dict[tuple[str, str], int] = defaultdict(int)
        self._lock = threading.Lock()
        self._stats = _Stats()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        handler = type("Handler", (_Handler,), {"server_ref": self})
        httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; pending delays end at once."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- configuration ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (use it as a source's ``api_base``)."""
        if self._httpd is None:
            raise RuntimeError("LoopbackServer is not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    def add(self, path: str, *replies: Script, method: str = "GET") -> None:
        """Script ``path``: each request gets the next reply; the last one repeats.

        A reply that is a function is called with the request (``Recorded``) to make the reply.
        """
        if not replies:
            raise ValueError("add() needs at least one Reply")
        with self._lock:
            self._routes[(method.upper(), path)] = list(replies)
            self._served[(method.upper(), path)] = 0

    def add_file(self, path: str, file: str | Path, method: str = "GET", **reply: Any) -> None:
        """Serve a file's bytes at ``path`` (JSON content type unless ``content_type=`` given)."""
        self.add(path, Reply(body=Path(file).read_bytes(), **reply), method=method)

    def reset(self) -> None:
        """Forget every route and statistic."""
        with self._lock:
            self._routes.clear()
            self._served.clear()
            self._stats = _Stats()

    # -- statistics ------------------------------------------------------------------------
    def count(self, path: str | None = None) -> int:
        """Requests received on ``path`` (all paths when None)."""
        stats = self._stats
        with stats.lock:
            return sum(stats.counts.values()) if path is None else stats.counts.get(path, 0)

    def max_in_flight(self, path: str | None = None) -> int:
        """Peak number of requests being handled at once on ``path`` (whole server if None)."""
        stats = self._stats
        with stats.lock:
            return stats.total_peak if path is None else stats.peaks.get(path, 0)

    def requests(self, path: str | None = None) -> list[Recorded]:
        """The requests received (on ``path``, or all), oldest first."""
        stats = self._stats
        with stats.lock:
            return [r for r in stats.log if path is None or r.path == path]

    # -- used by the handler ---------------------------------------------------------------
    def _next_reply(self, method: str, path: str, request: Recorded | None = None) -> Reply | None:
        with self._lock:
            replies = self._routes.get((method, path))
            if replies is None:
                return None
            served = self._served[(method, path)]
            self._served[(method, path)] = served + 1
            reply = replies[min(served, len(replies) - 1)]
        if callable(reply):
            if request is None:  # pragma: no cover - the handler always passes it
                raise RuntimeError("a scripted function needs the request")
            return reply(request)
        return reply


class _Handler(BaseHTTPRequestHandler):
    """Serves one request from the owning LoopbackServer's script."""

    protocol_version = "HTTP/1.1"
    server_ref: LoopbackServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log."""

    def _serve(self) -> None:
        owner = self.server_ref
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        record = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        stats = owner._stats
        stats.enter(record)
        try:
            reply = owner._next_reply(self.command, parts.path, record)
            if reply is None:
                reply = Reply(status=404, json={"error": f"no route for {parts.path}"})
            self._send(reply, owner._stopping)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            stats.leave(parts.path)

    def _send(self, reply: Reply, stopping: threading.Event) -> None:
        if reply.delay and stopping.wait(reply.delay):
            self.close_connection = True
            return
        if reply.close:
            self._hang_up()
            return
        body = reply.payload()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.chunked:
            self._send_chunked(body)
        elif reply.truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._hang_up()
            return
        self.wfile.write(body)
        self.wfile.flush()

    def _send_chunked(self, body: bytes) -> None:
        for start in range(0, len(body), 1024):
            chunk = body[start : start + 1024]
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
