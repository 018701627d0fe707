"""The ASGI app of ``tracker serve``: routes, error pages and the gate (:mod:`tracker.web.guard`).

Every route is GET (HEAD too); handlers are plain functions, which Starlette runs in its thread
pool, over one read-only engine. Bad input is a 400 page (JSON under ``/api/``) with the CLI's
one-line message; nothing answers with a traceback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from tracker.errors import ConfigError
from tracker.settings import Settings
from tracker.web import api, pages, roles
from tracker.web.cache import PageCache, new_entry
from tracker.web.guard import Guard
from tracker.web.params import with_params
from tracker.web.render import page

log = logging.getLogger("tracker.web")


Handler = Callable[[Request], Response]
PAGES: tuple[tuple[str, Handler], ...] = (
    ("/", pages.home),
    ("/diff", pages.diff_page),
    ("/roles", roles.roles_page),
    ("/roles.csv", roles.roles_csv),
    ("/roles/{posting_id:int}", roles.role_page),
    ("/sources", api.sources_page),
    ("/feed.xml", api.feed),
    ("/api/roles", api.api_roles),
    ("/api/count", api.api_count),
    ("/api/diff", api.api_diff),
    ("/api/trend", api.api_trend),
)


def guarded(handler: Handler) -> Handler:
    """Bad input -> 400 with its one line; any other failure -> one line, never a traceback.
    Pages (not ``/api/*``) are reused from the cache while the data is unchanged."""

    @functools.wraps(handler)
    def run(request: Request) -> Response:
        cache: PageCache | None = request.app.state.cache
        if cache is None or request.url.path.startswith("/api/"):
            return answer(handler, request)
        key = (request.url.path, with_params(request.query_params))
        stamp = cache.stamp()  # before building: a run landing meanwhile makes it stale
        hit = cache.get(key, stamp)
        if hit is not None:
            return Response(hit.body, media_type=hit.media_type, headers=dict(hit.headers))
        response = answer(handler, request)
        if response.status_code == 200:
            kept = {k: v for k, v in response.headers.items() if k == "content-disposition"}
            media = response.media_type or "text/html"
            cache.put(key, new_entry(stamp, bytes(response.body), media, kept))
        return response

    return run


def answer(handler: Handler, request: Request) -> Response:
    try:
        return handler(request)
    except ConfigError as exc:
        return error_response(request, 400, str(exc))
    except HTTPException as exc:
        return error_response(request, exc.status_code, str(exc.detail))
    except Exception as exc:
        return server_error(request, exc)


def routes() -> list[BaseRoute]:
    get = ["GET"]  # Starlette adds HEAD; the gate refuses every other method
    return [
        *(Route(path, guarded(handler), methods=get) for path, handler in PAGES),
        Mount("/static", StaticFiles(packages=[("tracker.web", "static")]), name="static"),
    ]


def error_response(request: Request, status: int, message: str) -> Response:
    """One line: JSON ``{"error": ...}`` under /api/, a small page elsewhere."""
    if request.url.path.startswith("/api/"):
        return api.json_response({"error": message}, status)
    if request.url.path.endswith((".xml", ".csv")):
        return Response(message + "\n", status, media_type="text/plain; charset=utf-8")
    return page(request, "error.html.j2", "", status=status, title=str(status), message=message)


def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(request, exc.status_code, str(exc.detail))


def server_error(request: Request, exc: Exception) -> Response:
    """Database trouble is one line (503); anything else is logged and a plain 500."""
    module = type(exc).__module__
    if module.startswith(("sqlalchemy", "psycopg")) or type(exc).__name__ == "DatabaseError":
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        log.warning("database error on %s: %s", request.url.path, first)
        return error_response(request, 503, f"database error: {first}")
    log.exception("error on %s", request.url.path)
    return error_response(request, 500, "internal error (see the server's log)")


def create_app(
    engine: Engine, settings: Settings, token: str | None = None, *, cache: bool = True
) -> ASGIApp:
    """The web view over ``engine``; ``token`` (when set) is required on every request;
    ``cache`` reuses built pages until the data changes (:mod:`tracker.web.cache`)."""
    handlers: dict[Any, Any] = {HTTPException: http_error}
    app = Starlette(routes=routes(), exception_handlers=handlers)
    app.state.engine = engine
    app.state.settings = settings
    app.state.cache = PageCache(engine) if cache else None
    return Guard(app, token)
