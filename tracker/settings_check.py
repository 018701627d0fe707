"""Validation of a loaded config file: types with Pydantic, then values. Imported lazily by
:func:`tracker.settings.load_settings` (Pydantic is not needed for ``tracker --help``).

Every problem is one line naming the file, the section and the key::

    config tracker.toml: [scrape] timeout: expected a number, got 'abc'

Unknown keys and sections are errors too (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import pickle
import re
import sys
import time
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

from tracker.settings import ConfigError, Settings, parse_duration

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RENAMES = {"digest": {"from": "from_addr"}}
_INTERNAL = {"config_path", "alerts"}  # Settings fields that are not config keys
STALE_AFTER_S = 30 * 86400  # cached validations of other documents older than this are removed


def validate_settings(data: dict[str, Any], path: str | None) -> Settings:
    """Typed, checked Settings from a parsed TOML document; ConfigError on any problem.

    A document that validated before (the same parsed content, the same code of this module
    and :mod:`tracker.settings`, the same Pydantic and Python) is read back from the user's
    cache folder (:func:`tracker.normalize.diskcache.cache_dir`): loading Pydantic and building
    its validator for Settings cost every command with a config file ~0.15 s. Only valid
    documents are kept, so every error is found and worded afresh."""
    cache = _cache_file(data)
    if cache is not None:
        try:
            loaded = pickle.loads(cache.read_bytes())  # our own file, in the user's cache folder
            if isinstance(loaded, Settings):
                return loaded
        except Exception:  # absent, partly written, another version: validate again
            pass
    settings = _validate(data, path)
    if cache is not None:
        _keep(cache, settings)
    return settings


def _cache_file(data: dict[str, Any]) -> Path | None:
    """Where the Settings validated from ``data`` are kept; None: no cache (turned off, or
    ``data`` cannot be keyed)."""
    from tracker.normalize.diskcache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    try:
        digest = hashlib.blake2b(pickle.dumps(data, protocol=5), digest_size=16)
        digest.update(sys.version.encode())
        for source in _inputs():
            digest.update(source)
    except Exception:  # something pickle cannot take: no cache, just validate
        return None
    return folder / f"settings-{digest.hexdigest()}.pickle"


@functools.cache
def _inputs() -> tuple[bytes, ...]:
    """The code that decides what a document validates to: this module, tracker.settings and
    Pydantic's version (read from its file, without importing Pydantic)."""
    import importlib.util

    import tracker.settings

    ours = [Path(__file__), Path(tracker.settings.__file__ or "")]
    spec = importlib.util.find_spec("pydantic")
    if spec is not None and spec.origin:
        ours.append(Path(spec.origin).with_name("version.py"))
    return tuple(p.read_bytes() if p.is_file() else str(p).encode() for p in ours)


def _keep(cache: Path, settings: Settings) -> None:
    """Write atomically; a cache that cannot be written only costs the next command time."""
    from tracker.normalize.diskcache import store_pickle

    before = time.time() - STALE_AFTER_S
    with contextlib.suppress(OSError):
        store_pickle(cache, settings, "settings-*.pickle", lambda old: old.stat().st_mtime < before)


def _validate(data: dict[str, Any], path: str | None) -> Settings:
    from pydantic import ConfigDict, TypeAdapter, ValidationError

    where = f"config {path}" if path else "config"
    raw = _prepare(data, where)
    for cls in _dataclasses(Settings):
        cls.__pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[attr-defined]
    try:
        settings = TypeAdapter(Settings).validate_python(raw)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_first_error(exc)}") from None
    _check_values(settings, where)
    return settings


def _dataclasses(cls: type) -> list[type]:
    """``cls`` and every dataclass its fields hold (nested tables, arrays of tables)."""
    found = [cls]
    for hint in get_type_hints(cls).values():
        for inner in (hint, *_args(hint)):
            if isinstance(inner, type) and is_dataclass(inner) and inner not in found:
                found += [c for c in _dataclasses(inner) if c not in found]
    return found


def _args(hint: Any) -> list[Any]:
    out: list[Any] = []
    for arg in get_args(hint):
        out += [arg, *_args(arg)]
    return out


