"""Per-posting list signature, for ATSs that fetch details only for new or changed postings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``posting.signature``."""
    with op.batch_alter_table("posting") as batch:
        batch.add_column(sa.Column("signature", sa.String(), nullable=True))


def downgrade() -> None:
    """Drop ``posting.signature``."""
    with op.batch_alter_table("posting") as batch:
        batch.drop_column("signature")
