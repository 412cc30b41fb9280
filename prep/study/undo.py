"""Undo: take back the latest action of the study day, whatever it was (as in Anki).

Two logs hold the day's actions: review logs (answers) and card actions (bury, suspend,
flag). A card action records the id of the day's latest review when it was done, so the
latest of all is a card action when that id is at least the latest review's (or there is
no review today), and the latest review otherwise. Each undo removes what it reverts, so
undo repeats back through the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import Card, CardAction, ReviewLog, User
from prep.study.days import user_day
from prep.study.review import NoSuchReview, ReviewRefused, last_review, undo_review

REVIEW, ACTION = "review", "action"
_FIELDS = ("buried_until", "suspended", "flagged")


@dataclass(frozen=True)
class UndoTarget:
    """What undo would take back now: an answer (review log id) or a card action."""

    kind: str  # REVIEW or ACTION
    id: int

    @property
    def field(self) -> str:
        """The form field that names it."""
        return "log_id" if self.kind == REVIEW else "action_id"


def record_action(session: Session, user: User, card: Card, kind: str, now: datetime) -> None:
    """Remember the card's state before a bury, suspend or flag, for undo."""
    latest = last_review(session, user, now)
    before = {"buried_until": card.buried_until.isoformat() if card.buried_until else None,
              "suspended": card.suspended, "flagged": card.flagged}
    session.add(CardAction(user_id=user.id, card_id=card.id, kind=kind, done_at=now,
                           after_review_id=latest.id if latest else None, before=before))
    session.flush()


def _last_action(session: Session, user: User, now: datetime) -> CardAction | None:
    return session.scalar(
        select(CardAction)
        .where(CardAction.user_id == user.id, CardAction.done_at >= user_day(user, now).start)
        .order_by(CardAction.done_at.desc(), CardAction.id.desc()).limit(1))


def undo_target(session: Session, user: User, now: datetime) -> UndoTarget | None:
    """The latest action of the study day, or None when there is nothing to undo."""
    review, action = last_review(session, user, now), _last_action(session, user, now)
    if action is not None and (review is None or (action.after_review_id or 0) >= review.id):
        return UndoTarget(ACTION, action.id)
    return UndoTarget(REVIEW, review.id) if review is not None else None


def _restore(before: Any) -> dict[str, Any]:
    """The card fields of a card action's snapshot, checked (a damaged one is refused)."""
    if not isinstance(before, dict) or set(before) != set(_FIELDS):
        raise ReviewRefused("This action's saved card state is damaged; it cannot be undone.")
    buried, suspended, flagged = (before[name] for name in _FIELDS)
    if not (isinstance(suspended, bool) and isinstance(flagged, bool)
            and (buried is None or isinstance(buried, str))):
        raise ReviewRefused("This action's saved card state is damaged; it cannot be undone.")
    try:
        until = datetime.fromisoformat(buried) if buried else None
    except ValueError:
        raise ReviewRefused("This action's saved card state is damaged.") from None
    return {"buried_until": until, "suspended": suspended, "flagged": flagged}


def undo(session: Session, user: User, target: UndoTarget, now: datetime) -> Card:
    """Take back ``target``, which must be the latest action of the day; returns the card.

    NoSuchReview when it is not the user's (or already undone); ReviewRefused when a later
    action must be undone first.
    """
    action = None
    if target.kind == ACTION:
        action = session.get(CardAction, target.id)
        if action is None or action.user_id != user.id:
            raise NoSuchReview(target.id)
    elif session.scalar(select(ReviewLog.id).where(ReviewLog.id == target.id,
                                                    ReviewLog.user_id == user.id)) is None:
        raise NoSuchReview(target.id)
    if undo_target(session, user, now) != target:
        raise ReviewRefused("Nothing to undo there: that action was already undone or is not "
                            "the latest one today.")
    if action is None:  # an answer
        return undo_review(session, user, target.id, now)
    card = session.get_one(Card, action.card_id)
    for name, value in _restore(action.before).items():
        setattr(card, name, value)
    session.delete(action)
    session.flush()
    return card
