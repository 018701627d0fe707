"""Alert deliveries: each (rule, channel, event, posting, ref) notified once.

Revision ID: 0005_alerts
Revises: 0004_pay
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_alerts"
down_revision: str | None = "0004_pay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``alert_delivery``."""
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.Column("happened_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_delivery")),
        sa.UniqueConstraint(
            "rule",
            "channel",
            "event",
            "posting_id",
            "ref",
            name=op.f("uq_alert_delivery_rule_channel_event_posting_id_ref"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_alert_delivery_status", "alert_delivery", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    """Drop ``alert_delivery``."""
    op.drop_index("ix_alert_delivery_status", table_name="alert_delivery")
    op.drop_table("alert_delivery")
