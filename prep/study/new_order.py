"""The order new cards are introduced in: mixed across the studied decks, or deck by deck.

As in Anki, a new card's ``due`` is its place in the new-card queue (the queue takes new
cards by ``due``, then id, straight from ``ix_cards_queue``), so ordering them costs the
review nothing: the order is written once, when tracks are added or the setting changes.

- ``mixed`` (the default): each deck's cards keep their authored order and the decks are
  interleaved in proportion to their sizes (card k of a deck of n sits at (k + 1/2) / n),
  so a session draws from every deck, and so from every domain, instead of twenty cards of
  the first one.
- ``deck``: deck after deck (by deck name), each in authored order.

Cards added later (a deck update, an own card) come after the ones already ordered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from prep.models import Card, CardState, Deck, Item, User

MIXED, DECK_ORDER = "mixed", "deck"
NEW_CARD_ORDERS = {MIXED: "Mixed across decks", DECK_ORDER: "Deck by deck"}
_SET_DUE = (update(Card.__table__).where(Card.id == bindparam("card_id"))
            .values(due=bindparam("new_due")))


def mixed(decks: list[list[int]]) -> list[int]:
    """Interleave lists in proportion to their lengths, each keeping its own order."""
    keyed = [((k + 0.5) / len(cards), deck, card)
             for deck, cards in enumerate(decks) for k, card in enumerate(cards)]
    return [card for _, _, card in sorted(keyed)]


def order_new_cards(session: Session, user: User) -> int:
    """Write the user's new cards' queue order (their ``due``); returns how many."""
    rows = session.execute(
        select(Card.id, Card.due, Item.deck_id)
        .join(Item, Item.id == Card.item_id).join(Deck, Deck.id == Item.deck_id)
        .where(Card.user_id == user.id, Card.state == CardState.NEW)
        .order_by(Deck.slug, Item.id)
    ).all()
    if not rows:
        return 0
    decks: dict[int, list[int]] = {}
    for row in rows:
        decks.setdefault(row.deck_id, []).append(row.id)
    order = ([card for cards in decks.values() for card in cards]
             if user.new_card_order == DECK_ORDER else mixed(list(decks.values())))
    start = min(row.due for row in rows)  # keep them where they were, ahead of later cards
    session.connection().execute(_SET_DUE, [
        {"card_id": card_id, "new_due": start + timedelta(milliseconds=place)}
        for place, card_id in enumerate(order)])
    session.expire_all()
    return len(order)
