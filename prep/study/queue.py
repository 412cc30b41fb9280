"""The review queue: what to study now, how many are left today, and what comes tomorrow.

Order (as in Anki): intraday learning and relearning cards that are due; then review cards
due by the end of the study day, interleaved with new cards up to the daily new limit; then,
when nothing else is left, learning cards due within the learn-ahead window. Only active
cards count (``Card.active``: the item is live and of a track the user studies, or of the
user's own decks); suspended and buried ones are skipped. The study day rolls over at the
user's ``day_start_hour`` in their time zone. "Study more today" raises the day's new-card
limit and takes reviews due up to some days ahead, for that study day only (``day_limits``).

Every query is a range scan of ``ix_cards_queue`` (user, state, flags, due): no joins, and
the daily counts read the index only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    bindparam,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, joinedload

from prep.models import (
    Card,
    CardState,
    Item,
    ReviewLog,
    User,
)
from prep.study.days import StudyDay, user_day

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default learn-ahead limit


@dataclass(frozen=True)
class QueueCounts:
    """Cards left today, as the review screen shows them."""

    new: int
    learning: int
    review: int


@dataclass
class Queue:
    """The head of the queue and what is left today."""

    head: Card | None
    counts: QueueCounts
    day: StudyDay


# The queue's statements are built once (with bound parameters) and reused: building
# SQLAlchemy expressions per request cost more than running them.
_USER = Card.user_id == bindparam("user_id")
_AVAILABLE = (
    Card.active == true(),
    Card.suspended == false(),
    or_(Card.buried_until.is_(None), Card.buried_until <= bindparam("now")),
)
_LEARNING_STATES = Card.state.in_([CardState.LEARNING, CardState.RELEARNING])


def _capped_count(cap: str, *criteria: ColumnElement[bool]) -> ScalarSelect:
    """Available cards matching ``criteria``, counted no further than ``:cap`` rows."""
    rows = (select(literal(1)).select_from(Card).where(_USER, *_AVAILABLE, *criteria)
            .limit(bindparam(cap)).subquery())
    return select(func.count()).select_from(rows).scalar_subquery()


def _first(order: tuple, *criteria: ColumnElement[bool]) -> ScalarSelect:
    """The id of the first available card matching ``criteria`` in ``order``."""
    return (select(Card.id).where(_USER, *_AVAILABLE, *criteria).order_by(*order).limit(1)
            .scalar_subquery())


def _done(state: int) -> ScalarSelect:
    return (select(func.count()).select_from(ReviewLog)
            .where(ReviewLog.user_id == bindparam("user_id"),
                   ReviewLog.reviewed_at >= bindparam("day_start"),
                   ReviewLog.previous_state == state)
            .scalar_subquery())


# One round trip gathers everything the queue needs; the head card is then loaded by id.
_QUEUE = select(
    _done(CardState.NEW).label("new_done"),
    _done(CardState.REVIEW).label("review_done"),
    _capped_count("new_cap", Card.state == CardState.NEW).label("new"),
    _capped_count("learning_cap", _LEARNING_STATES, Card.due < bindparam("day_end"))
    .label("learning"),
    _capped_count("review_cap", Card.state == CardState.REVIEW, Card.due < bindparam("review_end"))
    .label("review"),
    # One head per learning state: each is an ordered index scan (an IN would need a sort).
    _first((Card.due, Card.id), Card.state == CardState.LEARNING,
           Card.due <= bindparam("learn_ahead")).label("learning_head"),
    _first((Card.due, Card.id), Card.state == CardState.RELEARNING,
           Card.due <= bindparam("learn_ahead")).label("relearning_head"),
    _first((Card.due, Card.id), Card.state == CardState.REVIEW,
           Card.due < bindparam("review_end")).label("review_head"),
    # New cards: by due, which is their place in the new-card order (prep.study.new_order:
    # mixed across decks or deck by deck), then id, as in Anki.
    _first((Card.due, Card.id), Card.state == CardState.NEW).label("new_head"),
)
# Counts stop at this many ("1000+" on the page): the queue's cost must not grow with a
# backlog of thousands of due cards.
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class DayLimits:
    """Today's new-card limit and how far ahead reviews are taken, "study more" included."""

    new: int
    review_end: datetime


def day_limits(user: User, day: StudyDay) -> DayLimits:
    """The settings' limits, raised for this study day only by "study more today"."""
    extra_new, ahead = ((user.extra_new, user.review_ahead_days)
                        if user.study_more_day == day.start else (0, 0))
    return DayLimits(new=max(0, user.new_per_day + extra_new),
                     review_end=day.end + timedelta(days=ahead))


def _gather(session: Session, user: User, at: datetime, day: StudyDay,
            limits: DayLimits) -> Any:
    return session.connection().execute(_QUEUE, {
        "user_id": user.id, "now": at, "day_start": day.start, "day_end": day.end,
        "review_end": limits.review_end, "learn_ahead": at + LEARN_AHEAD,
        "new_cap": min(COUNT_LIMIT, limits.new), "learning_cap": COUNT_LIMIT,
        "review_cap": min(COUNT_LIMIT, max(0, user.reviews_per_day)),
    }).one()


def build_queue(session: Session, user: User, now: datetime) -> Queue:
    """What to show now, and how many cards of each kind are left today."""
    day = user_day(user, now)
    limits = day_limits(user, day)
    row = _gather(session, user, now, day, limits)
    # Counted up to the daily limit; what is left of the limit today caps them.
    counts = QueueCounts(
        new=min(row.new, max(0, limits.new - row.new_done)),
        learning=row.learning,
        review=min(row.review, max(0, user.reviews_per_day - row.review_done)),
    )
    learning_heads = [_load(session, card_id)
                      for card_id in (row.learning_head, row.relearning_head) if card_id]
    learning = min(learning_heads, key=lambda card: (card.due, card.id), default=None)
    if learning is not None and learning.due <= now:
        return Queue(head=learning, counts=counts, day=day)
    head_id = None
    if counts.new or counts.review:
        done = {CardState.NEW: row.new_done, CardState.REVIEW: row.review_done}
        new_turn = _new_turn(counts, done)
        head_id = row.new_head if new_turn else row.review_head
    # Learning cards due within the learn-ahead window come when nothing else is left.
    head = _load(session, head_id) if head_id else learning
    return Queue(head=head, counts=counts, day=day)


_WITH_ITEM = (joinedload(Card.item).joinedload(Item.deck),)


def _load(session: Session, card_id: int) -> Card:
    """A card by id with its item and deck (the screen shows all three): one query."""
    return session.get_one(Card, card_id, options=_WITH_ITEM)


def _new_turn(counts: QueueCounts, done: dict[CardState, int]) -> bool:
    """Spread new cards evenly among today's reviews (Anki's "mix with reviews")."""
    if counts.new == 0:
        return False
    if counts.review == 0:
        return True
    gap = counts.review // counts.new + 1
    introduced = done.get(CardState.NEW, 0) + done.get(CardState.REVIEW, 0)
    return introduced % gap == gap - 1


def due_tomorrow(session: Session, user: User, now: datetime) -> QueueCounts:
    """What tomorrow's study day will hold, as far as is known now."""
    tomorrow = user_day(user, now + timedelta(days=1))
    if tomorrow.start <= now:  # ``now`` sits in a DST gap; fall back to one day later
        tomorrow = StudyDay(tomorrow.start + timedelta(days=1), tomorrow.end + timedelta(days=1))
    row = _gather(session, user, tomorrow.start, tomorrow, day_limits(user, tomorrow))
    return QueueCounts(new=row.new, learning=row.learning, review=row.review)
