"""PostgreSQL schemas for tests: a fresh empty one per test (``fresh``), or one migrated to head
once per test session (per pytest-xdist worker) and emptied before each test that asks for a
migrated database (``MigratedSchema``), which saves a full migration per test.

Emptied means every table but ``alembic_version`` truncated with its identities restarted. When
that cannot be done quickly (a test changed the schema or its revision, or a leaked connection
holds a lock), the next test gets a freshly migrated schema instead, so no test sees another's
rows or schema changes.
"""

from __future__ import annotations

import contextlib
import uuid
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

LOCK_TIMEOUT = "5s"  # waiting longer for a stray lock than a migration takes is pointless


def schema_url(base: str, schema: str) -> str:
    """``base`` with its ``search_path`` set to ``schema``."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def create_schema(admin: Engine) -> str:
    """A new empty schema with a unique name."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema


def drop_schema(admin: Engine, schema: str, lock_timeout: str | None = None) -> None:
    """Drop ``schema``; with ``lock_timeout``, fail instead of waiting longer for a lock."""
    with admin.connect() as conn:
        if lock_timeout:
            conn.execute(text(f"SET lock_timeout = '{lock_timeout}'"))
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


class MigratedSchema:
    """One schema at head, handed out empty to one test at a time."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
        self.schema: str | None = None
        self.tables: set[str] = set()
        self.made: list[str] = []

    def url(self) -> str:
        """The URL of an empty schema at head."""
        if self.schema is None or not self._emptied(self.schema):
            self.schema = self._migrated()
        return schema_url(self.base, self.schema)

    def close(self) -> None:
        for schema in self.made:
            with contextlib.suppress(SQLAlchemyError):  # a leaked lock: leave it to the drop
                drop_schema(self.admin, schema, LOCK_TIMEOUT)  # of the throwaway database
        self.admin.dispose()

    def _migrated(self) -> str:
        from db.session import make_engine, upgrade

        schema = create_schema(self.admin)
        self.made.append(schema)
        engine = make_engine(schema_url(self.base, schema))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        self.tables = self._table_names(schema)
        return schema

    def _table_names(self, schema: str) -> set[str]:
        with self.admin.connect() as conn:
            rows = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            )
            return {str(r[0]) for r in rows}

    def _emptied(self, schema: str) -> bool:
        from db.session import head_revision

        try:
            if self._table_names(schema) != self.tables:
                return False
            with self.admin.connect() as conn:
                conn.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
                version = conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version'))
                if [r[0] for r in version] != [head_revision()]:
                    return False
                data = sorted(self.tables - {"alembic_version"})
                names = ", ".join(f'"{schema}"."{t}"' for t in data)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        except SQLAlchemyError:
            return False
        return True
