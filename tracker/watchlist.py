"""Watchlist files (``[[source]]`` tables) -> validated source entries. Pure."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.domain import SourceRef
from tracker.settings import ConfigError, parse_duration
from tracker.shipped import shipped_fallback
from tracker.sources.guard import check_token

# Keys every ATS needs beyond company/ats/token, per ATS.
REQUIRED_OPTIONS: dict[str, tuple[str, ...]] = {
    "workday": ("host", "site"),
    "html": ("url",),
    "eightfold": ("host",),
    "oracle_hcm": ("host", "site"),
    "successfactors": ("host",),
}
TOP_KEYS = {"company", "company_slug", "ats", "token", "api_base", "interval", "enabled"}
LIST_KEYS = {"departments"}


@dataclass(frozen=True)
class WatchEntry:
    """One ``[[source]]`` of a watchlist."""

    ref: SourceRef
    interval: str | None = None
    enabled: bool = True


def slugify(name: str) -> str:
    """``"Digital Realty"`` -> ``"digital-realty"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "company"


def parse_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from ``--option``; list keys split on commas."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"bad --option {text!r}: use KEY=VALUE")
    value = value.strip()
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
    if quoted and value[0] not in value[1:-1]:
        value = value[1:-1]  # --option 'query="data center"' as the shell passed it
    if key in LIST_KEYS:
        return key, [v.strip() for v in value.split(",") if v.strip()]
    return key, value


def build_entry(data: dict[str, Any], where: str, known_ats: set[str]) -> WatchEntry:
    """Validate one source table and turn it into a WatchEntry."""
    for key in ("company", "ats", "token"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ConfigError(f"{where}: missing or empty {key!r}")
    ats = data["ats"].strip().lower()
    if ats not in known_ats:
        raise ConfigError(
            f"{where}: unknown ats {ats!r} (supported: {', '.join(sorted(known_ats))})"
        )
    options = {k: v for k, v in data.items() if k not in TOP_KEYS}
    problem = check_token(ats, data["token"].strip(), options)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    missing = [k for k in REQUIRED_OPTIONS.get(ats, ()) if not options.get(k)]
    if missing:
        raise ConfigError(f"{where}: ats {ats!r} also needs {', '.join(missing)}")
    if isinstance(options.get("departments"), str):
        options["departments"] = [options["departments"]]
    interval = data.get("interval")
    if interval is not None:
        parse_duration(interval)
    api_base = data.get("api_base")
    if api_base is not None and not re.match(r"^https?://", str(api_base)):
        raise ConfigError(f"{where}: api_base must start with http:// or https://")
    company = data["company"].strip()
    ref = SourceRef(
        ats=ats,
        token=data["token"].strip(),
        company=company,
        company_slug=str(data.get("company_slug") or slugify(company)),
        options=options,
        api_base=str(api_base).rstrip("/") if api_base else None,
    )
    return WatchEntry(ref=ref, interval=interval, enabled=bool(data.get("enabled", True)))


def load_watchlist(path: str | Path, known_ats: set[str]) -> list[WatchEntry]:
    """Read and validate a watchlist file; raises ConfigError with the file and entry."""
    try:
        data = tomllib.loads(shipped_fallback(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"watchlist not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"watchlist {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read watchlist {path}: {exc.strerror or exc}") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:  # a typo such as [[sources]] must not import nothing, silently
        raise ConfigError(f"watchlist {path}: unknown key(s) {', '.join(unknown)}; use [[source]]")
    sources = data.get("source", [])
    if not isinstance(sources, list):
        raise ConfigError(f"watchlist {path}: [[source]] must be an array of tables")
    if not sources:
        raise ConfigError(f"watchlist {path} has no [[source]] entries")
    entries = [
        build_entry(item, f"{path}: source #{i + 1}", known_ats) for i, item in enumerate(sources)
    ]
    keys = [e.ref.key for e in entries]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ConfigError(f"watchlist {path}: duplicate source(s) {', '.join(dupes)}")
    return entries
