"""The ``[channels]`` and ``[[alert]]`` tables of ``tracker.toml``, checked at load.

A channel is a name for an Apprise URL; a value ``env:NAME`` means "the URL is in the environment
variable NAME" (it holds secrets: it is read only when a message goes out, never logged or
stored). A rule is events x filters x channels. Pure: nothing here talks to the network.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.domain import RoleFilter
from tracker.errors import ConfigError

EVENTS: tuple[str, ...] = ("opened", "closed", "pay_changed", "changed")
FILTER_KEYS: tuple[str, ...] = ("company", "category", "country", "region", "source")
_RULE_KEYS = {"name", "on", "channels", "min_count", *FILTER_KEYS}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENV = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*$")


class ChannelError(RuntimeError):
    """A channel cannot be used right now (its environment variable is not set)."""


@dataclass(frozen=True)
class Channel:
    """A named Apprise URL, or the environment variable holding it."""

    name: str
    value: str  # the URL itself, or "env:NAME"

    @property
    def env(self) -> str | None:
        match = _ENV.match(self.value)
        return match.group(1) if match else None

    @property
    def shown(self) -> str:
        """What may be printed: ``env:NAME`` as is, a URL reduced to its scheme."""
        if self.env:
            return self.value
        return self.value.split("://", 1)[0] + "://…"

    def url(self, environ: Mapping[str, str] | None = None) -> str:
        """The Apprise URL (read from the environment for ``env:NAME``)."""
        env = self.env
        if env is None:
            return self.value
        value = (environ if environ is not None else os.environ).get(env, "").strip()
        if not value:
            raise ChannelError(f"channel {self.name!r}: environment variable {env} is not set")
        return value


@dataclass(frozen=True)
class AlertRule:
    """One ``[[alert]]``: which events, which roles, which channels."""

    name: str
    on: tuple[str, ...]
    channels: tuple[str, ...]
    filter: RoleFilter = field(default_factory=RoleFilter)
    min_count: int = 1

    def wants(self, event: str) -> bool:
        """``changed`` covers every content change, pay included."""
        return event in self.on or (event == "pay_changed" and "changed" in self.on)


def parse_channels(data: Any) -> dict[str, Channel]:
    """``[channels]`` -> ``{name: Channel}``."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError('config: [channels] must be a table of name = "apprise URL"')
    channels: dict[str, Channel] = {}
    for name, value in data.items():
        if not _NAME.match(name):
            raise ConfigError(f"config: [channels] bad channel name {name!r}")
        if not isinstance(value, str) or not (_ENV.match(value) or _URL.match(value.strip())):
            raise ConfigError(
                f"config: [channels] {name} must be an Apprise URL (scheme://...) or env:NAME"
            )
        channels[name] = Channel(name, value.strip())
    return channels


def _strings(rule: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"config: [[alert]] {rule}: {key} must be a list of strings")
    return tuple(dict.fromkeys(v.strip() for v in value))


def parse_rules(data: Any, channels: Mapping[str, Channel]) -> tuple[AlertRule, ...]:
    """``[[alert]]`` -> rules; unknown keys, events or channel names are config errors."""
    from tracker.filters import build_filter

    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ConfigError("config: alert must be an array of tables ([[alert]])")
    rules: list[AlertRule] = []
    for index, item in enumerate(data, start=1):
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(f"config: [[alert]] #{index} needs a name (letters, digits, -_.)")
        if name in {r.name for r in rules}:
            raise ConfigError(f"config: [[alert]] name {name!r} is used twice")
        unknown = sorted(set(item) - _RULE_KEYS)
        if unknown:
            raise ConfigError(f"config: [[alert]] {name}: unknown key(s) {', '.join(unknown)}")
        on = _strings(name, "on", item.get("on", ["opened"]))
        bad = [e for e in on if e not in EVENTS]
        if bad:
            raise ConfigError(
                f"config: [[alert]] {name}: unknown event {bad[0]!r} (use {' | '.join(EVENTS)})"
            )
        wanted = _strings(name, "channels", item.get("channels", []))
        if not wanted:
            raise ConfigError(f"config: [[alert]] {name}: channels must name at least one channel")
        for channel in wanted:
            if channel not in channels:
                known = ", ".join(sorted(channels)) or "none defined in [channels]"
                raise ConfigError(
                    f"config: [[alert]] {name}: unknown channel {channel!r} (known: {known})"
                )
        min_count = item.get("min_count", 1)
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise ConfigError(f"config: [[alert]] {name}: min_count must be a whole number >= 1")
        values = {k: _strings(name, k, item[k]) for k in FILTER_KEYS if k in item}
        try:
            flt = build_filter(
                company=values.get("company"),
                category=values.get("category"),
                country=values.get("country"),
                region=values.get("region"),
                source=values.get("source"),
            )
        except ConfigError as exc:
            raise ConfigError(f"config: [[alert]] {name}: {exc}") from None
        rules.append(AlertRule(name, on, wanted, flt, min_count))
    return tuple(rules)


def check_digest_channels(names: Sequence[str], channels: Mapping[str, Channel]) -> None:
    """``[digest] channels``: every name must be defined in ``[channels]``."""
    for name in names:
        if name not in channels:
            known = ", ".join(sorted(channels)) or "none defined in [channels]"
            raise ConfigError(
                f"config: [digest] channels: unknown channel {name!r} (known: {known})"
            )
