"""Digest sends (exactly once per period) and the daemon's APScheduler job store table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

``scheduler_job`` has the exact shape of APScheduler 3's ``SQLAlchemyJobStore`` table, so the
job store finds it and creates nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``digest_send`` and ``scheduler_job``."""
    op.create_table(
        "digest_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.DateTime(), nullable=False),
        sa.Column("period_end", sa.DateTime(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("claim", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_send")),
        sa.UniqueConstraint("claim", name=op.f("uq_digest_send_claim")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_digest_send_period", "digest_send", ["period_end", "period_start"], unique=False
    )
    op.create_table(
        "scheduler_job",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_job")),
    )
    op.create_index(
        "ix_scheduler_job_next_run_time", "scheduler_job", ["next_run_time"], unique=False
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("scheduler_job")
    op.drop_table("digest_send")
