"""SQLModel tables: the persistent shape of sources, runs and posting history.

History model (docs/concepts.md "The posting lifecycle"):

- ``posting`` is one row per ``(source, external_id)`` with ``first_seen``/``last_seen``/
  ``closed_at`` and a pointer to its current version.
- ``posting_span`` is one row per *open interval* ``[opened_at, closed_at)``; a reopened posting
  gets a new span, so the gap stays visible and "open at T" inside the gap is false.
- ``posting_version`` is one row per content version ``[valid_from, valid_to)``; a version stays
  valid across a closed gap when the content did not change.
- ``posting_place`` holds a version's places in board order.

Every datetime column is :class:`UTCDateTime`: stored as naive UTC, returned as aware UTC.
``__table__`` handles (``COMPANY`` ... ``PLACE``) are exported for Core statements.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, Relationship, SQLModel

# Named constraints keep Alembic migrations (and SQLite batch mode) deterministic.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
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


def _when(nullable: bool = False, **kw: Any) -> Any:
    """A :class:`UTCDateTime` field."""
    return Field(sa_type=UTCDateTime, nullable=nullable, **kw)


def _text(nullable: bool = True, **kw: Any) -> Any:
    """A variable-length text field."""
    return Field(sa_type=sa.Text, nullable=nullable, **kw)


class CompanyRow(SQLModel, table=True):
    """A hiring company; ``slug`` is what filters and keys use."""

    __tablename__ = "company"
    __table_args__ = (_AUTOINC,)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=sa.String(), unique=True, nullable=False)
    name: str = Field(sa_type=sa.String(), nullable=False)


class SourceRow(SQLModel, table=True):
    """One configured board (``key`` = ``ats:token``); ``options`` is canonical JSON text."""

    __tablename__ = "source"
    __table_args__ = (_AUTOINC,)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=sa.String(), unique=True, nullable=False)
    ats: str = Field(sa_type=sa.String(), nullable=False)
    token: str = Field(sa_type=sa.String(), nullable=False)
    company_id: int = Field(foreign_key="company.id", nullable=False, index=True)
    options: str = Field(default="{}", sa_type=sa.Text, nullable=False)
    api_base: str | None = _text()
    interval: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    enabled: bool = Field(default=True, nullable=False)
    etag: str | None = _text()
    last_modified: str | None = _text()
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)

    company: CompanyRow = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class RunRow(SQLModel, table=True):
    """One scrape or ingest of one source; status ``ok`` | ``failed`` | ``suspect``."""

    __tablename__ = "run"
    __table_args__ = (sa.Index("ix_run_source_observed", "source_id", "observed_at"), _AUTOINC)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", nullable=False)
    observed_at: datetime = _when()
    started_at: datetime | None = _when(nullable=True, default=None)
    finished_at: datetime | None = _when(nullable=True, default=None)
    status: str = Field(sa_type=sa.String(16), nullable=False)
    error: str | None = _text()
    seen: int = Field(default=0, nullable=False)
    new: int = Field(default=0, nullable=False)
    changed: int = Field(default=0, nullable=False)
    closed: int = Field(default=0, nullable=False)
    reopened: int = Field(default=0, nullable=False)
    unchanged: int = Field(default=0, nullable=False)
    writer: str | None = Field(default=None, sa_type=sa.String(), nullable=True)  # host:pid
    body_hash: str | None = Field(default=None, sa_type=sa.String(40), nullable=True)


class PostingRow(SQLModel, table=True):
    """One posting of one source, across all its versions and open spans.

    ``current_version_id`` is a plain integer (no FK) to avoid a posting <-> version cycle.
    """

    __tablename__ = "posting"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "external_id"),
        sa.Index("ix_posting_source_closed", "source_id", "closed_at"),
        sa.Index("ix_posting_company", "company_id"),
        sa.Index("ix_posting_first_seen", "first_seen"),
        sa.Index("ix_posting_closed_at", "closed_at"),
        _AUTOINC,
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", nullable=False)
    company_id: int = Field(foreign_key="company.id", nullable=False)
    external_id: str = Field(sa_type=sa.String(), nullable=False)
    first_seen: datetime = _when()
    last_seen: datetime = _when()
    closed_at: datetime | None = _when(nullable=True, default=None)
    content_hash: str = Field(sa_type=sa.String(), nullable=False)
    current_version_id: int | None = Field(default=None, nullable=True)
    # list signature of detail-fetching ATSs (None: stored without its detail)
    signature: str | None = Field(default=None, sa_type=sa.String(), nullable=True)


class PostingSpanRow(SQLModel, table=True):
    """One open interval ``[opened_at, closed_at)`` of a posting."""

    __tablename__ = "posting_span"
    __table_args__ = (
        sa.Index("ix_posting_span_posting", "posting_id", "opened_at"),
        sa.Index("ix_posting_span_window", "opened_at", "closed_at"),
        _AUTOINC,
    )

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", nullable=False)
    opened_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True, default=None)


class PostingVersionRow(SQLModel, table=True):
    """One content version ``[valid_from, valid_to)`` of a posting."""

    __tablename__ = "posting_version"
    __table_args__ = (
        sa.Index("ix_posting_version_posting", "posting_id", "valid_from"),
        sa.Index("ix_posting_version_run", "run_id"),
        _AUTOINC,
    )

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", nullable=False)
    run_id: int = Field(foreign_key="run.id", nullable=False)
    valid_from: datetime = _when()
    valid_to: datetime | None = _when(nullable=True, default=None)
    title: str = Field(sa_type=sa.Text, nullable=False)
    department: str | None = _text()
    team: str | None = _text()
    url: str | None = _text()
    compute: bool = Field(nullable=False)
    category: str = Field(sa_type=sa.String(), nullable=False)
    category_rule: str | None = _text()
    remote: bool = Field(default=False, nullable=False)
    salary_min: float | None = Field(default=None, sa_type=sa.Float, nullable=True)
    salary_max: float | None = Field(default=None, sa_type=sa.Float, nullable=True)
    salary_currency: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    salary_period: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    salary_min_usd: float | None = Field(default=None, sa_type=sa.Float, nullable=True)
    salary_max_usd: float | None = Field(default=None, sa_type=sa.Float, nullable=True)
    salary_source: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    salary_label: str | None = _text()
    salary_bands: str | None = _text()  # JSON: every band, primary first (migration 0004_pay)
    pay_lines: str | None = _text()  # JSON: the pay text the bands were read from
    content_hash: str = Field(sa_type=sa.String(), nullable=False)


class PostingPlaceRow(SQLModel, table=True):
    """One place of a version, in board order (``position``)."""

    __tablename__ = "posting_place"
    __table_args__ = (
        sa.Index("ix_posting_place_version", "version_id", "position"),
        sa.Index("ix_posting_place_country", "country"),
        sa.Index("ix_posting_place_region", "region"),
        _AUTOINC,
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="posting_version.id", nullable=False)
    position: int = Field(nullable=False)
    raw: str = Field(sa_type=sa.Text, nullable=False)
    city: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    country: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    region: str | None = Field(default=None, sa_type=sa.String(), nullable=True)


def _table(model: type[SQLModel]) -> sa.Table:
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


COMPANY = _table(CompanyRow)
SOURCE = _table(SourceRow)
RUN = _table(RunRow)
POSTING = _table(PostingRow)
SPAN = _table(PostingSpanRow)
VERSION = _table(PostingVersionRow)
PLACE = _table(PostingPlaceRow)


# --------------------------------------------------------------------------------------------
# digest sends and the daemon's job store (migration 0002)


class DigestSendRow(SQLModel, table=True):
    """One attempt to email the digest of one period; status ``sending`` | ``sent`` | ``failed``.

    ``claim`` makes "exactly once per period" hold across processes: a normal (not forced) send
    inserts ``claim = "<start>/<end>"`` before talking to the SMTP server, and the unique
    constraint refuses a second claim; a failed attempt clears its claim so it can be retried.
    Forced re-sends never claim. Recipients are comma-separated.
    """

    __tablename__ = "digest_send"
    __table_args__ = (sa.Index("ix_digest_send_period", "period_end", "period_start"), _AUTOINC)

    id: int | None = Field(default=None, primary_key=True)
    period_start: datetime = _when()
    period_end: datetime = _when()
    recipients: str = Field(sa_type=sa.Text, nullable=False)
    subject: str | None = _text()
    message_id: str = Field(sa_type=sa.String(), nullable=False)
    status: str = Field(sa_type=sa.String(16), nullable=False)
    error: str | None = _text()
    forced: bool = Field(default=False, nullable=False)
    claim: str | None = Field(default=None, sa_type=sa.String(), unique=True, nullable=True)
    created_at: datetime = _when(default_factory=utcnow)
    sent_at: datetime | None = _when(nullable=True, default=None)


DIGEST_SEND = _table(DigestSendRow)


class SourceLeaseRow(SQLModel, table=True):
    """Who may write a source now (migration 0004, see :mod:`db.leases`).

    ``key`` is a source key (or ``@daemon`` for the SQLite daemon); ``holder`` is ``host:pid``
    and ``token`` one acquisition (both null when free); ``claimed_at`` is when the source's
    latest scrape was claimed, by anyone: daemons skip a source claimed less than an interval
    ago, so N daemons fetch each board about as often as one.
    """

    __tablename__ = "source_lease"

    key: str = Field(sa_type=sa.String(), primary_key=True)
    holder: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    token: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    acquired_at: datetime | None = _when(nullable=True, default=None)
    heartbeat_at: datetime | None = _when(nullable=True, default=None)
    expires_at: datetime | None = _when(nullable=True, default=None)
    claimed_at: datetime | None = _when(nullable=True, default=None)
    waiter: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    waiter_until: datetime | None = _when(nullable=True, default=None)


LEASE = _table(SourceLeaseRow)

# APScheduler's SQLAlchemyJobStore table (its exact shape), created by migration 0002 so that the
# whole schema stays under Alembic; the job store's own ``create(checkfirst=True)`` is a no-op.
SCHEDULER_JOB = sa.Table(
    "scheduler_job",
    SQLModel.metadata,
    sa.Column("id", sa.Unicode(191), primary_key=True),
    sa.Column("next_run_time", sa.Float(25), index=True),
    sa.Column("job_state", sa.LargeBinary(), nullable=False),
)


# --------------------------------------------------------------------------------------------
# alert deliveries (migration 0005_alerts)


class AlertDeliveryRow(SQLModel, table=True):
    """One event of one rule to one channel; status ``sending`` | ``sent`` | ``failed`` |
    ``skipped`` (recorded by ``alerts check --baseline`` without sending).

    The unique key is the claim: a check inserts the row (``sending``) before it talks to the
    channel, so a second process (or a restart) never notifies the same event again. ``ref`` is
    the span id for opened/closed and the version id for changed/pay_changed.
    """

    __tablename__ = "alert_delivery"
    __table_args__ = (
        sa.UniqueConstraint("rule", "channel", "event", "posting_id", "ref"),
        sa.Index("ix_alert_delivery_status", "status", "next_attempt_at"),
        _AUTOINC,
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(sa_type=sa.String(), nullable=False)
    channel: str = Field(sa_type=sa.String(), nullable=False)
    event: str = Field(sa_type=sa.String(16), nullable=False)
    posting_id: int = Field(nullable=False)
    ref: int = Field(nullable=False)
    happened_at: datetime = _when()
    status: str = Field(sa_type=sa.String(16), nullable=False)
    attempts: int = Field(default=0, nullable=False)
    error: str | None = _text()
    next_attempt_at: datetime | None = _when(nullable=True, default=None)
    claimed_at: datetime | None = _when(nullable=True, default=None)
    claimed_by: str | None = Field(default=None, sa_type=sa.String(), nullable=True)
    sent_at: datetime | None = _when(nullable=True, default=None)
    created_at: datetime = _when(default_factory=utcnow)


ALERT_DELIVERY = _table(AlertDeliveryRow)
