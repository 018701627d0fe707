"""One typed Settings object, loaded from ``tracker.toml`` and the environment.

Precedence for the database: ``--db`` > ``TRACKER_DATABASE_URL`` > ``database_url`` in the config
file > ``sqlite:///tracker.db``.
Config file: ``--config`` > ``TRACKER_CONFIG`` > ``./tracker.toml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_DB = "sqlite:///tracker.db"
DEFAULT_USER_AGENT = (
    "dc-hiring-tracker/0.1 (+https://github.com/dc-hiring-tracker/dc-hiring-tracker)"
)


class ConfigError(ValueError):
    """Bad configuration or bad user input: reported as one line, exit 2."""


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float) -> timedelta:
    """``30s``, ``5m``, ``6h``, ``1d``, ``2w`` (or a number of seconds) -> timedelta."""
    if isinstance(text, int | float):
        if text < 0:
            raise ConfigError(f"duration must not be negative: {text}")
        return timedelta(seconds=text)
    match = _DURATION.match(str(text))
    if not match:
        raise ConfigError(f"bad duration {text!r}: use e.g. 30s, 5m, 6h, 1d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2).lower()])


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """ISO date/datetime or relative (``7d``, ``4w``, ``12h``) -> aware UTC datetime."""
    now = now or datetime.now(UTC)
    raw = text.strip()
    if _DURATION.match(raw):
        return now - parse_duration(raw)
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"bad date {text!r}: use an ISO date (2026-04-15), datetime "
            "(2026-04-15T09:00:00Z) or a relative age (7d, 4w)"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True)
class ScrapeSettings:
    interval: str = "6h"
    jitter: str = "5m"
    concurrency: int = 8
    per_host: int = 2
    timeout: float = 30
    retries: int = 3
    user_agent: str = DEFAULT_USER_AGENT
    max_bytes: int = 50_000_000  # response-size cap per request
    backoff: float = 1.0  # base seconds for exponential backoff
    lease_ttl: str = "60s"  # a writer's hold on a source lapses this long after its last heartbeat
    lease_wait: str = "5s"  # how long `scrape`/`ingest` wait for a source another writer holds


@dataclass(frozen=True)
class DigestSettings:
    schedule: str = "mon 07:00"
    timezone: str = "UTC"
    to: tuple[str, ...] = ()
    from_addr: str = "tracker@localhost"
    subject_prefix: str = "[DC hiring]"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password_env: str = "TRACKER_SMTP_PASSWORD"

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) or None


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB
    watchlist: str | None = None
    config_path: str | None = None
    scrape: ScrapeSettings = field(default_factory=ScrapeSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)


def _section(cls: type, data: Any, name: str, renames: dict[str, str] | None = None) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"config: [{name}] must be a table")
    renames = renames or {}
    known = {f.name for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        attr = renames.get(key, key)
        if attr not in known:
            raise ConfigError(f"config: unknown key {key!r} in [{name}]")
        kwargs[attr] = tuple(value) if isinstance(value, list) else value
    try:
        return cls(**kwargs)
    except TypeError as exc:  # pragma: no cover - defensive
        raise ConfigError(f"config: [{name}]: {exc}") from None


def load_settings(config: str | None = None, db: str | None = None) -> Settings:
    """Build Settings from the config file and environment (see module docstring)."""
    path = config or os.environ.get("TRACKER_CONFIG")
    if path is None and Path("tracker.toml").is_file():
        path = "tracker.toml"
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    top = {"database_url", "watchlist", "scrape", "digest", "smtp"}
    unknown = set(data) - top
    if unknown:
        raise ConfigError(f"config: unknown key(s) {', '.join(sorted(unknown))} in {path}")
    settings = Settings(
        database_url=str(data.get("database_url", DEFAULT_DB)),
        watchlist=data.get("watchlist"),
        config_path=path,
        scrape=_section(ScrapeSettings, data.get("scrape"), "scrape"),
        digest=_section(DigestSettings, data.get("digest"), "digest", {"from": "from_addr"}),
        smtp=_section(SmtpSettings, data.get("smtp"), "smtp"),
    )
    parse_duration(settings.scrape.interval)
    parse_duration(settings.scrape.jitter)
    parse_duration(settings.scrape.lease_ttl)
    parse_duration(settings.scrape.lease_wait)
    env_db = os.environ.get("TRACKER_DATABASE_URL")
    if db or env_db:
        settings = replace(settings, database_url=db or env_db or DEFAULT_DB)
    return settings
