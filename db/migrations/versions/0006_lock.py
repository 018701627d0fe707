"""One writer per source: ``source_lease`` (per-source leases) and ``run.writer`` (host:pid).

Revision ID: 0006_lock
Revises: 0005_alerts
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006_lock"
down_revision: str | None = "0005_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``source_lease``; add ``run.writer``."""
    op.create_table(
        "source_lease",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("holder", sa.String(), nullable=True),
        sa.Column("token", sa.String(), nullable=True),
        sa.Column("acquired_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("waiter", sa.String(), nullable=True),
        sa.Column("waiter_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_source_lease")),
    )
    with op.batch_alter_table("run") as batch:
        batch.add_column(sa.Column("writer", sa.String(), nullable=True))


def downgrade() -> None:
    """Drop ``run.writer`` and ``source_lease``."""
    with op.batch_alter_table("run") as batch:
        batch.drop_column("writer")
    op.drop_table("source_lease")
