"""Answering, undoing, burying, suspending and flagging cards (domain logic, no Flask).

An answer changes the card and writes one review log row in the caller's transaction. A
repeated submission (same client review id) changes nothing and returns the first result;
an answer to a card that changed since it was shown (another tab answered it) is refused.
The card update is a compare-and-set on ``reps``, so two concurrent answers cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from prep.models import Card, CardState, Rating, ReviewLog, User
from prep.models.base import rows_matched
from prep.study.card_schedule import CardSchedule
from prep.study.days import user_day
from prep.study.scheduling import SchedulerSettings, outcome

LEECH_LAPSES = 8
LEECH_TAG = "leech"


class ReviewRefused(ValueError):
    """An answer or action that cannot be applied; the message says why."""


class StaleCard(ReviewRefused):
    """The card changed since the page showed it."""


class NoSuchCard(LookupError):
    """No card with this id belongs to the user (404, whether or not it exists)."""


class NoSuchReview(LookupError):
    """No review with this id belongs to the user (404): another's, or already undone."""


@dataclass(frozen=True)
class LoggedReview:
    """The essentials of a stored review log row."""

    id: int
    card_id: int
    rating: int
    reviewed_at: datetime


@dataclass(frozen=True)
class AnswerResult:
    """The stored review, whether it was a repeat, and whether it made the card a leech."""

    log: LoggedReview | ReviewLog
    duplicate: bool = False
    became_leech: bool = False


def has_cards(session: Session, user: User) -> bool:
    """Whether the user has any card at all (a track's, an own one or a missed question's)."""
    return session.scalar(select(exists().where(Card.user_id == user.id))) or False


def own_card(session: Session, user: User, card_id: int) -> Card:
    """The user's card with this id, or NoSuchCard."""
    card = session.get(Card, card_id)
    if card is None or card.user_id != user.id:
        raise NoSuchCard(card_id)
    return card


_FIND_REVIEW = select(ReviewLog).where(ReviewLog.user_id == bindparam("user_id"),
                                       ReviewLog.review_uid == bindparam("review_uid"))
# Compare-and-set on ``reps``: of two concurrent answers to one card, only one can win.
_ANSWER = (
    update(Card.__table__)
    .where(Card.id == bindparam("card_id"), Card.reps == bindparam("shown_reps"))
    .values({name: bindparam(f"new_{name}") for name in CardSchedule.FIELDS})
)


_LOG = insert(ReviewLog.__table__).returning(ReviewLog.id)


def find_review(session: Session, user: User, review_uid: str) -> ReviewLog | None:
    """The review stored under a client review id, if any."""
    return session.scalar(_FIND_REVIEW, {"user_id": user.id, "review_uid": review_uid})


_RATINGS = frozenset(Rating)


def snapshot(card: Any) -> dict[str, Any]:
    """A card's fields as a log's ``state_before`` holds them (what undo restores)."""
    return CardSchedule.of(card).to_dict()


def _restore(snapshot: dict[str, Any]) -> CardSchedule:
    try:
        return CardSchedule.from_dict(snapshot)
    except ValueError as error:
        raise StaleCard(f"This answer's saved card state is damaged ({error}); it cannot be "
                        "undone.") from None


