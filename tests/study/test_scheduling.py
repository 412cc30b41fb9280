"""FSRS wrapper: equal to the fsrs package, deterministic fuzz, intervals as shown."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from prep.models import Card, CardState, Rating, User
from prep.study.scheduling import SchedulerSettings, format_interval, outcome, outcomes


def settings(fuzz: bool) -> SchedulerSettings:
    user = User(desired_retention=0.9, learning_steps=[60, 600], relearning_steps=[600],
                maximum_interval=36500, fsrs_parameters=None)
    return SchedulerSettings.of(user, fuzz=fuzz)


def apply(card: Card, result, now: datetime) -> None:  # type: ignore[no-untyped-def]
    for name, value in result.fields().items():
        setattr(card, name, value)
    card.last_review = now
    card.reps += 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_fsrs_package_over_a_long_random_history(seed: int) -> None:
    rng = random.Random(seed)
    now = datetime(2025, 1, 1, 8, tzinfo=UTC)
    ours = Card(id=7, state=CardState.NEW, step=None, stability=None, difficulty=None, due=now,
                last_review=None, reps=0, lapses=0)
    reference = fsrs.Card(card_id=7, due=now)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    fixed = settings(fuzz=False)
    for _ in range(300):
        # Sometimes early, sometimes late, sometimes on time.
        now = max(now, reference.due + timedelta(hours=rng.uniform(-30, 24 * 40)))
        rating = rng.choice([Rating.AGAIN, Rating.HARD, *[Rating.GOOD] * 3, Rating.EASY])
        reference, _ = scheduler.review_card(reference, fsrs.Rating(rating), now)
        result = outcome(ours, rating, now, fixed)
        apply(ours, result, now)
        assert ours.due == reference.due
        assert ours.state == int(reference.state) and ours.step == reference.step
        assert ours.stability == reference.stability
        assert ours.difficulty == reference.difficulty


def test_fuzz_is_deterministic_per_card_and_review() -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    card = Card(id=11, state=2, step=None, stability=40.0, difficulty=5.0,
                due=now, last_review=now - timedelta(days=30), reps=6, lapses=0)
    fuzzed = settings(fuzz=True)
    first = outcome(card, Rating.GOOD, now, fuzzed)
    assert outcome(card, Rating.GOOD, now, fuzzed) == first  # the button shows what gets scheduled
    plain = outcome(card, Rating.GOOD, now, settings(fuzz=False))
    spread = {outcome(Card(**{**vars_of(card), "id": i}), Rating.GOOD, now, fuzzed).due
              for i in range(40)}
    assert len(spread) > 3  # fuzz does spread cards
    plain_days = (plain.due - now).days
    # fsrs's fuzz range is about 5% of the interval plus a few days.
    assert all(abs((due - plain.due).days) <= 0.08 * plain_days + 2 for due in spread)


def vars_of(card: Card) -> dict:
    return {name: getattr(card, name) for name in
            ("id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
             "lapses")}


def test_four_outcomes_grow_with_the_rating() -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    card = Card(id=3, state=CardState.NEW, step=None, stability=None, difficulty=None, due=now,
                last_review=None, reps=0, lapses=0)
    dues = [result.due for result in outcomes(card, now, settings(fuzz=True))]
    assert dues == sorted(dues) and dues[0] == now + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("delta", "text"),
    [(timedelta(seconds=30), "30s"), (timedelta(minutes=10), "10m"), (timedelta(hours=5), "5h"),
     (timedelta(days=4), "4d"), (timedelta(days=75), "2.5mo"), (timedelta(days=800), "2.2y")],
)
def test_format_interval(delta: timedelta, text: str) -> None:
    assert format_interval(delta) == text
