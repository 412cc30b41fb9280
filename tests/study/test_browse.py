"""The card browser's sorting and bulk actions (suspend, flag, move): per-user, bounded,
repeatable; tags are in test_card_tags."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Card, CardTag, Deck, User
from prep.study import bulk_actions
from prep.study.browse import CardFilter, search_cards
from prep.study.bulk_actions import MAX_BATCH, BulkRefused, bulk_change, bulk_move
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import add_flashcards, enrolled_user, make_user


def test_sort_by_each_column_both_ways(session: Session, clock: FrozenClock, app) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "sort@example.com")
    add_flashcards(session, user, 3, clock(), deck_title="Beta")
    add_flashcards(session, user, 2, clock(), deck_title="Alpha")

    def fronts(**how: object) -> list[str]:
        found = search_cards(session, user, CardFilter(**how), clock())  # type: ignore[arg-type]
        return [card.item.prompt for card in found.cards]

    assert fronts(sort="front") == sorted(fronts())
    assert fronts(sort="front", descending=True) == sorted(fronts(), reverse=True)
    decks = [c.item.deck.title for c in search_cards(
        session, user, CardFilter(sort="deck"), clock()).cards]
    assert decks == ["Alpha"] * 2 + ["Beta"] * 3


def test_bulk_change_is_per_user_bounded_and_all_or_nothing(
    session: Session, clock: FrozenClock, app  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session, clock(), "bulk@example.com")
    mine = add_flashcards(session, user, 3, clock())
    other = make_user(session, clock(), "other@example.com")
    theirs = add_flashcards(session, other, 1, clock())
    assert bulk_change(session, user, mine[:2], "suspend") == 2
    assert bulk_change(session, user, mine[:2], "suspend") == 0  # already: nothing to change
    with pytest.raises(LookupError):
        bulk_change(session, user, [mine[2], theirs[0]], "flag")
    session.rollback()
    assert not any(session.get(Card, i).flagged for i in mine + theirs)
    with pytest.raises(BulkRefused):
        bulk_change(session, user, list(range(1, MAX_BATCH + 2)), "flag")
    with pytest.raises(BulkRefused):
        bulk_change(session, user, mine, "delete")
    with pytest.raises(BulkRefused):
        bulk_change(session, user, [], "flag")


def test_bulk_route_refuses_others_cards_and_oversized_batches(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    mine = add_flashcards(session, user, 2, clock())
    stranger = make_user(session, clock(), "s@example.com")
    theirs = add_flashcards(session, stranger, 1, clock())
    my_deck = bulk_actions.own_decks(session, user)[0].id
    for action in bulk_actions.BULK_ACTIONS:  # another's card in the batch: 404, whatever
        response = post_form(user_client, "/cards/bulk", {
            "card": [mine[0], theirs[0]], "action": action, "tag": "x", "to_deck": my_deck})
        assert response.status_code == 404, action
    too_many = post_form(user_client, "/cards/bulk",
                         {"card": [str(n) for n in range(1, MAX_BATCH + 2)], "action": "flag"})
    assert too_many.status_code == 422
    assert post_form(user_client, "/cards/bulk", {"card": mine, "action": "x"}).status_code == 422
    refresh(session)
    assert not any(c.suspended or c.flagged for c in session.scalars(select(Card)))
    assert session.scalar(select(func.count(CardTag.tag))) == 0
    # A repeated id counts once, before the cap: it cannot crowd the other ids out.
    repeated = post_form(user_client, "/cards/bulk", {
        "card": [str(mine[0])] * (MAX_BATCH + 1) + [str(mine[1])], "action": "suspend"})
    assert repeated.status_code == 303
    refresh(session)
    assert all(session.get(Card, card_id).suspended for card_id in mine)
    post_form(user_client, "/cards/bulk", {"card": mine, "action": "unsuspend"})
    done = post_form(user_client, "/cards/bulk", {"card": mine, "action": "flag",
                                                  "back": "/cards?sort=front"})
    assert done.status_code == 303 and done.location == "/cards?sort=front"
    elsewhere = post_form(user_client, "/cards/bulk", {"card": mine, "action": "unflag",
                                                       "back": "https://evil.example/cards"})
    assert elsewhere.location == "/cards"  # never sent off the site
    refresh(session)
    assert [c.flagged for c in session.scalars(select(Card).where(Card.id.in_(mine)))] == [
        False, False]


def own_and_shared(session: Session, clock: FrozenClock) -> tuple[User, list[int], int, Deck]:
    """A user studying a track, with three own cards in "Inbox" and one in "Later"; returns
    the user, the Inbox cards, one shared card and the Later deck."""
    user = enrolled_user(session, clock(), "mover@example.com")
    inbox = add_flashcards(session, user, 3, clock(), deck_title="Inbox")
    later = session.get_one(Card, add_flashcards(session, user, 1, clock(),
                                                 deck_title="Later")[0]).item.deck
    shared = search_cards(session, user, CardFilter(track="alpha"), clock()).cards[0].id
    return user, inbox, shared, later


def deck_titles(session: Session, card_ids: list[int]) -> list[str]:
    refresh(session)
    return [session.get_one(Card, i).item.deck.title for i in card_ids]


def test_move_takes_own_cards_and_skips_shared_ones(
    session: Session, clock: FrozenClock, app  # type: ignore[no-untyped-def]
) -> None:
    user, inbox, shared, later = own_and_shared(session, clock)
    shared_deck = deck_titles(session, [shared])
    moved = bulk_move(session, user, [*inbox[:2], shared], later.id)
    assert (moved.changed, moved.unchanged, moved.skipped) == (2, 0, 1)
    assert moved.message() == ("Moved 2 cards to “Later”; skipped 1 card of shared decks "
                               "(only your own cards move).")
    session.commit()
    assert deck_titles(session, inbox) == ["Later", "Later", "Inbox"]
    assert deck_titles(session, [shared]) == shared_deck
    again = bulk_move(session, user, inbox[:2], later.id)  # a retry moves nothing
    assert (again.changed, again.unchanged) == (0, 2)
    with pytest.raises(BulkRefused, match="Nothing moved: 1 card ticked, all in shared decks"):
        bulk_move(session, user, [shared], later.id)
    with pytest.raises(BulkRefused, match="Choose the deck"):
        bulk_move(session, user, inbox, None)
    stranger = make_user(session, clock(), "stranger@example.com")
    add_flashcards(session, stranger, 1, clock(), deck_title="Theirs")
    theirs = bulk_actions.own_decks(session, stranger)[0]
    for not_mine in (theirs.id, session.get_one(Card, shared).item.deck_id):
        with pytest.raises(LookupError):
            bulk_move(session, user, inbox, not_mine)
    session.rollback()
    assert deck_titles(session, inbox) == ["Later", "Later", "Inbox"]


def test_move_route_says_what_it_skipped_and_refuses_with_4xx(
    client: FlaskClient, session: Session, clock: FrozenClock
) -> None:
    user, inbox, shared, later = own_and_shared(session, clock)
    log_in(client, user.email)
    stranger = make_user(session, clock(), "stranger@example.com")
    theirs = add_flashcards(session, stranger, 1, clock(), deck_title="Theirs")
    their_deck = bulk_actions.own_decks(session, stranger)[0].id
    only_shared = post_form(client, "/cards/bulk", {"card": [shared], "action": "move",
                                                    "to_deck": later.id})
    assert only_shared.status_code == 422
    assert "Nothing moved: 1 card ticked, all in shared decks" in only_shared.get_data(
        as_text=True)
    for forged in ({"card": inbox, "to_deck": their_deck},
                   {"card": [*inbox, theirs[0]], "to_deck": later.id}):
        assert post_form(client, "/cards/bulk", {"action": "move", **forged}).status_code == 404
    too_many = post_form(client, "/cards/bulk", {"card": list(range(1, MAX_BATCH + 2)),
                                                 "action": "move", "to_deck": later.id})
    assert too_many.status_code == 422
    assert f"At most {MAX_BATCH} cards at once" in too_many.get_data(as_text=True)
    assert deck_titles(session, inbox) == ["Inbox"] * 3
    done = post_form(client, "/cards/bulk", {"card": [*inbox, shared], "action": "move",
                                             "to_deck": later.id}, follow_redirects=True)
    assert "Moved 3 cards to “Later”; skipped 1 card of shared decks" in done.get_data(
        as_text=True)
    assert deck_titles(session, inbox) == ["Later"] * 3
