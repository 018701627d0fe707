"""Jinja2 pages (autoescaped) and the small formatting helpers the templates use."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tracker.report.inert import clean

NAV = (
    ("home", "/", "Overview"),
    ("diff", "/diff", "Diff"),
    ("roles", "/roles", "Roles"),
    ("sources", "/sources", "Sources"),
)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tracker.web", "templates"),
        autoescape=select_autoescape(default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clean"] = clean
    env.filters["day"] = day
    return env


def day(value: datetime | None) -> str:
    """``2026-11-20`` (UTC), or an empty string."""
    return value.strftime("%Y-%m-%d") if value is not None else ""


def page(
    request: Request, template: str, active: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A whole page: the template under the shared header and navigation."""
    html = (
        environment()
        .get_template(template)
        .render(nav=NAV, active=active, query=request.url.query, **context)
    )
    return HTMLResponse(html, status_code=status)
