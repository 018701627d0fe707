"""Read-only SQL views with readable columns for Datasette and ad-hoc SQL: ``open_roles``,
``role_events`` and ``source_health``.

- ``open_roles``: one row per posting open now (``posting.closed_at`` is null), with its current
  version; non-compute roles too (filter on ``compute``). Countries and cities are distinct and
  sorted, ``locations`` is the board's place lines in board order (``; ``-separated).
- ``role_events``: ``opened`` (``detail`` = ``reopened`` after a gap), ``closed`` and ``changed``
  (``detail`` = the changed fields, e.g. ``title, salary``), each with the title and category of
  the version valid at that moment.
- ``source_health``: every source with its latest run, the last ok run and how many runs in a row
  were not ok since then (failed or suspect).

The views are plain SQL over the tables, written once per dialect (SQLite, PostgreSQL).

Careful with later migrations: on SQLite, ``batch_alter_table`` may rebuild a table (create a
copy, drop the table, rename the copy), and the rename fails while a view refers to the table.
A later migration that rebuilds ``posting``, ``posting_span``, ``posting_version``,
``posting_place``, ``source``, ``company`` or ``run`` must drop these views first and recreate
them after (call :func:`drop_views` and :func:`create_views` of this module). Adding a column
with ``batch.add_column`` does not rebuild the table; dropping or altering one does. The
``renormalize`` path rewrites rows in place and never rebuilds tables.

Revision ID: 0008_views
Revises: 0007_bodyhash
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_views"
down_revision: str | None = "0007_bodyhash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("open_roles", "role_events", "source_health")


def _distinct_places(column: str, version: str, dialect: str) -> str:
    """Distinct sorted values of a place column of a version, ``, ``-separated (or null)."""
    if dialect == "postgresql":
        return (
            f"(SELECT string_agg(DISTINCT pl.{column}, ', ' ORDER BY pl.{column}) "
            f"FROM posting_place pl WHERE pl.version_id = {version})"
        )
    return (
        f"(SELECT group_concat(x, ', ') FROM (SELECT DISTINCT pl.{column} AS x "
        f"FROM posting_place pl WHERE pl.version_id = {version} AND pl.{column} IS NOT NULL "
        f"ORDER BY pl.{column}))"
    )


def _place_lines(version: str, dialect: str) -> str:
    """A version's raw place lines in board order, ``; ``-separated (or null)."""
    if dialect == "postgresql":
        return (
            "(SELECT string_agg(pl.raw, '; ' ORDER BY pl.position) "
            f"FROM posting_place pl WHERE pl.version_id = {version})"
        )
    return (
        "(SELECT group_concat(x, '; ') FROM (SELECT pl.raw AS x FROM posting_place pl "
        f"WHERE pl.version_id = {version} ORDER BY pl.position))"
    )


def _open_roles(dialect: str) -> str:
    return f"""
CREATE VIEW open_roles AS
SELECT p.id AS id, c.slug AS company, c.name AS company_name, v.title AS title,
       v.category AS category, v.compute AS compute, v.department AS department,
       {_distinct_places("country", "v.id", dialect)} AS countries,
       {_distinct_places("city", "v.id", dialect)} AS cities,
       {_place_lines("v.id", dialect)} AS locations,
       v.remote AS remote,
       v.salary_min AS pay_min, v.salary_max AS pay_max, v.salary_currency AS pay_currency,
       v.salary_period AS pay_period, v.salary_min_usd AS pay_min_usd,
       v.salary_max_usd AS pay_max_usd, v.url AS url, p.first_seen AS first_seen,
       p.last_seen AS last_seen, s.key AS source
FROM posting p
JOIN posting_version v ON v.id = p.current_version_id
JOIN source s ON s.id = p.source_id
JOIN company c ON c.id = p.company_id
WHERE p.closed_at IS NULL
"""


