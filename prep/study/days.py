"""Study days: a user's day runs from ``day_start_hour`` to the next one, in their time zone.

The queue's daily limits, the statistics' per-day counts and the exam window all count in
these days; the boundaries are local wall-clock hours, so a day across a DST change is 23
or 25 hours long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from prep.models import User


@dataclass(frozen=True)
class StudyDay:
    """One study day in UTC: from the day-start hour to the next one, local time."""

    start: datetime
    end: datetime


def study_day(now: datetime, timezone: str, start_hour: int) -> StudyDay:
    """The study day containing ``now`` (DST-safe: boundaries are local wall-clock hours)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    day = local.date() if local.hour >= start_hour else local.date() - timedelta(days=1)
    start = datetime(day.year, day.month, day.day, start_hour, tzinfo=zone)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, start_hour, tzinfo=zone)
    return StudyDay(start.astimezone(UTC), end.astimezone(UTC))


def user_day(user: User, now: datetime) -> StudyDay:
    """``user``'s current study day."""
    return study_day(now, user.timezone, user.day_start_hour)


def today(user: User, now: datetime) -> date:
    """The user's current study day as a calendar date."""
    return user_day(user, now).start.astimezone(ZoneInfo(user.timezone)).date()


def day_bounds(user: User, first: date, count: int) -> list[datetime]:
    """The UTC start of ``count + 1`` consecutive study days from ``first`` (ends included)."""
    zone = ZoneInfo(user.timezone)
    bounds = []
    for offset in range(count + 1):
        day = first + timedelta(days=offset)
        local = datetime(day.year, day.month, day.day, user.day_start_hour, tzinfo=zone)
        bounds.append(local.astimezone(UTC))
    return bounds
