"""``tracker serve``: the read-only web view."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli_common import app, database, handled, settings
from tracker.settings import ConfigError


@app.command()
@handled
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to bind (config serve.host; 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=0, max=65535, help="Port (config serve.port; 8000).")
    ] = None,
) -> None:
    """Serve the read-only web view. Any address beyond loopback needs the token from the env
    var named by the config's serve.token_env (TRACKER_SERVE_TOKEN): `Authorization: Bearer`.

    Example: tracker serve --port 8000
    """
    from tracker.web.serve import run, token_for

    conf = settings().serve
    bind = host or conf.host
    token = token_for(bind, conf)
    if token is False:
        raise ConfigError(
            f"refusing to serve on {bind} without a token: set {conf.token_env} (or bind 127.0.0.1)"
        )
    run(database(write=False), settings(), bind, conf.port if port is None else port, token)
