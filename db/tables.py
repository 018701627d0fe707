"""Core tables: the persistent shape of sources, runs and posting history.

History model (docs/concepts.md "The posting lifecycle"):

- ``posting`` is one row per ``(source, external_id)`` with ``first_seen``/``last_seen``/
  ``closed_at`` and a pointer to its current version.
- ``posting_span`` is one row per *open interval* ``[opened_at, closed_at)``; a reopened posting
  gets a new span, so the gap stays visible and "open at T" inside the gap is false.
- ``posting_version`` is one row per content version ``[valid_from, valid_to)``; a version stays
  valid across a closed gap when the content did not change.
- ``posting_place`` holds a version's places in board order.
- ``last_seen`` is kept lazily: a run that sees what the source's latest run saw (a 304, the
  same board body, or the unchanged postings of a changed board) does not rewrite those
  postings. ``source.seen_mark``/``seen_until`` say it instead: an open posting whose stored
  ``last_seen`` is at or after ``seen_mark`` was seen by the source's latest non-failed run, and
  was last seen at ``seen_until``. :data:`LAST_SEEN` is the value every read uses.

Every datetime column is :class:`UTCDateTime`: stored as naive UTC, returned as aware UTC.
The tables are plain SQLAlchemy Core (``COMPANY`` ... ``ALERT_DELIVERY`` on :data:`METADATA`),
so the query commands never import the ORM or SQLModel (start-up time). The two ORM classes the
writers use, ``CompanyRow`` and ``SourceRow``, are mapped onto these tables in :mod:`db.models`
and still importable from here (loaded on first use).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

if TYPE_CHECKING:
    from db.models import CompanyRow, SourceRow  # noqa: F401  (loaded on first use)

# Named constraints keep Alembic migrations (and SQLite batch mode) deterministic.
METADATA = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
# Ids are user-visible (``tracker history ID``): never reuse them after deletes on SQLite.
_AUTOINC: dict[str, Any] = {"sqlite_autoincrement": True}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Naive-UTC ``DateTime`` in the database, aware UTC in Python.

    Naive values given by callers are taken to be UTC already.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC; naive datetimes are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def load_options(text: str | None) -> dict[str, Any]:
    """A source's ``options`` column as a dict (empty on blank text)."""
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _when(name: str, nullable: bool = False, **kw: Any) -> sa.Column[datetime]:
    """A :class:`UTCDateTime` column."""
    return sa.Column(name, UTCDateTime, nullable=nullable, **kw)


def _text(name: str, nullable: bool = True) -> sa.Column[str]:
    """A variable-length text column."""
    return sa.Column(name, sa.Text, nullable=nullable)


def _str(name: str, nullable: bool = False, length: int | None = None, **kw: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable, **kw)


def _int(name: str, *fk: sa.ForeignKey, nullable: bool = False, **kw: Any) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, *fk, nullable=nullable, **kw)


def _bool(name: str, **kw: Any) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean, nullable=False, **kw)


def _float(name: str) -> sa.Column[float]:
    return sa.Column(name, sa.Float, nullable=True)


# A hiring company; ``slug`` is what filters and keys use.
COMPANY = sa.Table(
    "company",
    METADATA,
    _id(),
    _str("slug", unique=True),
    _str("name"),
    **_AUTOINC,
)

# One configured board (``key`` = ``ats:token``); ``options`` is canonical JSON text.
SOURCE = sa.Table(
    "source",
    METADATA,
    _id(),
    _str("key", unique=True),
    _str("ats"),
    _str("token"),
    _int("company_id", sa.ForeignKey("company.id"), index=True),
    sa.Column("options", sa.Text, nullable=False, default="{}"),
    _text("api_base"),
    _str("interval", nullable=True),
    _bool("enabled", default=True),
    _text("etag"),
    _text("last_modified"),
    # the lazy last_seen (module docstring): null until a run first sets them
    _when("seen_mark", nullable=True),
    _when("seen_until", nullable=True),
    _when("created_at", default=utcnow),
    _when("updated_at", default=utcnow),
    **_AUTOINC,
)

