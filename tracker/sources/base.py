"""The source interface: ``fetch()`` does I/O and raises SourceError, ``parse()`` is pure."""

from __future__ import annotations

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


class Source(Protocol):
    ats: ClassVar[str]

    async def fetch(self, client: Any, ref: SourceRef) -> Any:
        """Fetch the whole board (every page) and return the JSON-able payload."""
        ...

    def parse(self, payload: Any, ref: SourceRef) -> list[RawPosting]:
        """Turn a payload into postings. Pure; raises SourceError on a malformed payload."""
        ...
