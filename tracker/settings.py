"""One typed Settings object, loaded from ``tracker.toml`` and the environment.

Precedence for the database: ``--db`` > ``TRACKER_DATABASE_URL`` > ``database_url`` in the config
file > ``sqlite:///tracker.db``.
Config file: ``--config`` > ``TRACKER_CONFIG`` > ``./tracker.toml``.

The file is validated when it is loaded (:mod:`tracker.settings_check`, Pydantic): a wrong type,
a bad value or an unknown key or section anywhere is a ``ConfigError`` (one line, exit 2).
To add a setting, add a field to one of the dataclasses below (and a value check in
``tracker/settings_check.py`` if its type alone does not say what is valid).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from tracker.alerts_config import (
    AlertRule,
    Channel,
    check_digest_channels,
    parse_channels,
    parse_rules,
)
from tracker.errors import ConfigError

__all__ = ["ConfigError"]

DEFAULT_DB = "sqlite:///tracker.db"
DEFAULT_USER_AGENT = (
    "dc-hiring-tracker/0.1 (+https://github.com/dc-hiring-tracker/dc-hiring-tracker)"
)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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


def parse_when(text: str, now: datetime | None = None, *, end_of_day: bool = True) -> datetime:
    """ISO date/datetime or relative (``7d``, ``4w``, ``12h``) -> aware UTC datetime.

    A bare date means the end of that day (UTC), so "as of 20 Nov" includes what was seen on
    20 Nov; ``end_of_day=False`` gives its start instead (a capture time for ``ingest``).
    """
    now = now or datetime.now(UTC)
    raw = text.strip()
    if _DURATION.match(raw):
        return now - parse_duration(raw)
    if _BARE_DATE.match(raw):
        try:
            bare = date.fromisoformat(raw)
        except ValueError:
            raise ConfigError(f"bad date {text!r}: no such day") from None
        return datetime.combine(bare, time.max if end_of_day else time.min, tzinfo=UTC)
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
    run_timeout: str | float = "30m"  # deadline of one board's whole fetch (all pages, retries)
    lease_ttl: str = "60s"  # a writer's hold on a source lapses this long after its last heartbeat
    lease_wait: str = "5s"  # how long `scrape`/`ingest` wait for a source another writer holds


@dataclass(frozen=True)
class DigestSettings:
    schedule: str = "mon 07:00"
    timezone: str = "UTC"
    to: tuple[str, ...] = ()
    from_addr: str = "tracker@localhost"
    subject_prefix: str = "[DC hiring]"
    channels: tuple[str, ...] = ()  # names from [channels]: the digest is posted there too


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
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    token_env: str = "TRACKER_SERVE_TOKEN"  # env var holding the token any non-loopback bind needs

    @property
    def token(self) -> str | None:
        return os.environ.get(self.token_env) or None


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB
    watchlist: str | None = None
    config_path: str | None = None
    scrape: ScrapeSettings = field(default_factory=ScrapeSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    channels: dict[str, Channel] = field(default_factory=dict)  # [channels], by name
    alerts: tuple[AlertRule, ...] = ()  # [[alert]] rules


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
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    alert_tables = {k: data.pop(k) for k in ("channels", "alert") if k in data}
    if data:
        from tracker.settings_check import validate_settings  # Pydantic: only for a real file

        settings = replace(validate_settings(data, path), config_path=path)
    else:
        settings = Settings(config_path=path)
    channels = parse_channels(alert_tables.get("channels"))
    alerts = parse_rules(alert_tables.get("alert"), channels)
    check_digest_channels(settings.digest.channels, channels)
    settings = replace(settings, channels=channels, alerts=alerts)
    env_db = os.environ.get("TRACKER_DATABASE_URL")
    if db or env_db:
        settings = replace(settings, database_url=db or env_db or DEFAULT_DB)
    return settings
