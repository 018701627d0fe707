"""Every pay band of a version and the pay lines it was read from (issue 9).

``posting_version.salary_bands``: JSON array of every band (primary first, native amounts,
period, source, label, US-dollar amounts at the version's date); null on versions stored
before, which had only the primary band. ``posting_version.pay_lines``: JSON array of the pay
text snippets the bands were read from, so ``tracker renormalize`` can re-read prose pay
without the raw payload.

Revision ID: 0004_pay
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_pay"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``posting_version.salary_bands`` and ``posting_version.pay_lines``."""
    with op.batch_alter_table("posting_version") as batch:
        batch.add_column(sa.Column("salary_bands", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pay_lines", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop both columns."""
    with op.batch_alter_table("posting_version") as batch:
        batch.drop_column("pay_lines")
        batch.drop_column("salary_bands")