_CHANGED_FIELDS = (
    ("title", ("title",)),
    ("department", ("department",)),
    ("team", ("team",)),
    ("url", ("url",)),
    ("category", ("category", "compute")),
    ("remote", ("remote",)),
    ("salary", ("salary_min", "salary_max", "salary_currency", "salary_period")),
)


def _changes(dialect: str) -> str:
    """``title, salary``: the fields in which version ``v`` differs from ``o`` (or null)."""
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    parts = []
    for name, columns in _CHANGED_FIELDS:
        test = " OR ".join(f"o.{col} {differs} v.{col}" for col in columns)
        parts.append(f"CASE WHEN {test} THEN '{name}, ' ELSE '' END")
    places = f"{_place_lines('o.id', dialect)} {differs} {_place_lines('v.id', dialect)}"
    parts.append(f"CASE WHEN {places} THEN 'locations, ' ELSE '' END")
    return "NULLIF(rtrim(" + " || ".join(parts) + ", ', '), '')"


def _role_events(dialect: str) -> str:
    head = (
        "p.id AS role_id, c.slug AS company, v.title AS title, v.category AS category, "
        "v.compute AS compute, s.key AS source"
    )
    joins = "JOIN posting p ON p.id = {pid} JOIN source s ON s.id = p.source_id " + (
        "JOIN company c ON c.id = p.company_id"
    )
    return f"""
CREATE VIEW role_events AS
SELECT 'opened' AS event, sp.opened_at AS happened_at, {head},
       CASE WHEN EXISTS (SELECT 1 FROM posting_span e WHERE e.posting_id = sp.posting_id
                         AND e.opened_at < sp.opened_at) THEN 'reopened' END AS detail
FROM posting_span sp {joins.format(pid="sp.posting_id")}
JOIN posting_version v ON v.posting_id = p.id AND v.valid_from <= sp.opened_at
     AND (v.valid_to IS NULL OR v.valid_to > sp.opened_at)
UNION ALL
SELECT 'closed' AS event, sp.closed_at AS happened_at, {head}, NULL AS detail
FROM posting_span sp {joins.format(pid="sp.posting_id")}
JOIN posting_version v ON v.posting_id = p.id AND v.valid_from < sp.closed_at
     AND (v.valid_to IS NULL OR v.valid_to >= sp.closed_at)
WHERE sp.closed_at IS NOT NULL
UNION ALL
SELECT 'changed' AS event, v.valid_from AS happened_at, {head}, {_changes(dialect)} AS detail
FROM posting_version v {joins.format(pid="v.posting_id")}
JOIN posting_version o ON o.posting_id = v.posting_id AND o.valid_to = v.valid_from
"""


_SOURCE_HEALTH = """
CREATE VIEW source_health AS
SELECT s.key AS source, c.slug AS company, c.name AS company_name, s.enabled AS enabled,
       r.status AS last_status, r.observed_at AS last_run_at, r.error AS last_error,
       (SELECT max(k.observed_at) FROM run k
        WHERE k.source_id = s.id AND k.status = 'ok') AS last_ok_at,
       (SELECT count(*) FROM run f WHERE f.source_id = s.id AND f.status <> 'ok'
        AND NOT EXISTS (SELECT 1 FROM run k WHERE k.source_id = s.id AND k.status = 'ok'
                        AND k.observed_at >= f.observed_at)) AS failed_in_a_row
FROM source s
JOIN company c ON c.id = s.company_id
LEFT JOIN run r ON r.id = (SELECT l.id FROM run l WHERE l.source_id = s.id
                           ORDER BY l.observed_at DESC, l.id DESC LIMIT 1)
"""


def create_views() -> None:
    """Create the three views for the current connection's dialect."""
    dialect = op.get_bind().dialect.name
    for sql in (_open_roles(dialect), _role_events(dialect), _SOURCE_HEALTH):
        op.execute(sql)


def drop_views() -> None:
    """Drop the three views (when they exist)."""
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")


def upgrade() -> None:
    """Create ``open_roles``, ``role_events`` and ``source_health``."""
    create_views()


def downgrade() -> None:
    """Drop the views."""
    drop_views()
