"""The weekly digest schedule and its periods (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.schedule import next_after, parse_schedule, period_ending
from tracker.settings import ConfigError


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_parse_schedule() -> None:
    s = parse_schedule("mon 07:00")
    assert (s.weekday, s.hour, s.minute, s.timezone) == (0, 7, 0, "UTC")
    assert str(parse_schedule("Friday 7:30", "Europe/London")) == "fri 07:30 Europe/London"


@pytest.mark.parametrize(
    ("text", "tz", "message"),
    [
        ("monday", "UTC", "bad [digest] schedule"),
        ("mo 07:00", "UTC", "bad [digest] schedule"),
        ("mon 24:00", "UTC", "00:00-23:59"),
        ("mon 07:00", "Mars/Olympus", "unknown [digest] timezone"),
    ],
)
def test_bad_schedules(text: str, tz: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_schedule(text, tz)


def test_period_is_the_week_ending_at_the_last_scheduled_time() -> None:
    s = parse_schedule("mon 07:00")
    monday = utc(2026, 11, 23, 7, 0)
    assert period_ending(s, monday) == (utc(2026, 11, 16, 7), monday)  # at the time exactly
    assert period_ending(s, monday - timedelta(seconds=1)) == (
        utc(2026, 11, 9, 7),
        utc(2026, 11, 16, 7),
    )
    assert period_ending(s, utc(2026, 11, 26, 12)) == (utc(2026, 11, 16, 7), monday)
    assert next_after(s, monday) == utc(2026, 11, 30, 7)
    assert next_after(s, monday - timedelta(minutes=1)) == monday


def test_period_follows_local_time_across_dst() -> None:
    s = parse_schedule("mon 07:00", "Europe/Berlin")
    # Summer time ended on Sunday 25 Oct 2026: 07:00 CEST = 05:00Z, 07:00 CET = 06:00Z.
    start, end = period_ending(s, utc(2026, 10, 27, 12))
    assert (start, end) == (utc(2026, 10, 19, 5), utc(2026, 10, 26, 6))
    assert end - start == timedelta(hours=169)
    # A digest time that is still "yesterday" in UTC but "today" locally.
    tokyo = parse_schedule("tue 07:00", "Asia/Tokyo")
    assert period_ending(tokyo, utc(2026, 11, 23, 22, 30))[1] == utc(2026, 11, 23, 22)
