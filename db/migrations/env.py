"""Alembic environment for dc-hiring-tracker.

``db.session.upgrade`` passes an open connection in ``config.attributes["connection"]``; without
one, an engine is built from the ``sqlalchemy.url`` main option (``db.session.make_engine``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from db.tables import METADATA

target_metadata = METADATA


def _configure_and_run(connection: Connection) -> None:
    """Run the migrations on ``connection`` (batch mode on SQLite, for ALTERs)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade --sql``)."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection when given, else connect to ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from db.session import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url configured")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
