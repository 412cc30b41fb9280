"""FSRS optimisation: trained parameters predict held-out answers better than the defaults,
and rescheduling leaves every card as answering under the new parameters would have."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.synthetic import prep_answers, record, simulate
from prep.insight.optimisation import (
    NotBetter,
    NotEnoughReviews,
    apply_parameters,
    current_parameters,
    evaluate,
    optimise,
    plan_rescheduling,
    train,
    training_items,
    user_items,
)
from prep.models import Card, CardState, User
from prep.study.review import answer_card
from prep.study.scheduling import SchedulerSettings
from tests.conftest import FrozenClock

REAL_HISTORY = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / \
    "review_logs_real_12580.csv"
START = datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_items_follow_study_days() -> None:
    items = training_items([[(10, 3), (10, 3), (12, 1), (20, 3)], [(5, 4)]])
    # FSRSReview shows its fields only in its repr.
    assert [repr(item).count("FSRSReview") for item in items] == [3, 4]
    assert "rating: 1, delta_t: 2 }, FSRSReview { rating: 3, delta_t: 8" in repr(items[1])


def test_optimised_parameters_beat_the_defaults_on_held_out_cards() -> None:
    user = User(timezone="UTC", day_start_hour=4, desired_retention=0.9, learning_steps=[60, 600],
                relearning_steps=[600], maximum_interval=36500, fsrs_parameters=None)
    reviews = simulate(1000, START, 365, prep_answers(SchedulerSettings.of(user)))
    histories = defaultdict(list)
    for review in reviews:
        histories[review.card].append((review.at, review.rating))
    train_items = user_items(user, {k: v for k, v in histories.items() if k % 2 == 0})
    held_out = user_items(user, {k: v for k, v in histories.items() if k % 2 == 1})
    fitted = train(train_items)
    defaults = evaluate(fsrs.scheduler.DEFAULT_PARAMETERS, held_out)
    assert evaluate(fitted, held_out).log_loss < defaults.log_loss


def test_too_few_reviews_get_a_clear_message(session: Session, user: User,
                                             clock: FrozenClock) -> None:
    record(session, user, simulate(5, START, 20, prep_answers(SchedulerSettings.of(user))),
           clock())
    with pytest.raises(NotEnoughReviews, match="at least 64 answers"):
        optimise(session, user)


@pytest.fixture
def history(session: Session, user: User, clock: FrozenClock) -> dict[int, int]:
    reviews = simulate(600, clock() - timedelta(days=240), 240,
                       prep_answers(SchedulerSettings.of(user)))
    cards = record(session, user, reviews, clock())
    session.commit()
    return cards


def test_apply_reschedules_every_card_as_the_new_parameters_would(
        session: Session, user: User, clock: FrozenClock, history: dict[int, int]) -> None:
    result = optimise(session, user)
    assert result.better and result.after.log_loss < result.before.log_loss
    assert result.current == tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    preview = plan_rescheduling(session, user, result.proposed)
    assert preview.moved and preview.median_shift_days > 0
    assert current_parameters(user) == result.current  # a preview changes nothing
    plan = apply_parameters(session, user, result.proposed, clock())
    session.commit()
    assert len(plan.moved) == len(preview.moved)
    assert tuple(user.fsrs_parameters) == result.proposed
    # Memory state equals the plain fsrs scheduler's with the new parameters (fuzz only
    # moves due dates): replay each card's answers there.
    plain = fsrs.Scheduler(parameters=result.proposed, enable_fuzzing=False)
    checked = 0
    studied = select(Card).where(Card.user_id == user.id, Card.state != CardState.NEW)
    for card in session.scalars(studied):
        mirror = fsrs.Card(card_id=card.id)
        logs = sorted((log.reviewed_at, log.rating) for log in _logs(session, card))
        for at, rating in logs:
            mirror, _ = plain.review_card(mirror, fsrs.Rating(rating), at)
        assert card.stability == pytest.approx(mirror.stability, rel=1e-9)
        assert card.difficulty == pytest.approx(mirror.difficulty, rel=1e-9)
        assert card.state == int(mirror.state)
        checked += 1
    assert checked == len(history)
    # The next answer continues from there, under the new parameters.
    card = session.scalars(select(Card).where(Card.user_id == user.id, Card.state == 2)).first()
    mirror = fsrs.Card(card_id=card.id, state=fsrs.State.Review, stability=card.stability,
                       difficulty=card.difficulty, due=card.due, last_review=card.last_review)
    answer_card(session, user, card.id, 3, "after-optimising", card.reps, clock())
    expected, _ = plain.review_card(mirror, fsrs.Rating.Good, clock())
    assert card.stability == pytest.approx(expected.stability, rel=1e-9)
    # Confirming the same parameters again changes nothing.
    with pytest.raises(NotBetter):
        apply_parameters(session, user, result.proposed, clock())


def _logs(session: Session, card: Card) -> list:
    from prep.models import ReviewLog

    return list(session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id)))


@pytest.mark.skipif(not REAL_HISTORY.exists(),
                    reason=f"real review history not found at {REAL_HISTORY} "
                           "(see /work/shared/data/README.md)")
def test_optimised_parameters_beat_the_defaults_on_the_later_real_history() -> None:
    histories: dict[str, list[tuple[int, int]]] = defaultdict(list)
    with REAL_HISTORY.open() as file:
        for row in csv.DictReader(file):
            at = datetime.fromisoformat(row["review_time"]).astimezone(UTC)
            day = (at - timedelta(hours=4)).date().toordinal()
            histories[row["card_id"]].append((at, day, int(row["review_rating"])))
    ordered = [[(day, rating) for _, day, rating in sorted(h)] for h in histories.values()]
    # Items end at an answer: train on answers in the first 70% of days, test on the rest.
    days = sorted({day for h in ordered for day, _ in h})
    cutoff = days[int(len(days) * 0.7)]
    earlier, later = [], []
    for history in ordered:
        for item in training_items([history]):
            (earlier if _item_day(history, item) < cutoff else later).append(item)
    assert len(earlier) > 1000 and len(later) > 1000
    fitted = train(earlier)
    assert evaluate(fitted, later).log_loss < \
        evaluate(fsrs.scheduler.DEFAULT_PARAMETERS, later).log_loss


def _item_day(history: list[tuple[int, int]], item) -> int:  # type: ignore[no-untyped-def]
    return history[len(item.reviews) - 1][0]
