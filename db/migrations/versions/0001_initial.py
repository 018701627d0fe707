"""Initial schema: companies, sources, runs and posting history.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Datetimes are naive UTC (``db.tables.UTCDateTime`` adds the zone back on read). Plain
``sa.DateTime`` is used here so this migration never depends on application code.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _indexes(table: str, indexes: dict[str, list[str]]) -> None:
    for name, columns in indexes.items():
        op.create_index(name, table, columns, unique=False)


def upgrade() -> None:
    """Create the seven tables and their indexes."""
    op.create_table(
        "company",
        _id(),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        _pk("company"),
        sa.UniqueConstraint("slug", name=op.f("uq_company_slug")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "source",
        _id(),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("ats", sa.String(), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("api_base", sa.Text(), nullable=True),
        sa.Column("interval", sa.String(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("source", "company_id", "company"),
        _pk("source"),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
        sqlite_autoincrement=True,
    )
    _indexes("source", {"ix_source_company_id": ["company_id"]})

    op.create_table(
        "run",
        _id(),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("seen", "new", "changed", "closed", "reopened", "unchanged")
        ),
        _fk("run", "source_id", "source"),
        _pk("run"),
        sqlite_autoincrement=True,
    )
    _indexes("run", {"ix_run_source_observed": ["source_id", "observed_at"]})

    op.create_table(
        "posting",
        _id(),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        _fk("posting", "company_id", "company"),
        _fk("posting", "source_id", "source"),
        _pk("posting"),
        sa.UniqueConstraint(
            "source_id", "external_id", name=op.f("uq_posting_source_id_external_id")
        ),
        sqlite_autoincrement=True,
    )
    _indexes(
        "posting",
        {
            "ix_posting_closed_at": ["closed_at"],
            "ix_posting_company": ["company_id"],
            "ix_posting_first_seen": ["first_seen"],
            "ix_posting_source_closed": ["source_id", "closed_at"],
        },
    )

    op.create_table(
        "posting_span",
        _id(),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        _fk("posting_span", "posting_id", "posting"),
        _pk("posting_span"),
        sqlite_autoincrement=True,
    )
    _indexes(
        "posting_span",
        {
            "ix_posting_span_posting": ["posting_id", "opened_at"],
            "ix_posting_span_window": ["opened_at", "closed_at"],
        },
    )

    op.create_table(
        "posting_version",
        _id(),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_to", sa.DateTime(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("compute", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("category_rule", sa.Text(), nullable=True),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_currency", sa.String(), nullable=True),
        sa.Column("salary_period", sa.String(), nullable=True),
        sa.Column("salary_min_usd", sa.Float(), nullable=True),
        sa.Column("salary_max_usd", sa.Float(), nullable=True),
        sa.Column("salary_source", sa.String(), nullable=True),
        sa.Column("salary_label", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=False),
        _fk("posting_version", "posting_id", "posting"),
        _fk("posting_version", "run_id", "run"),
        _pk("posting_version"),
        sqlite_autoincrement=True,
    )
    _indexes(
        "posting_version",
        {
            "ix_posting_version_posting": ["posting_id", "valid_from"],
            "ix_posting_version_run": ["run_id"],
        },
    )

    op.create_table(
        "posting_place",
        _id(),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("city", sa.String(), nullable=True),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=True),
        _fk("posting_place", "version_id", "posting_version"),
        _pk("posting_place"),
        sqlite_autoincrement=True,
    )
    _indexes(
        "posting_place",
        {
            "ix_posting_place_country": ["country"],
            "ix_posting_place_region": ["region"],
            "ix_posting_place_version": ["version_id", "position"],
        },
    )


def downgrade() -> None:
    """Drop every table (indexes go with them), children first."""
    for table in (
        "posting_place",
        "posting_version",
        "posting_span",
        "posting",
        "run",
        "source",
        "company",
    ):
        op.drop_table(table)
