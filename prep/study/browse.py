"""The card browser's search: a user's cards filtered by track, deck, domain, state, due,
their own tags and text (``tag:word`` in the text asks for a tag)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from prep.models import (
    Card,
    CardState,
    CardTag,
    Deck,
    ExamDomain,
    Item,
    ItemDomain,
    ReviewLog,
    User,
)
from prep.study.card_tags import spelled, tags_by_card, user_tags
from prep.study.days import user_day

PAGE_SIZE = 50
# Columns the browser sorts by, each with a tie-breaker so pages never overlap.
SORTS = {"front": Item.prompt, "deck": Deck.title, "state": Card.state, "due": Card.due}
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
    tags: tuple[str, ...] = ()  # the user's tags a card must all have
    page: int = 1
    sort: str = "due"  # a key of SORTS
    descending: bool = False


@dataclass
class CardPage:
    """One page of results."""

    cards: list[Card]
    total: int
    page: int
    tags: dict[int, list[str]] = field(default_factory=dict)  # each card's own tags

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
    for tag in wanted.tags:
        query = query.where(exists().where(CardTag.user_id == user.id, CardTag.tag == tag,
                                           CardTag.card_id == Card.id))
    if wanted.text:
        escaped = wanted.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(Item.prompt.ilike(pattern, escape="\\"),
                                Item.answer_text.ilike(pattern, escape="\\")))
    return query


def search_cards(session: Session, user: User, wanted: CardFilter, now: datetime) -> CardPage:
    """A page of the user's cards matching ``wanted``, in the order it asks (soonest due
    first), with their tags."""
    if wanted.tags:  # as the user spells them, whatever the case typed
        known = user_tags(session, user)
        wanted = replace(wanted, tags=tuple(sorted({spelled(known, tag) for tag in wanted.tags})))
    query = _filtered(user, wanted, now)
    total = session.scalar(select(func.count()).select_from(
        query.with_only_columns(Card.id).subquery())) or 0
    page = max(1, wanted.page)
    cards = session.scalars(
        query.order_by(*_order(wanted)).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return CardPage(list(cards), total, page, tags_by_card(session, [c.id for c in cards]))


def split_search(text: str) -> tuple[str, list[str]]:
    """The search box's words apart from its ``tag:word`` ones, and those tags."""
    words, tags = [], []
    for word in text.split():
        if word[:4].casefold() == "tag:" and len(word) > 4:
            tags.append(word[4:])
        else:
            words.append(word)
    return " ".join(words), tags


def _order(wanted: CardFilter) -> tuple:
    column = SORTS.get(wanted.sort, Card.due)
    return (column.desc(), Card.id.desc()) if wanted.descending else (column, Card.id)


def card_history(session: Session, card: Card) -> list[ReviewLog]:
    """A card's reviews, newest first."""
    return list(session.scalars(
        select(ReviewLog).where(ReviewLog.card_id == card.id)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
    ))


def filter_choices(session: Session, user: User) -> dict[str, list]:
    """Decks, domains and tags the filter form offers (shared decks plus the user's own)."""
    decks = session.scalars(
        select(Deck).where(or_(Deck.owner_id.is_(None), Deck.owner_id == user.id),
                           Deck.retired_at.is_(None))
        .order_by(Deck.track_id, Deck.title)
    ).all()
    domains = session.scalars(select(ExamDomain).order_by(ExamDomain.exam_id,
                                                          ExamDomain.number)).all()
    return {"decks": list(decks), "domains": list(domains), "tags": user_tags(session, user)}
