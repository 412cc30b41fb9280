"""Heatmap, streak, forecast and true retention against hand-computed values.

The user lives in New York with days starting at 04:00, so day bounds are 09:00 UTC before
the switch to daylight saving time on 2026-03-08 and 08:00 UTC after it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from prep.insight.statistics import (
    due_forecast,
    review_heatmap,
    streak,
    time_studied,
    true_retention,
)
from prep.models import Card, CardState, ReviewLog, User
from tests.conftest import FrozenClock
from tests.factories import add_flashcards


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (reviewed at UTC, last interval, rating, duration ms) -> the local study day in comments
LOGS = [
    ("2026-03-02 10:00", 30, 3, 60000),    # 03-02, mature pass
    ("2026-03-02 11:00", 10, 1, 30000),    # 03-02, young: not counted in retention
    ("2026-03-02 08:30", None, 3, 60000),  # 03:30 local: still the study day 03-01
    ("2026-03-01 09:30", 21, 1, 60000),    # 03-01, mature fail
    ("2026-02-28 12:00", None, 3, 60000),  # 02-28
    ("2026-02-26 12:00", 40, 4, 60000),    # 02-26, mature pass (6 days ago)
    ("2026-02-10 12:00", 25, 1, 60000),    # 02-10, mature fail (20 days ago)
    ("2025-03-03 10:00", 100, 2, 60000),   # 2025-03-03: the heatmap's first day
    ("2025-03-03 08:00", 50, 1, 60000),    # 2025-03-02: before every window
]


@pytest.fixture
def studied(session: Session, user: User, clock: FrozenClock) -> User:
    user.timezone, user.day_start_hour = "America/New_York", 4
    card_ids = add_flashcards(session, user, 9, clock())
    for n, (moment, interval, rating, duration) in enumerate(LOGS):
        session.add(ReviewLog(user_id=user.id, card_id=card_ids[n], review_uid=f"r{n}",
                              rating=rating, reviewed_at=at(moment), duration_ms=duration,
                              previous_state=CardState.REVIEW, last_interval=interval,
                              state_before={}))
    # Cards for the forecast: (state, due, suspended); the first card stays new.
    plan = [
        (CardState.REVIEW, "2026-02-20 12:00", False),  # overdue: today
        (CardState.REVIEW, "2026-03-02 20:00", False),  # today
        (CardState.REVIEW, "2026-03-03 08:59", False),  # 03:59 local on 03-03: still today
        (CardState.REVIEW, "2026-03-03 09:00", False),  # tomorrow
        (CardState.LEARNING, "2026-03-02 12:10", False),  # today
        (CardState.REVIEW, "2026-03-04 12:00", True),   # suspended: never counted
        (CardState.REVIEW, "2026-03-09 08:30", False),  # 04:30 EDT: day 03-09 (index 7)
        (CardState.REVIEW, "2026-03-31 14:00", False),  # last forecast day (index 29)
    ]
    for card_id, (state, due, suspended) in zip(card_ids[1:], plan, strict=True):
        card = session.get(Card, card_id)
        card.state, card.due, card.suspended = state, at(due), suspended
        card.stability, card.difficulty, card.last_review = 10.0, 5.0, at("2026-02-01 12:00")
    session.commit()
    return user


@pytest.fixture
def now(clock: FrozenClock) -> datetime:
    return clock.advance(hours=3)  # 2026-03-02 12:00 UTC, 07:00 in New York


def test_heatmap_counts_reviews_per_local_study_day(session: Session, studied: User,
                                                    now: datetime) -> None:
    heatmap = review_heatmap(session, studied, now)
    assert len(heatmap) == 365
    assert heatmap[0].day == date(2025, 3, 3) and heatmap[-1].day == date(2026, 3, 2)
    nonzero = {c.day: c.count for c in heatmap if c.count}
    assert nonzero == {date(2026, 3, 2): 2, date(2026, 3, 1): 2, date(2026, 2, 28): 1,
                       date(2026, 2, 26): 1, date(2026, 2, 10): 1, date(2025, 3, 3): 1}


def test_streak_runs_back_to_the_first_day_without_reviews(session: Session, studied: User,
                                                           now: datetime) -> None:
    assert streak(session, studied, now) == 3
    # The next morning nothing is studied yet: the streak still stands.
    assert streak(session, studied, at("2026-03-03 10:00")) == 3
    assert streak(session, studied, at("2026-03-04 10:00")) == 0


def test_true_retention_counts_mature_first_answers(session: Session, studied: User,
                                                    now: datetime) -> None:
    week, month, year = true_retention(session, studied, now)
    assert (week.days, week.passed, week.failed) == (7, 2, 1)
    assert (month.passed, month.failed) == (2, 2)
    assert (year.passed, year.failed) == (3, 2)
    assert year.rate == pytest.approx(0.6)


def test_time_studied_sums_durations_per_window(session: Session, studied: User,
                                                now: datetime) -> None:
    assert [(t.days, t.minutes) for t in time_studied(session, studied, now)] == [
        (1, 1.5), (7, 5.5), (30, 6.5)]


def test_forecast_counts_due_cards_per_day(session: Session, studied: User,
                                           now: datetime) -> None:
    forecast = due_forecast(session, studied, now)
    assert len(forecast) == 30
    assert forecast[0].day == date(2026, 3, 2) and forecast[-1].day == date(2026, 3, 31)
    nonzero = {i: c.count for i, c in enumerate(forecast) if c.count}
    assert nonzero == {0: 4, 1: 1, 7: 1, 29: 1}


def test_an_answer_records_the_interval_the_card_was_scheduled_with(
        session: Session, user: User, clock: FrozenClock) -> None:
    from prep.study.review import answer_card

    new_id, review_id = add_flashcards(session, user, 2, clock())
    card = session.get(Card, review_id)
    card.state, card.stability, card.difficulty = CardState.REVIEW, 30.0, 5.0
    card.last_review, card.due = at("2026-01-30 09:00"), at("2026-03-01 09:00")  # 30 days
    session.commit()
    for card_id in (new_id, review_id):
        answer_card(session, user, card_id, 3, f"u{card_id}", 0, clock())
    session.commit()
    logs = {log.card_id: log.last_interval for log in session.query(ReviewLog)}
    assert logs == {new_id: None, review_id: 30}


def test_a_streak_longer_than_the_heatmap_is_counted_in_full(
        session: Session, user: User, clock: FrozenClock) -> None:
    (card_id,) = add_flashcards(session, user, 1, clock())
    for n in range(400):  # one review a day for 400 days, the last one today
        session.add(ReviewLog(user_id=user.id, card_id=card_id, review_uid=f"s{n}", rating=3,
                              reviewed_at=clock() - timedelta(days=n), duration_ms=1000,
                              previous_state=CardState.REVIEW, state_before={}))
    session.commit()
    assert streak(session, user, clock()) == 400
