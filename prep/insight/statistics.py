"""Review statistics by study day: heatmap, streak, forecast, true retention, time studied.

Days are the user's study days (local time zone, rolling over at ``day_start_hour``). Each
day's bounds are computed here, in Python, as UTC instants; the database then counts rows
between consecutive bounds with index range scans (one statement with a scalar subquery
per day), so no per-row date arithmetic is needed and any time zone is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import (
    ScalarSelect,
    Select,
    bindparam,
    false,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.orm import Session

from prep.models import Card, CardState, ReviewLog, User
from prep.study.days import day_bounds, today

MATURE_DAYS = 21  # Anki: a card is mature from an interval of 21 days
RETENTION_WINDOWS = (7, 30, 365)
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
TIME_WINDOWS = (1, 7, 30)
STREAK_STEP = 30


@dataclass(frozen=True)
class DayCount:
    """A number for one study day."""

    day: date
    count: int


@dataclass(frozen=True)
class Retention:
    """True retention over a window: first answers to mature cards, Again counting as a fail."""

    days: int
    passed: int
    failed: int

    @property
    def total(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """Passed / total, or None with no mature reviews in the window."""
        return self.passed / self.total if self.total else None


@dataclass(frozen=True)
class StudyTime:
    """Time spent answering over the last ``days`` study days."""

    days: int
    minutes: float


@lru_cache(maxsize=8)
def _per_day_reviews(days: int) -> Select:
    """Review counts for ``days`` consecutive ranges ``[:b{i}, :b{i+1})`` in one statement."""
    return select(*(
        select(func.count()).select_from(ReviewLog)
        .where(ReviewLog.user_id == bindparam("user_id"),
               ReviewLog.reviewed_at >= bindparam(f"b{i}"),
               ReviewLog.reviewed_at < bindparam(f"b{i + 1}"))
        .scalar_subquery()
        for i in range(days)
    ))


_DUE = (Card.user_id == bindparam("user_id"), Card.active == true(),
        Card.suspended == false(),
        Card.state.in_([CardState.LEARNING, CardState.REVIEW, CardState.RELEARNING]))


@lru_cache(maxsize=8)
def _per_day_due(days: int) -> Select:
    """Studied cards due in each of ``days`` ranges; the first range has no lower bound."""
    return select(*(
        select(func.count()).select_from(Card)
        .where(*_DUE, Card.due < bindparam(f"b{i + 1}"),
               *(() if i == 0 else (Card.due >= bindparam(f"b{i}"),)))
        .scalar_subquery()
        for i in range(days)
    ))


def _counts(session: Session, statement: Select, user: User, first: date,
            days: int) -> list[DayCount]:
    bounds = day_bounds(user, first, days)
    values = {"user_id": user.id, **{f"b{i}": bound for i, bound in enumerate(bounds)}}
    row = session.connection().execute(statement, values).one()
    return [DayCount(first + timedelta(days=i), int(n)) for i, n in enumerate(row)]


def review_heatmap(session: Session, user: User, now: datetime,
                   days: int = HEATMAP_DAYS) -> list[DayCount]:
    """Reviews per study day over the last ``days`` days, today last."""
    first = today(user, now) - timedelta(days=days - 1)
    return _counts(session, _per_day_reviews(days), user, first, days)


def due_forecast(session: Session, user: User, now: datetime,
                 days: int = FORECAST_DAYS) -> list[DayCount]:
    """Studied cards falling due on each of the next ``days`` study days (today has overdue)."""
    return _counts(session, _per_day_due(days), user, today(user, now), days)


def streak(session: Session, user: User, now: datetime,
           heatmap: list[DayCount] | None = None) -> int:
    """Consecutive study days with a review, up to today (or yesterday, if none yet today)."""
    counts = heatmap or review_heatmap(session, user, now)
    total = 0
    while True:
        days = [c.count for c in counts]
        if total == 0 and days and days[-1] == 0:
            days.pop()  # today is not over: an empty today does not break the streak
        run = 0
        for count in reversed(days):
            if count == 0:
                return total + run
            run += 1
        total += run
        # The whole window was studied: look further back, a month at a time (most streaks
        # end within it, and each day costs an index probe even when empty).
        earlier = counts[0].day - timedelta(days=STREAK_STEP)
        counts = _counts(session, _per_day_reviews(STREAK_STEP), user, earlier, STREAK_STEP)


# A literal, not a bound parameter: the planners use a partial index only when the query's
# condition visibly implies the index's.
_MATURE = ReviewLog.last_interval >= literal_column(str(MATURE_DAYS))


def _mature_count(start: datetime, *ratings: int) -> ScalarSelect:
    """Answers to mature cards since ``start`` with one of ``ratings``: an index range count."""
    return (select(func.count()).select_from(ReviewLog)
            .where(ReviewLog.user_id == bindparam("user_id"), _MATURE,
                   ReviewLog.rating.in_(ratings), ReviewLog.reviewed_at >= start)
            .scalar_subquery())


def true_retention(session: Session, user: User, now: datetime,
                   windows: tuple[int, ...] = RETENTION_WINDOWS) -> list[Retention]:
    """True retention over the last N study days, for each N in ``windows``.

    A review counts when the card was answered at a scheduled interval of at least 21 days;
    such a review is necessarily the card's first of its day. Again is a fail, Hard, Good
    and Easy are passes (as in Anki's true retention). Each number is a range count of the
    partial index of mature answers (user, rating, time).
    """
    first = today(user, now)
    starts = [day_bounds(user, first - timedelta(days=days - 1), 0)[0] for days in windows]
    columns = [count for start in starts
               for count in (_mature_count(start, 2, 3, 4), _mature_count(start, 1))]
    row = session.connection().execute(select(*columns), {"user_id": user.id}).one()
    return [Retention(days=days, passed=int(row[2 * n]), failed=int(row[2 * n + 1]))
            for n, days in enumerate(windows)]


def time_studied(session: Session, user: User, now: datetime,
                 windows: tuple[int, ...] = TIME_WINDOWS) -> list[StudyTime]:
    """Minutes spent answering over the last N study days (today included), per N."""
    first = today(user, now)
    starts = [day_bounds(user, first - timedelta(days=days - 1), 0)[0] for days in windows]
    columns = [
        select(func.coalesce(func.sum(ReviewLog.duration_ms), 0)).select_from(ReviewLog)
        .where(ReviewLog.user_id == user.id, ReviewLog.reviewed_at >= start).scalar_subquery()
        for start in starts
    ]
    row = session.execute(select(*columns)).one()
    return [StudyTime(days=days, minutes=int(ms) / 60000) for days, ms in zip(windows, row,
                                                                              strict=True)]
