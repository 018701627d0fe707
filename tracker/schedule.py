"""The weekly digest schedule (``[digest] schedule = "mon 07:00"`` + ``timezone``). Pure.

A digest covers one **period**: the week ending at the most recent scheduled time. The daemon's
cron job, its hourly retry and a manual ``tracker digest send`` all compute the period with
:func:`period_ending`, so they agree on which week a send belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.settings import ConfigError

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SCHEDULE = re.compile(r"^\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WeeklySchedule:
    """A day of the week and a wall-clock time in a timezone."""

    weekday: int  # 0 = Monday
    hour: int
    minute: int
    timezone: str = "UTC"

    @property
    def day(self) -> str:
        return DAYS[self.weekday]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __str__(self) -> str:
        return f"{self.day} {self.hour:02d}:{self.minute:02d} {self.timezone}"

    def at(self, day: date) -> datetime:
        """The scheduled time on ``day`` (local wall time), as aware UTC."""
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone)
        return local.astimezone(UTC)


def parse_schedule(text: str, timezone: str = "UTC") -> WeeklySchedule:
    """``"mon 07:00"`` (or ``"Monday 7:00"``) and an IANA timezone -> WeeklySchedule."""
    match = _SCHEDULE.match(str(text))
    token = match.group(1).lower() if match else ""
    day = token[:3]
    if not match or (token not in DAYS and token not in FULL_DAYS):
        raise ConfigError(f'bad [digest] schedule {text!r}: use a day and a time, e.g. "mon 07:00"')
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise ConfigError(f"bad [digest] schedule {text!r}: time must be 00:00-23:59")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown [digest] timezone {timezone!r}: use an IANA name such as Europe/London"
        ) from None
    return WeeklySchedule(DAYS.index(day), hour, minute, timezone)


def period_ending(schedule: WeeklySchedule, now: datetime) -> tuple[datetime, datetime]:
    """The week ending at the most recent scheduled time at or before ``now`` (aware UTC).

    Both ends are computed in local wall time, so across a DST change the week is 167 or 169
    hours long and still ends at the scheduled local time.
    """
    local_day = now.astimezone(schedule.zone).date()
    day = local_day - timedelta(days=(local_day.weekday() - schedule.weekday) % 7)
    end = schedule.at(day)
    if end > now:
        day -= timedelta(days=7)
        end = schedule.at(day)
    return schedule.at(day - timedelta(days=7)), end


def next_after(schedule: WeeklySchedule, now: datetime) -> datetime:
    """The first scheduled time strictly after ``now``."""
    _, end = period_ending(schedule, now)
    day = end.astimezone(schedule.zone).date() + timedelta(days=7)
    return schedule.at(day)