# One scrape or ingest of one source; status ``ok`` | ``failed`` | ``suspect``.
RUN = sa.Table(
    "run",
    METADATA,
    _id(),
    _int("source_id", sa.ForeignKey("source.id")),
    _when("observed_at"),
    _when("started_at", nullable=True),
    _when("finished_at", nullable=True),
    _str("status", length=16),
    _text("error"),
    _int("seen", default=0),
    _int("new", default=0),
    _int("changed", default=0),
    _int("closed", default=0),
    _int("reopened", default=0),
    _int("unchanged", default=0),
    _str("writer", nullable=True),  # host:pid
    _str("body_hash", nullable=True, length=40),
    sa.Index("ix_run_source_observed", "source_id", "observed_at"),
    **_AUTOINC,
)

# One posting of one source, across all its versions and open spans.
# ``current_version_id`` is a plain integer (no FK) to avoid a posting <-> version cycle.
POSTING = sa.Table(
    "posting",
    METADATA,
    _id(),
    _int("source_id", sa.ForeignKey("source.id")),
    _int("company_id", sa.ForeignKey("company.id")),
    _str("external_id"),
    _when("first_seen"),
    _when("last_seen"),
    _when("closed_at", nullable=True),
    _str("content_hash"),
    _int("current_version_id", nullable=True),
    # list signature of detail-fetching ATSs (None: stored without its detail)
    _str("signature", nullable=True),
    sa.UniqueConstraint("source_id", "external_id"),
    sa.Index("ix_posting_source_closed", "source_id", "closed_at"),
    sa.Index("ix_posting_company", "company_id"),
    sa.Index("ix_posting_first_seen", "first_seen"),
    sa.Index("ix_posting_closed_at", "closed_at"),
    **_AUTOINC,
)

# A posting's last_seen as every read must take it (the module docstring): the source's
# ``seen_until`` for an open posting its latest run saw, else the stored value. Needs ``source``
# joined.
LAST_SEEN: sa.ColumnElement[datetime] = sa.case(
    (
        sa.and_(
            POSTING.c.closed_at.is_(None),
            SOURCE.c.seen_mark.is_not(None),
            POSTING.c.last_seen >= SOURCE.c.seen_mark,
        ),
        SOURCE.c.seen_until,
    ),
    else_=POSTING.c.last_seen,
)

# One open interval ``[opened_at, closed_at)`` of a posting.
SPAN = sa.Table(
    "posting_span",
    METADATA,
    _id(),
    _int("posting_id", sa.ForeignKey("posting.id")),
    _when("opened_at"),
    _when("closed_at", nullable=True),
    sa.Index("ix_posting_span_posting", "posting_id", "opened_at"),
    sa.Index("ix_posting_span_window", "opened_at", "closed_at"),
    **_AUTOINC,
)

# One content version ``[valid_from, valid_to)`` of a posting.
VERSION = sa.Table(
    "posting_version",
    METADATA,
    _id(),
    _int("posting_id", sa.ForeignKey("posting.id")),
    _int("run_id", sa.ForeignKey("run.id")),
    _when("valid_from"),
    _when("valid_to", nullable=True),
    _text("title", nullable=False),
    _text("department"),
    _text("team"),
    _text("url"),
    _bool("compute"),
    _str("category"),
    _text("category_rule"),
    _bool("remote", default=False),
    _float("salary_min"),
    _float("salary_max"),
    _str("salary_currency", nullable=True),
    _str("salary_period", nullable=True),
    _float("salary_min_usd"),
    _float("salary_max_usd"),
    _str("salary_source", nullable=True),
    _text("salary_label"),
    _text("salary_bands"),  # JSON: every band, primary first (migration 0004_pay)
    _text("pay_lines"),  # JSON: the pay text the bands were read from
    _str("content_hash"),
    sa.Index("ix_posting_version_posting", "posting_id", "valid_from"),
    sa.Index("ix_posting_version_run", "run_id"),
    **_AUTOINC,
)

# One place of a version, in board order (``position``).
PLACE = sa.Table(
    "posting_place",
    METADATA,
    _id(),
    _int("version_id", sa.ForeignKey("posting_version.id")),
    _int("position"),
    _text("raw", nullable=False),
    _str("city", nullable=True),
    _str("country", nullable=True),
    _str("region", nullable=True),
    sa.Index("ix_posting_place_version", "version_id", "position"),
    sa.Index("ix_posting_place_country", "country"),
    sa.Index("ix_posting_place_region", "region"),
    **_AUTOINC,
)