def answer_card(
    session: Session,
    user: User,
    card_id: int,
    rating: int,
    review_uid: str,
    shown_reps: int,
    now: datetime,
    duration_ms: int | None = None,
) -> AnswerResult:
    """Rate a card: store its new FSRS state and a log row, exactly once per review id."""
    # A repeat of a stored answer finds the card's ``reps`` moved on; the compare-and-set
    # below then looks the review id up (so the common path costs no extra query).
    if rating not in _RATINGS:
        raise ReviewRefused("A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    card = own_card(session, user, card_id)
    if card.reps != shown_reps:
        return _repeat_or_stale(session, user, review_uid)
    if card.suspended or (card.buried_until is not None and card.buried_until > now):
        raise ReviewRefused("This card is suspended or buried; it is no longer in your queue.")
    result = outcome(card, Rating(rating), now, SchedulerSettings.of(user))
    lapses = card.lapses + result.is_lapse
    # As in Anki: a leech at 8 lapses, and again every 4 lapses after that.
    became_leech = (result.is_lapse and lapses >= LEECH_LAPSES
                    and (lapses - LEECH_LAPSES) % (LEECH_LAPSES // 2) == 0)
    before, before_interval = CardSchedule.of(card), scheduled_interval(card)
    values = {**result.fields(), "last_review": now, "reps": shown_reps + 1, "lapses": lapses,
              "leech": card.leech or became_leech, "suspended": became_leech}
    # Core execution (not ORM-enabled DML): this is the hot path of every review.
    connection = session.connection()
    changed = connection.execute(_ANSWER, {"card_id": card.id, "shown_reps": shown_reps,
                                           **{f"new_{k}": v for k, v in values.items()}}).rowcount
    if changed != 1:
        return _repeat_or_stale(session, user, review_uid)
    for name, value in values.items():  # keep the loaded card current without a reload
        set_committed_value(card, name, value)
    log_id = connection.execute(_LOG, {
        "user_id": user.id, "card_id": card.id, "review_uid": review_uid, "rating": rating,
        "reviewed_at": now, "duration_ms": duration_ms, "previous_state": before.state,
        "state_before": before.to_dict(), "last_interval": before_interval,
    }).scalar_one()
    return AnswerResult(LoggedReview(log_id, card.id, rating, now), became_leech=became_leech)


def scheduled_interval(card: Card) -> int | None:
    """Whole days between a review card's last review and its due date (Anki's lastIvl)."""
    if card.state != CardState.REVIEW or card.last_review is None:
        return None
    return max(0, round((card.due - card.last_review).total_seconds() / 86400))


def _repeat_or_stale(session: Session, user: User, review_uid: str) -> AnswerResult:
    """After losing a race: the same answer stored meanwhile (a retry), or a stale card."""
    if (existing := find_review(session, user, review_uid)) is not None:
        return AnswerResult(existing, duplicate=True)
    raise StaleCard("This card was answered elsewhere since it was shown; "
                    "here is your queue as it stands.")


def last_review(session: Session, user: User, now: datetime) -> ReviewLog | None:
    """The user's latest review of the current study day (what undo would take back)."""
    return session.scalar(
        select(ReviewLog)
        .where(ReviewLog.user_id == user.id, ReviewLog.reviewed_at >= user_day(user, now).start)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    )


def undo_review(session: Session, user: User, log_id: int, now: datetime) -> Card:
    """Take back review ``log_id`` (which must be the latest): restore the card exactly."""
    latest = last_review(session, user, now)
    if latest is None or latest.id != log_id:
        if session.scalar(select(ReviewLog.id).where(ReviewLog.id == log_id,
                                                     ReviewLog.user_id == user.id)) is None:
            raise NoSuchReview(log_id)
        raise ReviewRefused("Nothing to undo: that answer was already undone or is not the "
                            "latest one today.")
    card = own_card(session, user, latest.card_id)
    before = _restore(latest.state_before)
    restored = rows_matched(session.execute(
        update(Card)
        .where(Card.id == card.id, Card.reps == before.reps + 1)
        .values(**before.columns())
        .execution_options(synchronize_session=False)
    ))
    if restored != 1:
        raise StaleCard("The card changed after that answer; it cannot be undone.")
    session.delete(latest)
    session.flush()
    session.expire(card)
    return card


def bury(session: Session, user: User, card: Card, now: datetime) -> None:
    """Hide a card until the next study day."""
    card.buried_until = user_day(user, now).end
    session.flush()


def set_suspended(session: Session, card: Card, suspended: bool) -> None:
    """Suspend or unsuspend a card (a leech keeps its mark, as in Anki)."""
    card.suspended = suspended
    session.flush()


def toggle_flag(session: Session, card: Card) -> None:
    """Flag a card for later attention, or clear the flag."""
    card.flagged = not card.flagged
    session.flush()


def lapse_count(session: Session, card: Card) -> int:
    """Lapses as the log records them: Again on a card that was in review."""
    return len(session.scalars(
        select(ReviewLog.id).where(ReviewLog.card_id == card.id, ReviewLog.rating == Rating.AGAIN,
                                   ReviewLog.previous_state == CardState.REVIEW)
    ).all())
