"""Card browser, own cards and CSV/TSV import."""

from __future__ import annotations

import io
import json

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Card, Item, User
from prep.study.own_cards import parse_card_table
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import add_flashcards, enrolled_user, make_user


def test_parse_table_reports_each_bad_line() -> None:
    text = "front,back\nQ1,A1,tag1 tag2\n,empty front\nonly-one\nQ4,A4,,Deck X\n"
    report = parse_card_table(text, "cards.csv", "Imported")
    assert report.errors == [(3, "The front cannot be empty."),
                             (4, "expected 2 to 4 columns (front, back, tags, deck), found 1")]
    assert report.quotes == {3: ",empty front", 4: "only-one"}  # each bad line, quoted
    long = parse_card_table('"a\nb"\n' + "x" * 200 + "\n", "c.csv", "D")
    assert long.quotes == {1: '"a\nb"', 2: "x" * 120 + "…"}  # a two-line record, then one
    assert [d.deck for d in report.drafts] == ["Imported", "Deck X"]
    tsv = parse_card_table("Q\tA\tx\n", "cards.tsv", "D")
    assert tsv.errors == [] and tsv.drafts[0].tags == ["x"]


def test_browser_filters(session: Session, clock: FrozenClock, app) -> None:  # type: ignore[no-untyped-def]
    from prep.study.browse import CardFilter, search_cards

    user = enrolled_user(session, clock())
    add_flashcards(session, user, 3, clock())
    assert search_cards(session, user, CardFilter(), clock()).total == 5
    assert search_cards(session, user, CardFilter(track="alpha"), clock()).total == 2
    assert search_cards(session, user, CardFilter(text="recall"), clock()).total == 1
    assert search_cards(session, user, CardFilter(text="100%_"), clock()).total == 0
    assert search_cards(session, user, CardFilter(state="new"), clock()).total == 5
    assert search_cards(session, user, CardFilter(state="suspended"), clock()).total == 0
    other = make_user(session, clock(), "z@example.com")
    assert search_cards(session, other, CardFilter(), clock()).total == 0


def test_add_edit_and_see_own_card(user_client: FlaskClient, session: Session, user: User) -> None:
    response = post_form(user_client, "/cards/new", {"deck": "Mine", "front": "Q?",
                                                     "back": "A.", "tags": "x y"})
    assert response.status_code == 303
    card = session.scalars(select(Card)).one()
    detail = user_client.get(f"/cards/{card.id}").get_data(as_text=True)
    assert "Q?" in detail and "Not reviewed yet." in detail
    edit = post_form(user_client, f"/cards/{card.id}/edit",
                     {"deck": "Mine", "front": "Q2?", "back": "A.", "tags": ""})
    assert edit.status_code == 303
    refresh(session)
    assert session.get(Item, card.item_id).prompt == "Q2?"
    bad = post_form(user_client, "/cards/new", {"deck": "Mine", "front": " ", "back": "A"})
    assert bad.status_code == 422 and 'id="front-error"' in bad.get_data(as_text=True)


def test_import_is_all_or_nothing(user_client: FlaskClient, session: Session) -> None:
    broken = io.BytesIO(b"Q1,A1\nQ2\n")
    response = post_form(user_client, "/cards/import",
                         {"file": (broken, "cards.csv"), "deck": "Imp"},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "line 2: expected 2 to 4 columns" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Card.id))) == 0
    good = io.BytesIO(b"Q1\tA1\nQ2\tA2\tt\n")
    response = post_form(user_client, "/cards/import", {"file": (good, "cards.tsv"),
                                                        "deck": "Imp"},
                         content_type="multipart/form-data")
    assert response.status_code == 303
    refresh(session)
    assert session.scalar(select(func.count(Card.id))) == 2


def test_shared_cards_cannot_be_edited_and_others_are_404(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    from prep.study.enrollment import set_tracks
    from tests.factories import load_decks

    load_decks(session, clock())
    set_tracks(session, user, ["alpha"], clock())
    session.commit()
    shared = session.scalars(select(Card)).first()
    assert user_client.get(f"/cards/{shared.id}/edit").status_code == 404
    stranger = make_user(session, clock(), "s@example.com")
    theirs = add_flashcards(session, stranger, 1, clock())[0]
    assert user_client.get(f"/cards/{theirs}").status_code == 404
    assert user_client.get(f"/cards/{theirs}/edit").status_code == 404


def test_own_cards_have_a_count_and_size_quota(
    app, user_client: FlaskClient, session: Session  # type: ignore[no-untyped-def]
) -> None:
    app.config["PREP_OWN_CARDS_MAX"] = 3
    for n in range(2):
        assert post_form(user_client, "/cards/new", {"deck": "Q", "front": f"F{n}",
                                                     "back": "B"}).status_code == 303
    over = post_form(user_client, "/cards/import", {"deck": "Q", "file": (
        io.BytesIO(b"A,1\nB,2\n"), "two.csv")}, content_type="multipart/form-data")
    assert over.status_code == 422 and "up to 3 cards" in over.get_data(as_text=True)
    assert post_form(user_client, "/cards/new", {"deck": "Q", "front": "F2",
                                                 "back": "B"}).status_code == 303
    fourth = post_form(user_client, "/cards/new", {"deck": "Q", "front": "F3", "back": "B"})
    assert fourth.status_code == 422 and "up to 3 cards" in fourth.get_data(as_text=True)
    refresh(session)
    assert session.scalar(select(func.count(Item.id))) == 3
    # Size: text and its HTML count; an edit counts instead of the card it replaces.
    item = session.scalars(select(Item).order_by(Item.id)).first()
    card_id = session.scalar(select(Card.id).where(Card.item_id == item.id))
    used = sum(len(i.prompt) + len(i.answer_text) + len(json.dumps(i.rendered))
               for i in session.scalars(select(Item)))
    app.config["PREP_OWN_CARDS_MAX_CHARS"] = used + 2_000
    fits = post_form(user_client, f"/cards/{card_id}/edit",
                     {"deck": "Q", "front": "F0", "back": "x" * 1_000})
    assert fits.status_code == 303
    too_big = post_form(user_client, f"/cards/{card_id}/edit",
                        {"deck": "Q", "front": "F0", "back": "x" * 5_000})
    assert too_big.status_code == 422 and "characters" in too_big.get_data(as_text=True)
    refresh(session)
    assert session.get(Item, item.id).answer_text == "x" * 1_000