# --------------------------------------------------------------------------------------------
# digest sends and the daemon's job store (migration 0002)

# One attempt to email the digest of one period; status ``sending`` | ``sent`` | ``failed``.
#
# ``claim`` makes "exactly once per period" hold across processes: a normal (not forced) send
# inserts ``claim = "<start>/<end>"`` before talking to the SMTP server, and the unique
# constraint refuses a second claim; a failed attempt clears its claim so it can be retried.
# Forced re-sends never claim. Recipients are comma-separated.
DIGEST_SEND = sa.Table(
    "digest_send",
    METADATA,
    _id(),
    _when("period_start"),
    _when("period_end"),
    _text("recipients", nullable=False),
    _text("subject"),
    _str("message_id"),
    _str("status", length=16),
    _text("error"),
    _bool("forced", default=False),
    _str("claim", nullable=True, unique=True),
    _when("created_at", default=utcnow),
    _when("sent_at", nullable=True),
    sa.Index("ix_digest_send_period", "period_end", "period_start"),
    **_AUTOINC,
)

# Who may write a source now (migration 0004, see :mod:`db.leases`).
#
# ``key`` is a source key (or ``@daemon`` for the SQLite daemon); ``holder`` is ``host:pid``
# and ``token`` one acquisition (both null when free); ``claimed_at`` is when the source's
# latest scrape was claimed, by anyone: daemons skip a source claimed less than an interval
# ago, so N daemons fetch each board about as often as one.
LEASE = sa.Table(
    "source_lease",
    METADATA,
    sa.Column("key", sa.String(), primary_key=True),
    _str("holder", nullable=True),
    _str("token", nullable=True),
    _when("acquired_at", nullable=True),
    _when("heartbeat_at", nullable=True),
    _when("expires_at", nullable=True),
    _when("claimed_at", nullable=True),
    _str("waiter", nullable=True),
    _when("waiter_until", nullable=True),
)

# APScheduler's SQLAlchemyJobStore table (its exact shape), created by migration 0002 so that the
# whole schema stays under Alembic; the job store's own ``create(checkfirst=True)`` is a no-op.
SCHEDULER_JOB = sa.Table(
    "scheduler_job",
    METADATA,
    sa.Column("id", sa.Unicode(191), primary_key=True),
    sa.Column("next_run_time", sa.Float(25), index=True),
    sa.Column("job_state", sa.LargeBinary(), nullable=False),
)


# --------------------------------------------------------------------------------------------
# alert deliveries (migration 0005_alerts)

# One event of one rule to one channel; status ``sending`` | ``sent`` | ``failed`` |
# ``skipped`` (recorded by ``alerts check --baseline`` without sending).
#
# The unique key is the claim: a check inserts the row (``sending``) before it talks to the
# channel, so a second process (or a restart) never notifies the same event again. ``ref`` is
# the span id for opened/closed and the version id for changed/pay_changed.
ALERT_DELIVERY = sa.Table(
    "alert_delivery",
    METADATA,
    _id(),
    _str("rule"),
    _str("channel"),
    _str("event", length=16),
    _int("posting_id"),
    _int("ref"),
    _when("happened_at"),
    _str("status", length=16),
    _int("attempts", default=0),
    _text("error"),
    _when("next_attempt_at", nullable=True),
    _when("claimed_at", nullable=True),
    _str("claimed_by", nullable=True),
    _when("sent_at", nullable=True),
    _when("created_at", default=utcnow),
    sa.UniqueConstraint("rule", "channel", "event", "posting_id", "ref"),
    sa.Index("ix_alert_delivery_status", "status", "next_attempt_at"),
    **_AUTOINC,
)

_MODELS = {"CompanyRow", "SourceRow"}


def __getattr__(name: str) -> Any:
    """``CompanyRow`` and ``SourceRow`` (ORM classes, :mod:`db.models`) load on first use."""
    if name in _MODELS:
        from db import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
