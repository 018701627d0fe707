"""The web view's gate, on every request: read-only methods, the token, safe response headers.

- Only GET and HEAD exist: any other method is 405, before anything else runs.
- When a token is required (any non-loopback bind; a loopback bind too once the token's env var
  is set), each request must carry it: ``Authorization: Bearer TOKEN``, ``?token=TOKEN`` (which
  also sets an HttpOnly cookie for the pages that follow) or that cookie. Missing: 401; wrong:
  403. Compared in constant time (:func:`hmac.compare_digest`).
- Without a token (a loopback bind), only requests whose ``Host`` is a loopback name are
  answered (400 otherwise): a web page cannot reach the view through DNS rebinding.
- Every response forbids scripts, frames and sniffing and sends no Referer.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "tracker_token"
METHODS = ("GET", "HEAD")
LOOPBACK_ONLY = "400 without a token this view answers to 127.0.0.1 and localhost only\n"
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(scope: Scope) -> str:
    """The name in the request's ``Host`` header, without the port (``[::1]:8000`` -> ``::1``)."""
    host = Headers(scope=scope).get("host", "").strip()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def token_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (no timing hint of how much of a guess was right)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def presented(scope: Scope) -> tuple[str | None, bool]:
    """(the token the request carries, whether it came in the query string)."""
    headers = Headers(scope=scope)
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip(), False
    query = QueryParams(scope.get("query_string", b""))
    if query.get("token"):
        return query.get("token"), True
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value, False
    return None, False


class Guard:
    """ASGI middleware around the whole app (see the module docstring)."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secured = _with_headers(send, set_cookie=None)
        if scope["method"] not in METHODS:
            reply = PlainTextResponse("405 method not allowed: this view is read-only\n", 405)
            reply.headers["allow"] = ", ".join(METHODS)
            await reply(scope, receive, secured)
            return
        if self.token is None and not is_loopback(host_name(scope)):
            reply = PlainTextResponse(
                "400 this view answers to 127.0.0.1 and localhost only\n", 400
            )
            await reply(scope, receive, secured)
            return
        cookie = None
        if self.token is not None:
            given, in_query = presented(scope)
            if given is None:
                reply = PlainTextResponse("401 a token is needed (Authorization: Bearer)\n", 401)
                reply.headers["www-authenticate"] = "Bearer"
                await reply(scope, receive, secured)
                return
            if not token_matches(given, self.token):
                await PlainTextResponse("403 wrong token\n", 403)(scope, receive, secured)
                return
            if in_query:
                cookie = f"{COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict"
        await self.app(scope, receive, _with_headers(send, set_cookie=cookie))


def _with_headers(send: Send, set_cookie: str | None) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[Any] = list(message.get("headers", []))
            present = {bytes(k).lower() for k, _ in headers}
            for key, value in SECURITY_HEADERS.items():
                if key.encode() not in present:
                    headers.append((key.encode(), value.encode()))
            if set_cookie:
                headers.append((b"set-cookie", set_cookie.encode("latin-1")))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