def _prepare(data: dict[str, Any], where: str) -> dict[str, Any]:
    """Renames (``from`` -> ``from_addr``), lists -> tuples, and bools only where bools go."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _INTERNAL:
            raise ConfigError(f"{where}: unknown key {key!r}")
        if isinstance(value, dict):
            renames = _RENAMES.get(key, {})
            value = {renames.get(k, k): _plain(v) for k, v in value.items()}
        out[key] = _plain(value)
    _strict_scalars(Settings, out, where, "")
    return out


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _strict_scalars(cls: type, data: dict[str, Any], where: str, section: str) -> None:
    """Pydantic's lax mode reads ``true`` as 1 and ``"587"`` as 587: here a boolean is only
    valid for a bool field, and a string never for a number field."""
    defaults = {f.name: f for f in fields(cls)}
    for key, value in data.items():
        f = defaults.get(key)
        if f is None:
            continue
        if f.default_factory is not MISSING and is_dataclass(f.default_factory):
            if isinstance(value, dict):
                _strict_scalars(f.default_factory, value, where, key)
            continue
        numeric = _kind(f) != "a string"
        if (isinstance(value, bool) and not isinstance(f.default, bool)) or (
            numeric and isinstance(value, str)
        ):
            got = str(value).lower() if isinstance(value, bool) else repr(value)
            raise ConfigError(f"{where}: {_label(section, key)}: expected {_kind(f)}, got {got}")


def _kind(f: Any) -> str:
    text = str(f.type)
    if "int" in text and "str" not in text:
        return "an integer"
    if "float" in text and "str" not in text:
        return "a number"
    return "a string"


def _label(section: str, key: str) -> str:
    key = {"from_addr": "from"}.get(key, key)
    return f"[{section}] {key}" if section else key


_MESSAGES = {
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected an integer",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "string_type": "expected a string",
    "tuple_type": "expected a list",
    "dataclass_type": "expected a table",
    "unexpected_keyword_argument": "unknown key",
}


def _first_error(exc: Any) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"] if not str(p).isdigit()]
    loc = [p for p in loc if p not in {"str", "float", "int"}]  # union member names
    section, key = (loc[0], ".".join(loc[1:])) if len(loc) > 1 else ("", ".".join(loc))
    if err["type"] == "dataclass_type" and not section:
        return f"[{key}] must be a table, got {_shown(err.get('input'))}"
    if err["type"] == "unexpected_keyword_argument":
        return f"unknown key {key!r}" + (f" in [{section}]" if section else "")
    message = _MESSAGES.get(err["type"], str(err["msg"]).split(",")[0].lower())
    return f"{_label(section, key)}: {message}, got {_shown(err.get('input'))}"


def _shown(value: Any) -> str:
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= 60 else text[:57] + "..."


# ------------------------------------------------------------------------------ values


def _check_values(s: Settings, where: str) -> None:
    checks: list[tuple[str, Any, Callable[[Any], str | None]]] = [
        ("[scrape] interval", s.scrape.interval, _duration),
        ("[scrape] jitter", s.scrape.jitter, _duration),
        ("[scrape] run_timeout", s.scrape.run_timeout, _positive_duration),
        ("[scrape] lease_ttl", s.scrape.lease_ttl, _positive_duration),
        ("[scrape] lease_wait", s.scrape.lease_wait, _duration),
        ("[scrape] timeout", s.scrape.timeout, _positive),
        ("[scrape] backoff", s.scrape.backoff, _not_negative),
        ("[scrape] concurrency", s.scrape.concurrency, _at_least(1)),
        ("[scrape] per_host", s.scrape.per_host, _at_least(1)),
        ("[scrape] retries", s.scrape.retries, _at_least(0)),
        ("[scrape] max_bytes", s.scrape.max_bytes, _at_least(1)),
        ("[scrape] user_agent", s.scrape.user_agent, _one_line),
        ("[digest] from", s.digest.from_addr, _address),
        ("[digest] subject_prefix", s.digest.subject_prefix, _one_line),
        ("[smtp] port", s.smtp.port, _port),
        ("[smtp] security", s.smtp.security, _choice("starttls", "ssl", "none")),
        ("[smtp] password_env", s.smtp.password_env, _env_name),
        ("[smtp] host", s.smtp.host, _one_line),
        ("[serve] host", s.serve.host, _one_line),
        ("[serve] port", s.serve.port, _port),
        ("[serve] token_env", s.serve.token_env, _env_name),
    ]
    checks += [(f"[digest] to #{i + 1}", a, _address) for i, a in enumerate(s.digest.to)]
    for label, value, check in checks:
        problem = check(value)
        if problem:
            raise ConfigError(f"{where}: {label}: {problem}, got {_shown(value)}")
    from tracker.schedule import parse_schedule

    try:
        parse_schedule(s.digest.schedule, s.digest.timezone)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _duration(value: Any) -> str | None:
    try:
        parse_duration(value)
    except ConfigError:
        return "expected a duration such as 30s, 5m, 6h, 1d"
    return None


def _positive_duration(value: Any) -> str | None:
    problem = _duration(value)
    if problem is None and parse_duration(value).total_seconds() <= 0:
        return "must be more than 0"
    return problem


def _positive(value: float) -> str | None:
    return None if math.isfinite(value) and value > 0 else "must be a number above 0"


def _not_negative(value: float) -> str | None:
    return None if math.isfinite(value) and value >= 0 else "must be 0 or more"


def _at_least(low: int) -> Callable[[int], str | None]:
    return lambda value: None if value >= low else f"must be {low} or more"


def _port(value: int) -> str | None:
    return None if 1 <= value <= 65535 else "must be a port number 1-65535"


def _choice(*allowed: str) -> Callable[[str], str | None]:
    return lambda value: None if value in allowed else f"must be one of {', '.join(allowed)}"


def _address(value: str) -> str | None:
    return None if _ADDRESS.match(value) else "expected an email address like name@example.com"


def _env_name(value: str) -> str | None:
    return None if _ENV_NAME.match(value) else "expected an environment variable name"


def _one_line(value: str) -> str | None:
    return None if value.isprintable() else "must be one line of printable text"
