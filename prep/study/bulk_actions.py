"""The card browser's actions on many ticked cards at once: suspend, unsuspend, flag,
unflag, add or remove one of the user's tags, and move own cards to another own deck.

Every action takes the ticked card ids as sent. All must be the user's cards: any other id
refuses the whole batch (NoSuchCard, or NoSuchDeck for another's deck: 404 on the web), so
a forged list changes nothing. A batch holds at most MAX_BATCH cards, so one request's work
is bounded. Each action is idempotent: sent again, it finds the cards changed already and
changes nothing. These actions keep no undo record: undo (``prep.study.undo``) takes back
the study day's answers and the review screen's bury, suspend and flag, not the browser's
batches.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from prep.models import Card, Deck, Item, User
from prep.study import card_tags
from prep.study.review import NoSuchCard

MAX_BATCH = 500  # cards one bulk action may change (ten pages of results)
FLAG_ACTIONS = ("suspend", "unsuspend", "flag", "unflag")
ADD_TAG, REMOVE_TAG, MOVE = "add-tag", "remove-tag", "move"
# Each action and how the browser's menu names it.
BULK_ACTIONS = {"suspend": "Suspend", "unsuspend": "Unsuspend", "flag": "Flag",
                "unflag": "Unflag", ADD_TAG: "Add tag", REMOVE_TAG: "Remove tag",
                MOVE: "Move to deck"}


class NoSuchDeck(LookupError):
    """No deck with this id is one of the user's own (404, whether or not it exists)."""


