"""The review queue: what to study now, how many are left today, and what comes tomorrow.

Order (as in Anki): intraday learning and relearning cards that are due; then review cards
due by the end of the study day, interleaved with new cards up to the daily new limit; then,
when nothing else is left, learning cards due within the learn-ahead window. Only cards of
tracks the user studies (or the user's own decks) count; suspended, buried and retired ones
are skipped. The study day rolls over at the user's ``day_start_hour`` in their time zone.

The queries follow the ``ix_cards_user_state_due`` index: one user, one state, by due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from prep.models import (
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    Card,
    Deck,
    Enrollment,
    Item,
    ReviewLog,
    User,
)

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default learn-ahead limit


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


@dataclass(frozen=True)
class QueueCounts:
    """Cards left today, as the review screen shows them."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass
class Queue:
    """The head of the queue and what is left today."""

    head: Card | None
    counts: QueueCounts
    day: StudyDay


def studied_scope(session: Session, user: User) -> list[str]:
    """Track ids the user studies."""
    return list(session.scalars(select(Enrollment.track_id).where(Enrollment.user_id == user.id)))


def _cards(user: User, tracks: list[str], now: datetime, *states: int) -> Select:
    """A user's live, unsuspended, unburied cards in ``states``, in studied tracks or own decks."""
    return (
        select(Card)
        .join(Item, Item.id == Card.item_id)
        .join(Deck, Deck.id == Item.deck_id)
        .where(
            Card.user_id == user.id,
            Card.state.in_(states) if len(states) > 1 else Card.state == states[0],
            Card.suspended.is_(False),
            or_(Card.buried_until.is_(None), Card.buried_until <= now),
            Item.retired_at.is_(None),
            or_(Deck.track_id.in_(tracks), Deck.owner_id == user.id),
        )
    )


def _count(session: Session, query: Select, cap: int) -> int:
    """Rows of ``query``, counting no further than ``cap`` (the daily limits bound the work)."""
    if cap <= 0:
        return 0
    limited = query.with_only_columns(Card.id).limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def done_today(session: Session, user: User, day: StudyDay) -> dict[int, int]:
    """Answers given today, by the state the card was in before (NEW, LEARNING, ...)."""
    rows = session.execute(
        select(ReviewLog.previous_state, func.count())
        .where(ReviewLog.user_id == user.id, ReviewLog.reviewed_at >= day.start)
        .group_by(ReviewLog.previous_state)
    )
    return {state: count for state, count in rows}


def build_queue(session: Session, user: User, now: datetime) -> Queue:
    """What to show now, and how many cards of each kind are left today."""
    day = user_day(user, now)
    tracks = studied_scope(session, user)
    done = done_today(session, user, day)
    new_cap = max(0, user.new_per_day - done.get(NEW, 0))
    review_cap = max(0, user.reviews_per_day - done.get(REVIEW, 0))

    learning_now = _cards(user, tracks, now, LEARNING, RELEARNING).where(Card.due <= now)
    reviews = _cards(user, tracks, now, REVIEW).where(Card.due < day.end)
    new = _cards(user, tracks, now, NEW)
    learning_today = _cards(user, tracks, now, LEARNING, RELEARNING).where(Card.due < day.end)
    counts = QueueCounts(
        new=_count(session, new, new_cap),
        learning=_count(session, learning_today, 10_000),
        review=_count(session, reviews, review_cap),
    )

    head = session.scalars(learning_now.order_by(Card.due, Card.id).limit(1)).first()
    if head is None and (counts.new or counts.review):
        if _new_turn(counts, done):
            head = session.scalars(new.order_by(Card.new_position, Card.id).limit(1)).first()
        else:
            head = session.scalars(reviews.order_by(Card.due, Card.id).limit(1)).first()
    if head is None:
        ahead = _cards(user, tracks, now, LEARNING, RELEARNING).where(Card.due <= now + LEARN_AHEAD)
        head = session.scalars(ahead.order_by(Card.due, Card.id).limit(1)).first()
    return Queue(head=head, counts=counts, day=day)


def _new_turn(counts: QueueCounts, done: dict[int, int]) -> bool:
    """Spread new cards evenly among today's reviews (Anki's "mix with reviews")."""
    if counts.new == 0:
        return False
    if counts.review == 0:
        return True
    gap = counts.review // counts.new + 1
    introduced = done.get(NEW, 0) + done.get(REVIEW, 0)
    return introduced % gap == gap - 1


def due_tomorrow(session: Session, user: User, now: datetime) -> QueueCounts:
    """What tomorrow's study day will hold, as far as is known now."""
    tomorrow = user_day(user, now + timedelta(days=1))
    if tomorrow.start <= now:  # ``now`` sits in a DST gap; fall back to one day later
        tomorrow = StudyDay(tomorrow.start + timedelta(days=1), tomorrow.end + timedelta(days=1))
    tracks = studied_scope(session, user)
    at = tomorrow.start
    return QueueCounts(
        new=_count(session, _cards(user, tracks, at, NEW), user.new_per_day),
        learning=_count(session, _cards(user, tracks, at, LEARNING, RELEARNING)
                        .where(Card.due < tomorrow.end), 10_000),
        review=_count(session, _cards(user, tracks, at, REVIEW).where(Card.due < tomorrow.end),
                      user.reviews_per_day),
    )
