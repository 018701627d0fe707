"""Alembic: the initial migration builds exactly the models' schema, idempotently."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db.session import alembic_config, current_revision, head_revision, make_engine, upgrade
from db.tables import METADATA

TABLES = {
    "company",
    "source",
    "source_lease",
    "run",
    "posting",
    "posting_span",
    "posting_version",
    "posting_place",
    "digest_send",
    "scheduler_job",
    "alert_delivery",
}


def test_upgrade_twice_is_idempotent(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) is True
        assert upgrade(engine) is False
        assert current_revision(engine) == head_revision() == "0009_seen_mark"
        assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def test_migration_matches_the_models(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, METADATA) == []
    finally:
        engine.dispose()


def test_indexes_for_point_in_time_queries(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        inspector = inspect(engine)
        names = {
            table: {ix["name"]: ix["column_names"] for ix in inspector.get_indexes(table)}
            for table in ("posting_span", "posting_version", "posting_place", "run")
        }
        assert names["posting_span"]["ix_posting_span_window"] == ["opened_at", "closed_at"]
        assert names["posting_version"]["ix_posting_version_posting"] == [
            "posting_id",
            "valid_from",
        ]
        assert {"ix_posting_place_country", "ix_posting_place_region"} <= set(
            names["posting_place"]
        )
        assert names["run"]["ix_run_source_observed"] == ["source_id", "observed_at"]
    finally:
        engine.dispose()


def test_downgrade_and_upgrade_again(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert upgrade(engine) is True
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