class BulkRefused(ValueError):
    """A bulk action that cannot run (unknown action, too many cards, none chosen, a bad
    tag, nothing that may move); ``field`` names the form field at fault, if one is."""

    def __init__(self, message: str, field: str = "action") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BulkRequest:
    """One bulk action as the browser's form asks for it."""

    action: str  # a key of BULK_ACTIONS
    card_ids: list[int]
    tag: str = ""  # for ADD_TAG and REMOVE_TAG
    deck_id: int | None = None  # for MOVE


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: cards changed, cards already so, cards it may not change,
    and the tag or deck it concerned (as stored)."""

    action: str
    changed: int
    unchanged: int = 0
    skipped: int = 0
    target: str = ""

    def message(self) -> str:
        """One sentence for the user."""
        if self.action == ADD_TAG:
            text = f"Tag “{self.target}” added to {_cards(self.changed)}"
            rest = f"{self.unchanged} had it already" if self.unchanged else ""
        elif self.action == REMOVE_TAG:
            text = f"Tag “{self.target}” removed from {_cards(self.changed)}"
            rest = f"{self.unchanged} did not have it" if self.unchanged else ""
        elif self.action == MOVE:
            text = f"Moved {_cards(self.changed)} to “{self.target}”"
            rest = "; ".join(part for part in (
                f"{self.unchanged} were there already" if self.unchanged else "",
                f"skipped {_cards(self.skipped)} of shared decks (only your own cards move)"
                if self.skipped else "") if part)
        else:
            text, rest = f"{BULK_ACTIONS[self.action]}: {_cards(self.changed)} changed", ""
        return f"{text}; {rest}." if rest else f"{text}."


def apply_bulk(session: Session, user: User, request: BulkRequest) -> BulkResult:
    """Run one bulk action (see the module's rules); flushes, the caller commits."""
    if request.action in FLAG_ACTIONS:
        changed = bulk_change(session, user, request.card_ids, request.action)
        return BulkResult(request.action, changed)
    if request.action in (ADD_TAG, REMOVE_TAG):
        return bulk_tag(session, user, request.card_ids, request.action, request.tag)
    if request.action == MOVE:
        return bulk_move(session, user, request.card_ids, request.deck_id)
    raise BulkRefused("Choose an action from the list.")


def chosen_cards(session: Session, user: User, card_ids: list[int]) -> list[Card]:
    """The user's cards ``card_ids`` (with their items and decks), in id order: BulkRefused
    when none or too many are chosen, NoSuchCard when any id is not one of the user's."""
    wanted = set(card_ids)
    if not wanted:
        raise BulkRefused("Tick at least one card.")
    if len(wanted) > MAX_BATCH:
        raise BulkRefused(f"At most {MAX_BATCH} cards at once; tick fewer.")
    cards = session.scalars(
        select(Card).where(Card.id.in_(wanted), Card.user_id == user.id).order_by(Card.id)
        .options(joinedload(Card.item).joinedload(Item.deck))).all()
    if len(cards) != len(wanted):
        raise NoSuchCard(sorted(wanted - {card.id for card in cards}))
    return list(cards)


def bulk_change(session: Session, user: User, card_ids: list[int], action: str) -> int:
    """Suspend, unsuspend, flag or unflag the user's cards ``card_ids`` at once; flushes.
    Returns the number of cards changed."""
    if action not in FLAG_ACTIONS:
        raise BulkRefused("Choose suspend, unsuspend, flag or unflag.")
    cards = chosen_cards(session, user, card_ids)
    field, value = {"suspend": ("suspended", True), "unsuspend": ("suspended", False),
                    "flag": ("flagged", True), "unflag": ("flagged", False)}[action]
    changed = [card for card in cards if getattr(card, field) != value]
    for card in changed:
        setattr(card, field, value)
    session.flush()
    return len(changed)


def bulk_tag(session: Session, user: User, card_ids: list[int], action: str,
             tag: str) -> BulkResult:
    """Add ``tag`` to (ADD_TAG) or remove it from (REMOVE_TAG) the user's cards; flushes."""
    if action not in (ADD_TAG, REMOVE_TAG):
        raise BulkRefused("Choose add tag or remove tag.")
    ids = [card.id for card in chosen_cards(session, user, card_ids)]
    change = card_tags.add_tag if action == ADD_TAG else card_tags.remove_tag
    try:
        changed, stored = change(session, user, ids, tag)
    except card_tags.TagRefused as error:
        raise BulkRefused(str(error), field="tag") from None
    return BulkResult(action, changed, unchanged=len(ids) - changed, target=stored)


def bulk_move(session: Session, user: User, card_ids: list[int],
              deck_id: int | None) -> BulkResult:
    """Move the user's own cards among ``card_ids`` into their deck ``deck_id``; flushes.

    Cards of shared decks stay where they are (their deck is the deck file's) and are
    counted as skipped; BulkRefused when every ticked card is such a card. NoSuchDeck when
    the deck is not one of the user's.
    """
    if deck_id is None:
        raise BulkRefused("Choose the deck to move the cards to.", field="to_deck")
    cards = chosen_cards(session, user, card_ids)
    deck = session.scalar(select(Deck).where(Deck.id == deck_id, Deck.owner_id == user.id,
                                             Deck.retired_at.is_(None)))
    if deck is None:
        raise NoSuchDeck(deck_id)
    own = [card.item for card in cards if card.item.deck.owner_id == user.id]
    if not own:
        raise BulkRefused(f"Nothing moved: {_cards(len(cards))} ticked, all in shared decks; "
                          "only your own cards move between decks.", field="to_deck")
    moving = [item for item in own if item.deck_id != deck.id]
    for item in moving:
        item.deck = deck
    session.flush()
    return BulkResult(MOVE, len(moving), unchanged=len(own) - len(moving),
                      skipped=len(cards) - len(own), target=deck.title)


def _cards(count: int) -> str:
    return f"{count} card{'s' * (count != 1)}"


def own_decks(session: Session, user: User) -> list[Deck]:
    """The user's own decks, the places own cards may move to, by title."""
    return list(session.scalars(select(Deck).where(Deck.owner_id == user.id,
                                                   Deck.retired_at.is_(None))
                                .order_by(Deck.title, Deck.id)))
