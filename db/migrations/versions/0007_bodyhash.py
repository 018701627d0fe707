"""A digest of each run's whole fetched board: ``run.body_hash``.

An ``ok`` run stores the digest of the board it read (Greenhouse, Lever: one GET returns the
whole board); the next run that fetches a board with the same digest records it like a
304 Not Modified, without parsing it again.

Revision ID: 0007_bodyhash
Revises: 0006_lock
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007_bodyhash"
down_revision: str | None = "0006_lock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``run.body_hash``."""
    with op.batch_alter_table("run") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(length=40), nullable=True))


def downgrade() -> None:
    """Drop ``run.body_hash``."""
    with op.batch_alter_table("run") as batch:
        batch.drop_column("body_hash")
