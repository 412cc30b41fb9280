"""New cards mixed across decks (the default) or deck by deck, and the queue follows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import Card, Deck, Item, User
from prep.study.new_order import DECK_ORDER, mixed, order_new_cards
from prep.study.queue import build_queue
from prep.study.review import answer_card
from tests.conftest import FrozenClock
from tests.factories import enrolled_user, load_decks


def test_mixed_interleaves_in_proportion_and_keeps_each_order() -> None:
    assert mixed([[1, 2, 3, 4], [10, 11], [20]]) == [1, 10, 2, 20, 3, 11, 4]
    assert mixed([[5, 6]]) == [5, 6]


def three_decks(session: Session, clock: FrozenClock) -> None:
    """Three more alpha decks of eight flashcards each, loaded before anyone enrols."""
    load_decks(session, clock())
    for name in ("data", "models", "serving"):
        deck = Deck(slug=f"alpha/{name}", track_id="alpha", title=name.title())
        session.add(deck)
        for n in range(8):
            session.add(Item(uid=f"{name}-{n}", deck=deck, kind="card", prompt=f"{name} {n}",
                             answer_text="x", tags=[], content_hash=f"{name}{n}".ljust(64, "0"),
                             created_at=clock(), updated_at=clock()))
    session.commit()


def studied_decks(session: Session, user: User, clock: FrozenClock, count: int) -> list[str]:
    """The decks of the next ``count`` new cards the queue shows (each answered Easy)."""
    titles = []
    for n in range(count):
        head = build_queue(session, user, clock()).head
        titles.append(head.item.deck.title)
        answer_card(session, user, head.id, 4, f"o-{n}", head.reps, clock())
        session.commit()
    return titles


def test_new_cards_come_mixed_across_decks_by_default(
    session: Session, clock: FrozenClock
) -> None:
    three_decks(session, clock)
    user = enrolled_user(session, clock(), "mixed@example.com")
    assert user.new_card_order == "mixed"
    first = studied_decks(session, user, clock, 8)
    assert set(first) == {"Basics", "Data", "Models", "Serving"}
    assert max(first.count(title) for title in set(first)) <= 3


def test_deck_order_goes_deck_by_deck(session: Session, clock: FrozenClock) -> None:
    three_decks(session, clock)
    user = enrolled_user(session, clock(), "decks@example.com")
    user.new_card_order = DECK_ORDER
    assert order_new_cards(session, user) == 26
    session.commit()
    assert studied_decks(session, user, clock, 8) == ["Basics"] * 2 + ["Data"] * 6
    new = session.scalars(select(Card).where(Card.user_id == user.id, Card.state == 0)
                          .order_by(Card.due, Card.id)).all()
    assert [card.item.deck.title for card in new][:2] == ["Data", "Data"]


def test_the_settings_page_changes_the_order(client, session: Session,  # type: ignore[no-untyped-def]
                                             clock: FrozenClock) -> None:
    from prep.study.settings import current_values
    from tests.conftest import log_in, post_form, refresh

    three_decks(session, clock)
    user = enrolled_user(session, clock(), "form@example.com")
    log_in(client, user.email)
    form = current_values(user)
    assert 'value="mixed" selected' in client.get("/settings").get_data(as_text=True)
    assert post_form(client, "/settings", {**form, "new_card_order": "shuffle"}).status_code == 422
    assert post_form(client, "/settings", {**form, "new_card_order": "deck"}).status_code == 303
    refresh(session)
    user = session.get(User, user.id)
    assert user.new_card_order == DECK_ORDER
    assert studied_decks(session, user, clock, 3) == ["Basics", "Basics", "Data"]
