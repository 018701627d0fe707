"""Keep the main pages built: a background thread asks for them now and then, so the page
cache (:mod:`tracker.web.cache`) holds them when people come. A page is rebuilt only when the
data changed or its cached copy expired; otherwise a visit costs one small query."""

from __future__ import annotations

import logging
import threading
import warnings

from starlette.types import ASGIApp

PATHS = ("/", "/diff", "/roles", "/sources")
EVERY = 60.0  # seconds between rounds
log = logging.getLogger("tracker.web")


def keep_warm(app: ASGIApp, token: str | None, every: float = EVERY) -> threading.Event:
    """Start the thread (a first round right away); set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=_loop, args=(app, token, every, stop), name="tracker-web-warm", daemon=True
    )
    thread.start()
    return stop


def _loop(app: ASGIApp, token: str | None, every: float, stop: threading.Event) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient  # in-process: no socket, no access log

    headers = {"authorization": f"Bearer {token}"} if token else {}
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    while not stop.is_set():
        for path in PATHS:
            if stop.is_set():
                break
            try:
                client.get(path, headers=headers)
            except Exception:  # never take the server down; the page shows its own error
                log.warning("warming %s failed", path, exc_info=True)
        stop.wait(every)
