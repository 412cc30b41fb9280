"""Workload simulation: three retentions around the user's, more reviews for higher ones."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prep.insight.simulation import compared_retentions, simulate_workload
from prep.models import User
from tests.conftest import FrozenClock
from tests.factories import add_flashcards


def test_retentions_compared_stay_in_the_allowed_range() -> None:
    assert compared_retentions(0.9) == [0.85, 0.9, 0.94]
    assert compared_retentions(0.97) == [0.87, 0.92, 0.97]
    assert compared_retentions(0.7) == [0.7, 0.74, 0.78]


def test_higher_retention_costs_more_reviews(session: Session, user: User,
                                             clock: FrozenClock) -> None:
    add_flashcards(session, user, 300, clock())
    low, current, high = simulate_workload(session, user)
    assert [w.current for w in (low, current, high)] == [False, True, False]
    assert all(len(w.reviews_per_day) == 90 for w in (low, current, high))
    assert low.total_reviews < current.total_reviews < high.total_reviews
