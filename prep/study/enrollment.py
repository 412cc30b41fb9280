"""Which tracks a user studies, and the card rows that studying a track needs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, or_, select, true, update
from sqlalchemy.orm import Session

from prep.models import CARD, Card, Deck, Enrollment, Item, Track, User
from prep.study.new_order import order_new_cards


class UnknownTrack(ValueError):
    """A track id that does not exist."""


def add_cards(
    session: Session, user_ids: Iterable[int], items: Iterable[Item], now: datetime
) -> int:
    """Create new-card rows for each user and item that lack one; return how many were made."""
    user_ids, items = list(user_ids), list(items)
    if not user_ids or not items:
        return 0
    existing = set(
        session.execute(
            select(Card.user_id, Card.item_id).where(
                Card.user_id.in_(user_ids), Card.item_id.in_([item.id for item in items])
            )
        ).all()
    )
    new_cards = [
        Card(user_id=user_id, item_id=item.id, due=now)
        for user_id in user_ids
        for item in items
        if (user_id, item.id) not in existing
    ]
    session.add_all(new_cards)
    session.flush()
    return len(new_cards)


def track_flashcards(session: Session, track_id: str) -> list[Item]:
    """The live (not retired) shared flashcards of a track, in authored order.

    Exam questions are not queued on enrolment: a question enters the review queue when the
    user misses it in an exam (see prep.exams).
    """
    return list(
        session.scalars(
            select(Item)
            .join(Deck, Item.deck_id == Deck.id)
            .where(Deck.track_id == track_id, Deck.owner_id.is_(None), Item.retired_at.is_(None),
                   Item.kind == CARD)
            .order_by(Item.id)
        )
    )


def refresh_activity(
    session: Session,
    *,
    item_ids: Iterable[int] | None = None,
    user_id: int | None = None,
    track_ids: Iterable[str] | None = None,
) -> None:
    """Recompute ``Card.active`` for the cards selected by the arguments.

    A card is active when its item is not retired and belongs to the user's own deck or to a
    track the user studies, or came from a missed exam question. The queue reads only this
    flag, so every change to enrolment or retirement passes through here.
    """
    live = (
        select(Item.id)
        .join(Deck, Deck.id == Item.deck_id)
        .where(
            Item.id == Card.item_id,
            Item.retired_at.is_(None),
            or_(
                Card.from_exam == true(),
                Deck.owner_id == Card.user_id,
                exists().where(Enrollment.user_id == Card.user_id,
                               Enrollment.track_id == Deck.track_id),
            ),
        )
    )
    statement = update(Card).values(active=exists(live)).execution_options(
        synchronize_session=False)
    if item_ids is not None:
        statement = statement.where(Card.item_id.in_(list(item_ids)))
    if user_id is not None:
        statement = statement.where(Card.user_id == user_id)
    if track_ids is not None:
        in_tracks = select(Item.id).join(Deck, Deck.id == Item.deck_id).where(
            Deck.track_id.in_(list(track_ids)))
        statement = statement.where(Card.item_id.in_(in_tracks))
    session.execute(statement)


def set_tracks(session: Session, user: User, track_ids: Iterable[str], now: datetime) -> None:
    """Make ``track_ids`` exactly the tracks ``user`` studies; new tracks bring their cards.

    Leaving a track keeps its cards and history (they become inactive, so the queue skips
    them), so that coming back later loses nothing.
    """
    wanted = set(track_ids)
    known = set(session.scalars(select(Track.id).where(Track.id.in_(wanted))))
    if unknown := wanted - known:
        raise UnknownTrack(f"unknown track: {', '.join(sorted(unknown))}")
    current = {enrollment.track_id: enrollment for enrollment in user.enrollments}
    for track_id, enrollment in current.items():
        if track_id not in wanted:
            user.enrollments.remove(enrollment)
    for track_id in sorted(wanted - set(current)):
        user.enrollments.append(Enrollment(track_id=track_id, created_at=now))
    session.flush()
    added = sum(add_cards(session, [user.id], track_flashcards(session, track_id), now)
                for track_id in sorted(wanted - set(current)))
    if added:
        order_new_cards(session, user)
    changed = wanted ^ set(current)
    if changed:
        refresh_activity(session, user_id=user.id, track_ids=changed)
    session.flush()
