"""The card browser's sorting and bulk actions: per-user, bounded, all or nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import Card, User
from prep.study.browse import MAX_BATCH, BulkRefused, CardFilter, bulk_change, search_cards
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import add_flashcards, make_user


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
    response = post_form(user_client, "/cards/bulk", {"card": [mine[0], theirs[0]],
                                                      "action": "suspend"})
    assert response.status_code == 404
    too_many = post_form(user_client, "/cards/bulk",
                         {"card": [str(n) for n in range(1, MAX_BATCH + 2)], "action": "flag"})
    assert too_many.status_code == 422
    assert post_form(user_client, "/cards/bulk", {"card": mine, "action": "x"}).status_code == 422
    refresh(session)
    assert not any(c.suspended or c.flagged for c in session.scalars(select(Card)))
    done = post_form(user_client, "/cards/bulk", {"card": mine, "action": "flag",
                                                  "back": "/cards?sort=front"})
    assert done.status_code == 303 and done.location == "/cards?sort=front"
    elsewhere = post_form(user_client, "/cards/bulk", {"card": mine, "action": "unflag",
                                                       "back": "https://evil.example/cards"})
    assert elsewhere.location == "/cards"  # never sent off the site
    refresh(session)
    assert [c.flagged for c in session.scalars(select(Card).where(Card.id.in_(mine)))] == [
        False, False]
