"""The ORM classes the writers use (``CompanyRow``, ``SourceRow``), mapped onto the Core tables
of :mod:`db.tables`.

Only source upserts go through the ORM; every other read and write is Core. This module (and
with it ``sqlalchemy.orm``) loads on first use of these names, so query commands never pay for
it. Constructing a row fills the same Python-side defaults the SQLModel classes did.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.orm import registry, relationship

from db.tables import COMPANY, SOURCE, utcnow

__all__ = ["CompanyRow", "SourceRow"]


class _Row:
    """A mapped row: keyword construction, unset columns get their Python-side defaults."""

    _defaults: ClassVar[dict[str, Callable[[], Any]]] = {}

    def __init__(self, **values: Any) -> None:
        for name, make in self._defaults.items():
            values.setdefault(name, make())
        for name, value in values.items():
            if not hasattr(type(self), name):
                raise TypeError(f"{type(self).__name__} has no attribute {name!r}")
            setattr(self, name, value)


class CompanyRow(_Row):
    """A hiring company; ``slug`` is what filters and keys use."""

    _defaults: ClassVar[dict[str, Callable[[], Any]]] = {"id": lambda: None}

    id: int | None
    slug: str
    name: str


class SourceRow(_Row):
    """One configured board (``key`` = ``ats:token``); ``options`` is canonical JSON text."""

    _defaults: ClassVar[dict[str, Callable[[], Any]]] = {
        "id": lambda: None,
        "options": lambda: "{}",
        "api_base": lambda: None,
        "interval": lambda: None,
        "enabled": lambda: True,
        "etag": lambda: None,
        "last_modified": lambda: None,
        "created_at": utcnow,
        "updated_at": utcnow,
    }

    id: int | None
    key: str
    ats: str
    token: str
    company_id: int
    options: str
    api_base: str | None
    interval: str | None
    enabled: bool
    etag: str | None
    last_modified: str | None
    created_at: datetime
    updated_at: datetime
    company: CompanyRow


_registry = registry()
_registry.map_imperatively(CompanyRow, COMPANY)
_registry.map_imperatively(
    SourceRow, SOURCE, properties={"company": relationship(CompanyRow, lazy="joined")}
)
