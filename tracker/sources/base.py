"""The source interface: ``fetch()`` does I/O and raises SourceError, ``parse()`` is pure.

Also the small, import-light types of polite fetching that sources and the scrape job share:
``Validators`` (HTTP conditional-request validators), ``NotModified`` (a 304) and
``BudgetExceeded`` (a source made more requests than its budget allows). See
:mod:`tracker.sources.http` for how the client uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from tracker.domain import RawPosting, SourceRef


class SourceError(Exception):
    """A fetch or parse failure. The run is recorded as failed; nothing is closed."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Validators:
    """A board's HTTP validators: the ``ETag`` and ``Last-Modified`` of its last 200 response.

    Sent back as ``If-None-Match`` / ``If-Modified-Since``; an empty ``Validators()`` sends
    nothing but still marks the request as the board's conditional one (its new validators
    are recorded). ``ref.options["_validators"]`` may hold a ``Validators``, a mapping with
    ``etag`` / ``last_modified`` keys, or nothing.
    """

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators give."""
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in found.items() if value}

    @classmethod
    def coerce(cls, value: Any) -> Validators:
        """A ``Validators`` from an option value (``Validators``, mapping or None)."""
        if isinstance(value, Validators):
            return value
        if isinstance(value, Mapping):
            etag = value.get("etag") or value.get("ETag")
            modified = value.get("last_modified") or value.get("Last-Modified")
            return cls(
                etag=str(etag) if etag else None, last_modified=str(modified) if modified else None
            )
        return cls()

    @classmethod
    def of(cls, ref: SourceRef) -> Validators:
        """The validators the scrape job stored for ``ref`` (``options["_validators"]``)."""
        return cls.coerce(ref.options.get("_validators"))


class NotModified(SourceError):
    """HTTP 304: the board is unchanged since the validators sent. Not a failure.

    The scrape job records an ``ok`` run that changes nothing (postings stay open, nothing
    closes). ``validators`` are the ones to keep (the 304's own, completed by those sent).
    """

    def __init__(self, url: str, validators: Validators) -> None:
        super().__init__(f"not modified since the last fetch (HTTP 304 from {url})", 304)
        self.url = url
        self.validators = validators


class SameBody(NotModified):
    """A 200 whose whole body has the digest of the board the last ``ok`` run read: the same
    board, recorded like a 304 without decoding it (lifecycle rule 2)."""

    def __init__(self, url: str, validators: Validators, digest: str) -> None:
        super().__init__(url, validators)
        self.digest = digest


class BudgetExceeded(SourceError):
    """A source needed more requests than its per-run budget; the run fails."""

    def __init__(self, budget: int, key: str | None = None) -> None:
        where = f"{key}: " if key else ""
        super().__init__(f"{where}request budget of {budget} exceeded")
        self.budget = budget
        self.key = key


class Source(Protocol):
    ats: ClassVar[str]

    async def fetch(self, client: Any, ref: SourceRef) -> Any:
        """Fetch the whole board (every page) and return the JSON-able payload."""
        ...

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Turn a payload into postings. Pure; raises SourceError on a malformed payload."""
        ...
