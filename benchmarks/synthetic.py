"""Synthetic review histories drawn from known FSRS parameters (for tests and benchmarks).

A simulated learner remembers each card as FSRS with ``TRUE_PARAMETERS`` predicts: at each
review the chance of recall is the true retrievability; a recall is rated Hard, Good or
Easy, a lapse Again. When the next review happens is up to the caller's ``answer`` function
(usually prep's own scheduler, so the history looks like one prep would record).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs
from sqlalchemy import insert
from sqlalchemy.orm import Session

from prep.models import CARD, Card, CardState, Deck, Item, Rating, ReviewLog, User
from prep.study.scheduling import SchedulerSettings

# A learner quite unlike FSRS's defaults: fast-growing stability, harsh on lapses.
TRUE_PARAMETERS = (
    0.6, 2.4, 5.8, 14.0, 6.9, 0.6, 2.2, 0.02, 2.1, 0.12, 1.2, 1.1, 0.09, 0.35, 1.3, 0.4,
    2.6, 0.5, 0.2, 0.1, 0.3,
)
FIRST_RATINGS = ((Rating.AGAIN, 0.25), (Rating.HARD, 0.1), (Rating.GOOD, 0.55),
                 (Rating.EASY, 0.1))
RECALLED_RATINGS = ((Rating.HARD, 0.15), (Rating.GOOD, 0.75), (Rating.EASY, 0.1))

# (card key, rating, time of the answer) -> when the card is due next
Answer = Callable[[int, int, datetime], datetime]


@dataclass(frozen=True)
class SyntheticReview:
    """One simulated answer."""

    card: int
    rating: int
    at: datetime
    duration_ms: int


def _draw(rng: random.Random, weights: tuple[tuple[int, float], ...]) -> int:
    return rng.choices([r for r, _ in weights], [w for _, w in weights])[0]


def prep_answers(settings: SchedulerSettings) -> Answer:
    """An ``answer`` that schedules as prep does with ``settings`` (cards kept in memory)."""
    from prep.study.scheduling import outcome

    cards: dict[int, Card] = {}

    def answer(key: int, rating: int, at: datetime) -> datetime:
        card = cards.setdefault(key, Card(id=key, state=CardState.NEW, step=None, stability=None,
                                           difficulty=None, due=at, last_review=None, reps=0))
        result = outcome(card, Rating(rating), at, settings)
        card.state, card.step, card.due = result.state, result.step, result.due
        card.stability, card.difficulty = result.stability, result.difficulty
        card.last_review, card.reps = at, card.reps + 1
        return result.due

    return answer


def simulate(cards: int, start: datetime, days: int, answer: Answer, *,
             parameters: tuple[float, ...] = TRUE_PARAMETERS, new_per_day: int = 20,
             seed: int = 1) -> list[SyntheticReview]:
    """Study ``cards`` cards (``new_per_day`` a day) from ``start`` for ``days`` days."""
    rng = random.Random(seed)
    memory = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    minds: dict[int, fsrs.Card] = {}
    end = start + timedelta(days=days)
    queue = [(start + timedelta(days=key // new_per_day, hours=rng.uniform(0, 8)), key)
             for key in range(cards)]
    heapq.heapify(queue)
    reviews = []
    while queue:
        at, key = heapq.heappop(queue)
        if at >= end:
            continue
        mind = minds.get(key)
        if mind is None:
            rating = _draw(rng, FIRST_RATINGS)
            mind = fsrs.Card(card_id=key, due=at)
        elif rng.random() < memory.get_card_retrievability(mind, at):
            rating = _draw(rng, RECALLED_RATINGS)
        else:
            rating = Rating.AGAIN
        minds[key], _ = memory.review_card(mind, fsrs.Rating(rating), at)
        reviews.append(SyntheticReview(key, rating, at, rng.randint(2000, 15000)))
        due = answer(key, rating, at)
        # Reviews happen some time after they fall due; learning steps about on time.
        delay = timedelta(hours=rng.uniform(0, 10)) if due - at >= timedelta(days=1) else \
            timedelta(seconds=rng.uniform(0, 90))
        heapq.heappush(queue, (due + delay, key))
    return reviews


def record(session: Session, user: User, reviews: list[SyntheticReview], now: datetime,
           deck_title: str = "Synthetic") -> dict[int, int]:
    """Store ``reviews`` as the user's own cards with their logs; returns card id per key.

    Each card's state is what prep's scheduler (the user's settings) makes of its answers.
    """
    from prep.insight.optimisation import fresh_copy, replay_steps

    deck = Deck(slug=f"own/{user.id}/{deck_title.lower()}", owner_id=user.id, title=deck_title)
    session.add(deck)
    session.flush()
    histories: dict[int, list[tuple[datetime, int]]] = {}
    durations: dict[int, list[int]] = {}
    for review in sorted(reviews, key=lambda r: (r.card, r.at)):
        histories.setdefault(review.card, []).append((review.at, review.rating))
        durations.setdefault(review.card, []).append(review.duration_ms)
    connection = session.connection()
    item_ids = connection.scalars(insert(Item).returning(Item.id), [
        {"uid": f"synthetic-{user.id}-{key}", "deck_id": deck.id, "kind": CARD,
         "prompt": f"Front {key}", "answer_text": f"Back {key}", "tags": [],
         "content_hash": f"{key:064d}", "created_at": now, "updated_at": now}
        for key in histories
    ]).all()
    card_ids, logs = {}, []
    settings = SchedulerSettings.of(user)
    for (key, history), item_id in zip(histories.items(), item_ids, strict=True):
        card = Card(user_id=user.id, item_id=item_id, due=history[0][0])
        session.add(card)
        session.flush()
        card_ids[key] = card.id
        after = fresh_copy(card.id, history[0][0])
        for n, (state, interval) in enumerate(replay_steps(after, history, settings)):
            logs.append({"user_id": user.id, "card_id": card.id,
                         "review_uid": f"syn-{card.id}-{n}", "rating": history[n][1],
                         "reviewed_at": history[n][0], "duration_ms": durations[key][n],
                         "previous_state": state, "last_interval": interval,
                         "state_before": {}})
        for name, value in vars(after).items():  # a ReplayCard: the scheduling fields and id
            if name != "id":
                setattr(card, name, value)
    if logs:
        connection.execute(insert(ReviewLog), logs)
    session.flush()
    return card_ids
