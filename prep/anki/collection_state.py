"""prep's side of a sync, read from the database in one read-only pass: the user's studied
cards, the web answers Anki lacks (with each card's state after the answer), which notes
are retired or of tracks no longer studied, and a stamp of the content and settings.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from prep.anki.mirror import WebReview
from prep.export.anki import note_guid as _note_guid
from prep.models import Card, CardState, ContentVersion, Deck, Enrollment, Item, ReviewLog, User
from prep.study.card_schedule import CardSchedule

note_guid = lru_cache(maxsize=100_000)(_note_guid)  # a hash each: 30 us, 10,000 per sync
_CHUNK = 900  # ids per IN (...) list: under SQLite's oldest variable limit


@dataclass
class PrepSide:
    """Everything a sync writes into the collection, read before any Anki work."""

    user: User
    track_ids: list[str]
    cards: dict[str, CardSchedule]  # by note GUID
    reviews: list[WebReview]
    retired_guids: set[str]
    not_studied_guids: set[str]
    content_stamp: str
    content_changed: bool


def _chunks(values: Sequence[int]) -> list[Sequence[int]]:
    return [values[n:n + _CHUNK] for n in range(0, len(values), _CHUNK)]


def _stamp(session: Session, user: User, track_ids: list[str]) -> str:
    """Changes when shared content, the user's own cards, tracks or settings change."""
    version = session.scalar(select(func.max(ContentVersion.version))) or 0
    own_count, own_newest = session.execute(
        select(func.count(Item.id), func.max(Item.updated_at)).join(Deck, Deck.id == Item.deck_id)
        .where(Deck.owner_id == user.id)).one()
    settings = (user.desired_retention, user.fsrs_parameters, user.learning_steps,
                user.relearning_steps, user.new_per_day, user.reviews_per_day,
                user.maximum_interval, user.day_start_hour)
    text = repr((version, sorted(track_ids), own_count, own_newest, settings))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cards(session: Session, user_id: int) -> dict[str, CardSchedule]:
    rows = session.execute(
        select(Item.uid, Item.anki_guid, *(getattr(Card, name) for name in CardSchedule.FIELDS))
        .join(Item, Item.id == Card.item_id).where(Card.user_id == user_id)).all()
    return {note_guid(uid, anki_guid): CardSchedule(CardState(state), *rest)
            for uid, anki_guid, state, *rest in rows}


def unsent_reviews(session: Session, user_id: int, present: set[int],
                   known: set[int] | None) -> list[WebReview]:
    """The user's answers whose revlog row the collection lacks (never sent, or sent to a
    cache that was lost before it synced), each with its card's state after it. ``known``
    holds the user's revlog ids if already read (None: read them here)."""
    if known is None:
        known = set(session.scalars(select(ReviewLog.anki_revlog_id).where(
            ReviewLog.user_id == user_id, ReviewLog.anki_revlog_id.is_not(None))))
    lost = sorted(known - present)
    wanted = set(session.scalars(select(ReviewLog.id).where(
        ReviewLog.user_id == user_id, ReviewLog.anki_revlog_id.is_(None))))
    for ids in _chunks(lost):
        wanted |= set(session.scalars(select(ReviewLog.id).where(
            ReviewLog.user_id == user_id, ReviewLog.anki_revlog_id.in_(ids))))
    if not wanted:
        return []
    card_ids = sorted({card_id for ids in _chunks(sorted(wanted)) for card_id in session.scalars(
        select(ReviewLog.card_id).where(ReviewLog.id.in_(ids)))})
    history: dict[int, list] = defaultdict(list)
    cards = {}
    for ids in _chunks(card_ids):
        for row in session.execute(
                select(ReviewLog.id, ReviewLog.card_id, ReviewLog.rating, ReviewLog.reviewed_at,
                       ReviewLog.duration_ms, ReviewLog.previous_state, ReviewLog.last_interval,
                       ReviewLog.anki_revlog_id, ReviewLog.state_before)
                .where(ReviewLog.card_id.in_(ids), ReviewLog.user_id == user_id)
                .order_by(ReviewLog.reviewed_at, ReviewLog.id)):
            history[row.card_id].append(row)
        for row in session.execute(
                select(Card.id, Card.state, Card.due, Card.difficulty, Item.uid, Item.anki_guid)
                .join(Item, Item.id == Card.item_id).where(Card.id.in_(ids))):
            cards[row.id] = row
    reviews = []
    for card_id, rows in history.items():
        card = cards[card_id]
        guid = note_guid(card.uid, card.anki_guid)
        for n, row in enumerate(rows):
            if row.id not in wanted:
                continue
            state, due, difficulty = card.state, card.due, card.difficulty
            if n + 1 < len(rows):  # the next answer's snapshot is the state after this one
                state, due, difficulty = _after(rows[n + 1].state_before, row.reviewed_at)
            reviews.append(WebReview(
                review_id=row.id, guid=guid, rating=row.rating, reviewed_at=row.reviewed_at,
                duration_ms=row.duration_ms, previous_state=row.previous_state,
                last_interval=row.last_interval, revlog_id=row.anki_revlog_id,
                after_state=state, after_due=due, after_difficulty=difficulty))
    reviews.sort(key=lambda review: (review.reviewed_at, review.review_id))
    return reviews


def _after(snapshot: Any, answered: datetime) -> tuple[int, datetime, float | None]:
    """State, due and difficulty from a log's ``state_before`` (what the answer before it
    left); a snapshot without them (an imported history) reads as a learning step."""
    try:
        before = CardSchedule.from_dict(snapshot)
    except ValueError:
        return CardState.LEARNING, answered, None
    return before.state, before.due, before.difficulty


def _guids(session: Session, *conditions: ColumnElement[bool]) -> set[str]:
    rows = session.execute(select(Item.uid, Item.anki_guid).join(Deck, Deck.id == Item.deck_id)
                           .where(*conditions)).all()
    return {note_guid(uid, anki_guid) for uid, anki_guid in rows}


def read_prep_side(session: Session, user_id: int, present: set[int], known: set[int] | None,
                   known_stamp: str | None) -> PrepSide:
    """prep's side of the sync for ``user_id`` (reads only); ``present`` holds the revlog
    ids the collection already has, ``known`` those prep has (None: read here). Which notes
    are retired or not studied is read only when the content stamp differs from
    ``known_stamp`` (None: always)."""
    user = session.get_one(User, user_id)
    track_ids = sorted(session.scalars(select(Enrollment.track_id)
                                       .where(Enrollment.user_id == user_id)))
    stamp = _stamp(session, user, track_ids)
    retired, not_studied = set(), set()
    if stamp != known_stamp:
        retired = _guids(session, or_(Deck.owner_id.is_(None), Deck.owner_id == user_id),
                         or_(Item.retired_at.is_not(None), Deck.retired_at.is_not(None)))
        not_studied = _guids(session, Deck.owner_id.is_(None), Deck.track_id.not_in(track_ids),
                             Item.retired_at.is_(None))
    return PrepSide(user=user, track_ids=track_ids, cards=_cards(session, user_id),
                    reviews=unsent_reviews(session, user_id, present, known),
                    retired_guids=retired,
                    not_studied_guids=not_studied, content_stamp=stamp,
                    content_changed=stamp != known_stamp)
