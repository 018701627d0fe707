"""Guards against hostile boards and hostile watchlists.

- :func:`refuse_off_host_redirect` (an httpx response hook): a redirect is followed only on the
  same host; any other target (another site, a cloud metadata address such as
  169.254.169.254) fails the request with one line naming the target.
- :func:`check_token`: a source's token (and its other path parts, e.g. Workday's ``site``)
  must look like what the ATS allows, so that a token such as ``../../x?y=#`` can never steer
  a request path. Checked when a source is added or imported, and again before each fetch.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tracker.sources.base import SourceError

if TYPE_CHECKING:
    import httpx

# What each ATS accepts in the path part a token fills. Default: letters, digits, ``-`` ``_``
# ``.`` (never ``..``), up to 100 characters. Workday's host is a host name.
_DEFAULT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
TOKEN_PATTERNS: dict[str, re.Pattern[str]] = {}
# Options that also become part of a request path (ats -> option -> pattern).
PATH_OPTIONS: dict[str, dict[str, re.Pattern[str]]] = {
    "workday": {"site": _DEFAULT, "host": _HOST},
}


def check_token(ats: str, token: str, options: dict[str, object] | None = None) -> str | None:
    """A one-line problem with ``token`` (or a path option) for ``ats``, or None when fine."""
    pattern = TOKEN_PATTERNS.get(ats, _DEFAULT)
    if ats == "html":  # the html source's token is only a name; its url option is the page
        pattern = _DEFAULT
    problem = _check("token", token, pattern)
    for name, option_pattern in PATH_OPTIONS.get(ats, {}).items():
        value = (options or {}).get(name)
        if isinstance(value, str):
            problem = problem or _check(name, value, option_pattern)
    return problem


def _check(name: str, value: str, pattern: re.Pattern[str]) -> str | None:
    if pattern.match(value) and ".." not in value:
        return None
    shown = value if len(value) <= 60 else value[:57] + "..."
    return (
        f"bad {name} {shown!r}: use only letters, digits, '-', '_' and '.'"
        if name != "host"
        else f"bad host {shown!r}: expected a host name such as nvidia.wd5.myworkdayjobs.com"
    )


async def refuse_off_host_redirect(response: httpx.Response) -> None:
    """Response hook: a redirect may stay on its host (or upgrade http -> https), nothing else."""
    import httpx

    if not response.has_redirect_location:
        return
    here = response.request.url
    try:
        target = here.join(response.headers["location"])
    except httpx.InvalidURL:
        raise SourceError(f"redirect from {here} to an invalid URL refused") from None
    if not same_host(here, target):
        raise SourceError(f"redirect from {here} to another host refused: {target}")


def same_host(here: httpx.URL, target: httpx.URL) -> bool:
    """Same scheme, host and port; or an http -> https upgrade of the same host name."""
    if target.host.lower() != here.host.lower() or not target.host:
        return False
    if target.scheme == here.scheme:
        return target.port == here.port
    return here.scheme == "http" and target.scheme == "https"
