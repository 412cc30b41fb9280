"""FSRS scheduling for prep's cards: a thin, exact wrapper over ``fsrs.Scheduler``.

The one departure from the package is where fuzz comes from: prep derives it from the card
(id and review count) instead of a global random number, so the interval a rating button
shows is exactly the interval that pressing it schedules, in another request or worker.
With fuzz off, results equal ``fsrs.Scheduler``'s bit for bit (tests/study/test_scheduling.py).
"""

from __future__ import annotations

import hashlib
import random
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from prep.models import Card, CardState, Rating, User

_FUZZ_SEED: ContextVar[int] = ContextVar("prep_fuzz_seed", default=0)


class PrepScheduler(fsrs.Scheduler):
    """``fsrs.Scheduler`` whose fuzz is a function of the card, not of a global RNG."""

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        days = interval.days
        if days < 2.5:  # as in fsrs: no fuzz below 2.5 days
            return interval
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(
                min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0
            )
        low = max(2, round(days - delta))
        high = min(round(days + delta), self.maximum_interval)
        low = min(low, high)
        draw = random.Random(_FUZZ_SEED.get()).random()
        return timedelta(days=min(round(draw * (high - low + 1) + low), self.maximum_interval))


@dataclass(frozen=True)
class SchedulerSettings:
    """The per-user inputs of the scheduler (hashable, so schedulers can be cached)."""

    parameters: tuple[float, ...]
    desired_retention: float
    learning_steps: tuple[int, ...]
    relearning_steps: tuple[int, ...]
    maximum_interval: int
    fuzz: bool = True

    @classmethod
    def of(cls, user: User, *, fuzz: bool = True) -> SchedulerSettings:
        """The settings stored on ``user`` (default FSRS-6 parameters until optimised)."""
        return cls(
            parameters=tuple(user.fsrs_parameters or fsrs.scheduler.DEFAULT_PARAMETERS),
            desired_retention=user.desired_retention,
            learning_steps=tuple(user.learning_steps),
            relearning_steps=tuple(user.relearning_steps),
            maximum_interval=user.maximum_interval,
            fuzz=fuzz,
        )


@lru_cache(maxsize=256)
def scheduler_for(settings: SchedulerSettings) -> PrepScheduler:
    """A scheduler for these settings (shared: it holds no per-card state)."""
    return PrepScheduler(
        parameters=settings.parameters,
        desired_retention=settings.desired_retention,
        learning_steps=[timedelta(seconds=s) for s in settings.learning_steps],
        relearning_steps=[timedelta(seconds=s) for s in settings.relearning_steps],
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz,
    )


def fuzz_seed(card_id: int, reps: int) -> int:
    """The fuzz seed of a card's next review: stable across requests and processes."""
    digest = hashlib.blake2b(f"{card_id}:{reps}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def to_fsrs(card: Card) -> fsrs.Card:
    """The fsrs view of a card row (a new card is fsrs's Learning state at step 0)."""
    state = fsrs.State.Learning if card.state == CardState.NEW else fsrs.State(card.state)
    return fsrs.Card(
        card_id=card.id, state=state, step=card.step, stability=card.stability,
        difficulty=card.difficulty, due=card.due, last_review=card.last_review,
    )


@dataclass(frozen=True)
class Outcome:
    """What one rating would do to a card."""

    rating: Rating
    state: CardState
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    is_lapse: bool

    def fields(self) -> dict[str, object]:
        """The card columns this outcome sets."""
        return {"state": self.state, "step": self.step, "stability": self.stability,
                "difficulty": self.difficulty, "due": self.due}


def outcome(card: Card, rating: Rating, now: datetime, settings: SchedulerSettings) -> Outcome:
    """Schedule ``card`` answered with ``rating`` at ``now`` (deterministic, fuzz included)."""
    token = _FUZZ_SEED.set(fuzz_seed(card.id, card.reps))
    try:
        after, _ = scheduler_for(settings).review_card(to_fsrs(card), fsrs.Rating(rating), now)
    finally:
        _FUZZ_SEED.reset(token)
    assert after.stability is not None and after.difficulty is not None  # set by every review
    return Outcome(
        rating=rating, state=CardState(after.state), step=after.step, stability=after.stability,
        difficulty=after.difficulty, due=after.due,
        is_lapse=card.state == CardState.REVIEW and rating == Rating.AGAIN,
    )


def outcomes(card: Card, now: datetime, settings: SchedulerSettings) -> list[Outcome]:
    """The four possible outcomes, in rating order (what the buttons show)."""
    return [outcome(card, rating, now, settings) for rating in Rating]


def retrievability(card: Card, now: datetime, settings: SchedulerSettings) -> float:
    """The probability of recalling ``card`` at ``now`` (0 for a card never studied)."""
    if card.state == CardState.NEW:
        return 0.0
    return scheduler_for(settings).get_card_retrievability(to_fsrs(card), now)


def format_interval(interval: timedelta) -> str:
    """Anki-style short interval: 45s, 10m, 3h, 4d, 2.1mo, 1.3y."""
    seconds = max(0, interval.total_seconds())
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.0f}h"
    days = seconds / 86400
    if days < 30:
        return f"{days:.0f}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
