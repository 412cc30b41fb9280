"""A user's own tags on their cards (``CardTag``): read, add and remove.

These are the user's labels, on any of their cards, shared decks' included; a deck file's
tags (``Item.tags``) are the deck's and stay as they are. A tag is one word of letters,
digits and ``_ : . -`` (as Anki's tags), up to 60 characters. A user's tags compare
without regard to case: "AWS" typed by a user who has "aws" already is "aws", so one tag
never splits in two by its spelling. Adding a tag a card has keeps one (a retried request
changes nothing), even when two requests race (the insert skips rows that exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from prep.models import CardTag, User
from prep.models.base import rows_matched

TAG = re.compile(r"[\w:.-]{1,60}\Z")  # \Z: "$" would let a trailing newline in
MAX_TAGS_PER_CARD = 20


class TagRefused(ValueError):
    """A tag that cannot be stored (not one word, or a card with too many tags)."""


def check_tag(text: str) -> str:
    """The tag typed in ``text``, stripped; TagRefused when it is not one valid word."""
    tag = text.strip()
    if not TAG.match(tag):
        raise TagRefused("A tag is one word of letters, digits and _ : . - "
                         "(up to 60 characters, no spaces).")
    return tag


def user_tags(session: Session, user: User) -> list[str]:
    """Every tag the user has on some card, in alphabetical order."""
    tags = session.scalars(select(CardTag.tag).where(CardTag.user_id == user.id).distinct())
    return sorted(tags, key=lambda tag: (tag.casefold(), tag))


def spelled(known: Iterable[str], tag: str) -> str:
    """``tag`` as the user already spells it (``known``: their tags), else as typed."""
    return next((have for have in known if have.casefold() == tag.casefold()), tag)


def tags_by_card(session: Session, card_ids: Iterable[int]) -> dict[int, list[str]]:
    """The tags of each of these cards (cards without tags are left out)."""
    found: dict[int, list[str]] = {}
    for card_id, tag in session.execute(
            select(CardTag.card_id, CardTag.tag).where(CardTag.card_id.in_(list(card_ids)))
            .order_by(CardTag.card_id, CardTag.tag)):
        found.setdefault(card_id, []).append(tag)
    return found


def add_tag(session: Session, user: User, card_ids: list[int], tag: str) -> tuple[int, str]:
    """Put ``tag`` on the user's cards ``card_ids`` (checked as theirs by the caller);
    flushes. Returns how many cards gained it and the tag as stored; TagRefused if a card
    would pass the limit."""
    tag = spelled(user_tags(session, user), check_tag(tag))
    counts = {card_id: count for card_id, count in session.execute(
        select(CardTag.card_id, func.count()).where(CardTag.card_id.in_(card_ids))
        .group_by(CardTag.card_id))}
    having = set(session.scalars(select(CardTag.card_id).where(
        CardTag.card_id.in_(card_ids), CardTag.tag == tag)))
    gaining = [card_id for card_id in card_ids if card_id not in having]
    if full := sum(counts.get(card_id, 0) >= MAX_TAGS_PER_CARD for card_id in gaining):
        raise TagRefused(f"{full} of the cards have {MAX_TAGS_PER_CARD} tags already; "
                         "remove one of theirs first.")
    insert_tags(session, [(card_id, tag) for card_id in gaining], user)
    return len(gaining), tag


def remove_tag(session: Session, user: User, card_ids: list[int],
               tag: str) -> tuple[int, str]:
    """Take ``tag`` off the user's cards ``card_ids``; flushes. Returns how many lost it
    and the tag as it was stored."""
    tag = spelled(user_tags(session, user), check_tag(tag))
    removed = rows_matched(session.execute(
        delete(CardTag).where(CardTag.user_id == user.id, CardTag.card_id.in_(card_ids),
                              CardTag.tag == tag).execution_options(synchronize_session=False)))
    return removed, tag


def insert_tags(session: Session, pairs: list[tuple[int, str]], user: User) -> None:
    """Store (card id, tag) pairs of the user's, skipping any that exist already."""
    if not pairs:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(CardTag).on_conflict_do_nothing(),
                    [{"card_id": card_id, "tag": tag, "user_id": user.id}
                     for card_id, tag in pairs])
    session.flush()
