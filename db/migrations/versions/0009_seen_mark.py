"""A lazy ``last_seen``: ``source.seen_mark`` and ``source.seen_until``.

A run that sees exactly what the source's latest run saw (a 304, the same board body, the
unchanged postings of a changed board) no longer rewrites ``last_seen`` of every one of those
postings: it moves the source's ``seen_until`` instead. An open posting whose stored
``last_seen`` is at or after ``seen_mark`` was seen by the source's latest non-failed run and
was last seen at ``seen_until`` (``db.tables.LAST_SEEN``). Both are null until a run sets them,
so the rows stored before this migration read as they did.

The ``open_roles`` view is recreated to show that value. Adding columns does not rebuild the
``source`` table on SQLite (see 0008_views), so the other views stay.

Revision ID: 0009_seen_mark
Revises: 0008_views
Create Date: 2026-11-30
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0009_seen_mark"
down_revision: str | None = "0008_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STORED = "p.last_seen AS last_seen"
EFFECTIVE = (
    "CASE WHEN s.seen_mark IS NOT NULL AND p.last_seen >= s.seen_mark"
    " THEN s.seen_until ELSE p.last_seen END AS last_seen"
)


def _views() -> ModuleType:
    """Migration 0008's module (it writes the views' SQL), loaded from this folder."""
    path = Path(__file__).with_name("0008_views.py")
    spec = importlib.util.spec_from_file_location("tracker_migration_0008_views", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _open_roles() -> str:
    """``open_roles`` as 0008 made it, with the lazy ``last_seen``."""
    sql: str = _views()._open_roles(op.get_bind().dialect.name)
    assert STORED in sql
    return sql.replace(STORED, EFFECTIVE)


def upgrade() -> None:
    """Add ``source.seen_mark`` and ``source.seen_until``; ``open_roles`` reads through them."""
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("seen_mark", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("seen_until", sa.DateTime(), nullable=True))
    op.execute("DROP VIEW IF EXISTS open_roles")
    op.execute(_open_roles())


def downgrade() -> None:
    """Write every lazy ``last_seen`` back to its posting, then drop the two columns (which
    rebuilds ``source`` on SQLite: every view is dropped first and made again after)."""
    views = _views()
    views.drop_views()
    op.execute(
        "UPDATE posting SET last_seen = (SELECT s.seen_until FROM source s"
        " WHERE s.id = posting.source_id) WHERE posting.closed_at IS NULL AND EXISTS"
        " (SELECT 1 FROM source s WHERE s.id = posting.source_id AND s.seen_mark IS NOT NULL"
        " AND posting.last_seen >= s.seen_mark)"
    )
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        for column in ("seen_until", "seen_mark"):  # in place: no rebuild under the FKs
            op.execute(f"ALTER TABLE source DROP COLUMN {column}")
    else:
        with op.batch_alter_table("source") as batch:
            batch.drop_column("seen_until")
            batch.drop_column("seen_mark")
    views.create_views()
