"""Running the web view: which token a bind needs, and Uvicorn in the foreground."""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Iterator
from typing import Any, Literal

import typer
from sqlalchemy.engine import Engine

from tracker.settings import ConfigError, ServeSettings, Settings
from tracker.web.guard import is_loopback


def token_for(host: str, conf: ServeSettings) -> str | Literal[False] | None:
    """The token requests must carry: the env var's value when set; None (no token) on
    loopback without it; False when a non-loopback bind has none (refuse to start)."""
    token = conf.token
    if token:
        return token
    return None if is_loopback(host) else False


def display_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


def run(engine: Engine, settings: Settings, host: str, port: int, token: str | None) -> None:
    """Serve until SIGINT/SIGTERM. Port 0 picks a free port (the URL printed is the real one)."""
    import uvicorn

    from tracker.web.app import create_app
    from tracker.web.warm import keep_warm

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)  # connections wait in the backlog until Uvicorn serves them
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    note = f" (token required: {settings.serve.token_env})" if token else ""
    typer.echo(f"serving {display_url(host, bound)}{note}; Ctrl-C stops", err=False)
    app = create_app(engine, settings, token)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    stop = keep_warm(app, token)
    try:
        quiet_server(config).run(sockets=[sock])
    finally:
        stop.set()


def quiet_server(config: Any) -> Any:
    """Uvicorn's Server whose SIGINT/SIGTERM end the serve loop and return (exit 0, like the
    daemon) instead of being raised again once it has stopped."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            def handle(signum: int, frame: Any) -> None:
                self.force_exit = self.should_exit  # a second signal: stop now
                self.should_exit = True

            saved = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, previous in saved.items():
                    signal.signal(sig, previous)

    return Server(config)
