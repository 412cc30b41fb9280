"""The card browser's search: a user's cards filtered by track, deck, domain, state, due, text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from prep.models import (
    Card,
    CardState,
    Deck,
    ExamDomain,
    Item,
    ItemDomain,
    ReviewLog,
    User,
)
from prep.study.days import user_day
from prep.study.review import NoSuchCard

PAGE_SIZE = 50
MAX_BATCH = 500  # cards one bulk action may change (ten pages of results)
# Columns the browser sorts by, each with a tie-breaker so pages never overlap.
SORTS = {"front": Item.prompt, "deck": Deck.title, "state": Card.state, "due": Card.due}
BULK_ACTIONS = ("suspend", "unsuspend", "flag", "unflag")
STATES = ("new", "learning", "review", "suspended", "leech", "flagged")
DUE = ("today", "overdue")


@dataclass(frozen=True)
class CardFilter:
    """What the browser's filter form asks for (all optional)."""

    track: str | None = None
    deck_id: int | None = None
    domain_id: int | None = None
    state: str | None = None
    due: str | None = None
    text: str | None = None
    page: int = 1
    sort: str = "due"  # a key of SORTS
    descending: bool = False


@dataclass
class CardPage:
    """One page of results."""

    cards: list[Card]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _filtered(user: User, wanted: CardFilter, now: datetime) -> Select:
    query = (
        select(Card)
        .join(Card.item)
        .join(Item.deck)
        .where(Card.user_id == user.id)
        .options(contains_eager(Card.item).contains_eager(Item.deck))
    )
    if wanted.track:
        query = query.where(Deck.track_id == wanted.track)
    if wanted.deck_id is not None:
        query = query.where(Deck.id == wanted.deck_id)
    if wanted.domain_id is not None:
        query = query.where(exists().where(ItemDomain.item_id == Item.id,
                                           ItemDomain.domain_id == wanted.domain_id))
    states = {"new": [CardState.NEW], "learning": [CardState.LEARNING, CardState.RELEARNING],
              "review": [CardState.REVIEW]}
    if wanted.state in states:
        query = query.where(Card.state.in_(states[wanted.state]), Card.suspended.is_(False))
    elif wanted.state == "suspended":
        query = query.where(Card.suspended.is_(True))
    elif wanted.state == "leech":
        query = query.where(Card.leech.is_(True))
    elif wanted.state == "flagged":
        query = query.where(Card.flagged.is_(True))
    if wanted.due == "today":
        query = query.where(Card.state != CardState.NEW, Card.due < user_day(user, now).end)
    elif wanted.due == "overdue":
        query = query.where(Card.state != CardState.NEW, Card.due < user_day(user, now).start)
    if wanted.text:
        escaped = wanted.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(Item.prompt.ilike(pattern, escape="\\"),
                                Item.answer_text.ilike(pattern, escape="\\")))
    return query


def search_cards(session: Session, user: User, wanted: CardFilter, now: datetime) -> CardPage:
    """A page of the user's cards matching ``wanted``, in the order it asks (soonest due first)."""
    query = _filtered(user, wanted, now)
    total = session.scalar(select(func.count()).select_from(
        query.with_only_columns(Card.id).subquery())) or 0
    page = max(1, wanted.page)
    cards = session.scalars(
        query.order_by(*_order(wanted)).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return CardPage(list(cards), total, page)


def _order(wanted: CardFilter) -> tuple:
    column = SORTS.get(wanted.sort, Card.due)
    return (column.desc(), Card.id.desc()) if wanted.descending else (column, Card.id)


class BulkRefused(ValueError):
    """A bulk action that cannot run (unknown action, too many cards, none chosen)."""


def bulk_change(session: Session, user: User, card_ids: list[int], action: str) -> int:
    """Suspend, unsuspend, flag or unflag the user's cards ``card_ids`` at once; flushes.

    Every id must be one of the user's cards: any other id refuses the whole batch
    (NoSuchCard), so a forged list changes nothing. Returns the number of cards changed.
    """
    if action not in BULK_ACTIONS:
        raise BulkRefused("Choose suspend, unsuspend, flag or unflag.")
    wanted = set(card_ids)
    if not wanted:
        raise BulkRefused("Tick at least one card.")
    if len(wanted) > MAX_BATCH:
        raise BulkRefused(f"At most {MAX_BATCH} cards at once.")
    cards = session.scalars(select(Card).where(Card.id.in_(wanted),
                                               Card.user_id == user.id)).all()
    if len(cards) != len(wanted):
        raise NoSuchCard(sorted(wanted - {card.id for card in cards}))
    field, value = {"suspend": ("suspended", True), "unsuspend": ("suspended", False),
                    "flag": ("flagged", True), "unflag": ("flagged", False)}[action]
    changed = [card for card in cards if getattr(card, field) != value]
    for card in changed:
        setattr(card, field, value)
    session.flush()
    return len(changed)


def card_history(session: Session, card: Card) -> list[ReviewLog]:
    """A card's reviews, newest first."""
    return list(session.scalars(
        select(ReviewLog).where(ReviewLog.card_id == card.id)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
    ))


def filter_choices(session: Session, user: User) -> dict[str, list]:
    """Decks and domains the filter form offers (shared decks plus the user's own)."""
    decks = session.scalars(
        select(Deck).where(or_(Deck.owner_id.is_(None), Deck.owner_id == user.id),
                           Deck.retired_at.is_(None))
        .order_by(Deck.track_id, Deck.title)
    ).all()
    domains = session.scalars(select(ExamDomain).order_by(ExamDomain.exam_id,
                                                          ExamDomain.number)).all()
    return {"decks": list(decks), "domains": list(domains)}
