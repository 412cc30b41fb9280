"""Workload at different desired retentions, from fsrs-rs-python's simulator.

The simulator learns a deck the size of the user's studied cards from new, at the user's
daily new-card and review limits and with the user's FSRS parameters, for 90 days. (The
binding's ``simulate`` takes no existing cards, so the user's current states are not
carried over: this compares retentions, it does not forecast the user's own queue; the
dashboard's forecast does that.)
"""

from __future__ import annotations

from dataclasses import dataclass

import fsrs_rs_python as fsrs_rs
from sqlalchemy import false, func, select, true
from sqlalchemy.orm import Session

from prep.models import Card, User
from prep.study.scheduling import SchedulerSettings
from prep.study.settings import RETENTION_RANGE

DAYS = 90
SEED = 2024


@dataclass(frozen=True)
class Workload:
    """Simulated daily load at one desired retention."""

    retention: float
    reviews_per_day: list[int]
    minutes_per_day: list[float]
    memorised: float  # cards expected to be remembered on the last day
    current: bool

    @property
    def total_reviews(self) -> int:
        return sum(self.reviews_per_day)

    @property
    def mean_minutes(self) -> float:
        return sum(self.minutes_per_day) / len(self.minutes_per_day)


def compared_retentions(current: float) -> list[float]:
    """The user's desired retention and one lower and one higher, within the allowed range."""
    low, high = RETENTION_RANGE
    others = (current - 0.05, current + 0.04)
    if others[0] < low:
        others = (current + 0.04, current + 0.08)
    elif others[1] > high:
        others = (current - 0.05, current - 0.10)
    return sorted(round(value, 2) for value in (current, *others))


def _config(user: User, deck: int, days: int) -> fsrs_rs.SimulatorConfig:
    """The simulator set to the user's limits, steps and maximum interval."""
    config = fsrs_rs.default_simulator_config()
    config.deck_size = max(1, deck)
    config.learn_span = days
    config.learn_limit = max(0, user.new_per_day)
    config.review_limit = max(0, user.reviews_per_day)
    config.max_ivl = float(user.maximum_interval)
    config.learning_step_count = len(user.learning_steps)
    config.relearning_step_count = len(user.relearning_steps)
    return config


def _workload(user: User, config: fsrs_rs.SimulatorConfig, retention: float) -> Workload:
    result = fsrs_rs.simulate(list(SchedulerSettings.of(user).parameters), retention, config,
                              SEED)
    return Workload(
        retention=retention,
        reviews_per_day=[int(n) for n in result.review_cnt_per_day],
        minutes_per_day=[seconds / 60 for seconds in result.cost_per_day],
        memorised=float(result.memorized_cnt_per_day[-1]),
        current=abs(retention - user.desired_retention) < 0.005,
    )


def simulate_workload(session: Session, user: User, days: int = DAYS) -> list[Workload]:
    """Daily reviews and study time over ``days`` days at three desired retentions."""
    deck = session.scalar(select(func.count()).select_from(Card).where(
        Card.user_id == user.id, Card.active == true(), Card.suspended == false())) or 0
    config = _config(user, deck, days)
    return [_workload(user, config, retention)
            for retention in compared_retentions(user.desired_retention)]


def learning_load(user: User, deck: int, days: int, new_per_day: int) -> Workload:
    """The daily load of learning ``deck`` new cards at ``new_per_day`` over ``days`` days.

    At the user's desired retention, parameters and steps; reviews are not capped (the
    point is the real load a plan asks for).
    """
    config = _config(user, deck, days)
    config.learn_limit = max(1, new_per_day)
    config.review_limit = 10_000
    return _workload(user, config, user.desired_retention)
