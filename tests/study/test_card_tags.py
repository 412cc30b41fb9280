"""A user's own tags on their cards: added once, removed, searched, kept apart per user, and
carried by "Download my data" and the Anki export."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.export import account_data
from prep.export.anki import export_anki
from prep.models import CardTag, User
from prep.study.browse import CardFilter, search_cards, split_search
from prep.study.bulk_actions import ADD_TAG, REMOVE_TAG, BulkRefused, bulk_tag
from prep.study.card_tags import MAX_TAGS_PER_CARD, user_tags
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import FIXTURE_DECKS, add_flashcards, enrolled_user, make_user

SOME_TIME = datetime(2026, 6, 1, tzinfo=UTC)  # searches by tag ignore the time


def tagged(session: Session, user: User, *tags: str) -> list[int]:
    """The ids of the user's cards found by a search for all of ``tags``."""
    found = search_cards(session, user, CardFilter(tags=tags), SOME_TIME)
    return sorted(card.id for card in found.cards)


def tag_rows(session: Session) -> list[tuple[int, str, int]]:
    return sorted((row.card_id, row.tag, row.user_id) for row in session.execute(
        select(CardTag.card_id, CardTag.tag, CardTag.user_id)))


def test_a_tag_is_added_once_whatever_its_case_and_removed(
    session: Session, clock: FrozenClock, app  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session, clock(), "tags@example.com")
    cards = add_flashcards(session, user, 3, clock())
    result = bulk_tag(session, user, cards[:2], ADD_TAG, " AWS ")
    assert (result.changed, result.unchanged, result.target) == (2, 0, "AWS")
    again = bulk_tag(session, user, cards, ADD_TAG, "aws")  # a retry, spelled otherwise
    assert (again.changed, again.unchanged, again.target) == (1, 2, "AWS")
    assert again.message() == "Tag “AWS” added to 1 card; 2 had it already."
    session.commit()
    assert tag_rows(session) == [(card, "AWS", user.id) for card in cards]
    assert tagged(session, user, "aws") == tagged(session, user, "AWS") == cards
    removed = bulk_tag(session, user, cards[1:], REMOVE_TAG, "Aws")
    assert (removed.changed, removed.target) == (2, "AWS")
    session.commit()
    assert tagged(session, user, "AWS") == cards[:1]
    assert user_tags(session, user) == ["AWS"]


def test_a_bad_tag_or_a_full_card_is_refused_and_nothing_changes(
    session: Session, clock: FrozenClock, app  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session, clock(), "full@example.com")
    cards = add_flashcards(session, user, 2, clock())
    for bad in ("two words", "", "x" * 61, "semi;colon"):
        with pytest.raises(BulkRefused) as refused:
            bulk_tag(session, user, cards, ADD_TAG, bad)
        assert refused.value.field == "tag"
    for n in range(MAX_TAGS_PER_CARD):
        bulk_tag(session, user, cards[:1], ADD_TAG, f"t{n}")
    session.commit()
    with pytest.raises(BulkRefused, match=f"1 of the cards have {MAX_TAGS_PER_CARD} tags"):
        bulk_tag(session, user, cards, ADD_TAG, "one-more")
    session.rollback()
    assert session.scalar(select(func.count()).where(CardTag.tag == "one-more")) == 0
    assert bulk_tag(session, user, cards, ADD_TAG, "t0").changed == 1  # a tag it has: fine


def test_search_by_tag_words_and_the_tag_list_are_the_users_own(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    assert split_search("lambda tag:aws  TAG:ml tag:") == ("lambda tag:", ["aws", "ml"])
    mine = add_flashcards(session, user, 3, clock())
    stranger = make_user(session, clock(), "stranger@example.com")
    theirs = add_flashcards(session, stranger, 2, clock())
    bulk_tag(session, user, mine[:2], ADD_TAG, "aws")
    bulk_tag(session, user, mine[1:], ADD_TAG, "ml")
    bulk_tag(session, stranger, theirs, ADD_TAG, "secret-label")
    bulk_tag(session, stranger, theirs, ADD_TAG, "aws")
    session.commit()
    assert tagged(session, user, "aws", "ml") == [mine[1]]
    page = user_client.get("/cards?q=tag:aws").get_data(as_text=True)
    assert page.count('class="front-link"') == 2 and "2 cards tagged aws" in page
    assert user_client.get("/cards?tag=ml&q=Front+2").get_data(as_text=True).count(
        'class="front-link"') == 1
    assert "secret-label" not in user_client.get("/cards").get_data(as_text=True)
    assert user_tags(session, user) == ["aws", "ml"]


def test_tags_travel_in_the_data_file_and_come_back(
    session: Session, clock: FrozenClock, app  # type: ignore[no-untyped-def]
) -> None:
    owner = enrolled_user(session, clock(), "owner@example.com")
    own = add_flashcards(session, owner, 2, clock())
    shared = search_cards(session, owner, CardFilter(track="alpha"), clock()).cards[0].id
    bulk_tag(session, owner, [own[0], shared], ADD_TAG, "exam-week")
    bulk_tag(session, owner, [shared], ADD_TAG, "hard")
    session.commit()
    document = account_data.export_account(session, owner, clock())
    tags = {entry["item"]: entry.get("tags") for entry in document["cards"]}
    assert sorted(t for t in tags.values() if t) == [["exam-week"], ["exam-week", "hard"]]
    assert sum(t is None for t in tags.values()) == len(tags) - 2  # untagged: no key
    newcomer = make_user(session, clock(), "newcomer@example.com")
    account_data.import_account(session, newcomer, document, clock())
    session.commit()
    again = account_data.export_account(session, newcomer, clock())
    assert sorted(e["tags"] for e in again["cards"] if "tags" in e) == [
        ["exam-week"], ["exam-week", "hard"]]
    assert user_tags(session, newcomer) == ["exam-week", "hard"]
    assert len(tagged(session, newcomer, "exam-week")) == 2
    assert {r[2] for r in tag_rows(session) if r[0] in tagged(session, newcomer, "hard")} == {
        newcomer.id}


# A trailing newline: a tag too long for its column (a 500 on PostgreSQL) if let through.
@pytest.mark.parametrize("bad", ["not a list", ["two words"], ["ok"] * (MAX_TAGS_PER_CARD + 1),
                                 ["x" * 60 + "\n"], ["newline\n"]])
def test_a_data_file_with_bad_tags_is_refused_with_its_path(
    session: Session, clock: FrozenClock, app, bad: object  # type: ignore[no-untyped-def]
) -> None:
    owner = enrolled_user(session, clock(), "owner@example.com")
    document = account_data.export_account(session, owner, clock())
    document["cards"][1]["tags"] = bad
    with pytest.raises(account_data.DataFileError) as refused:
        account_data.import_account(session, make_user(session, clock(), "n@example.com"),
                                    document, clock())
    assert refused.value.problems == [
        f"$.cards[1].tags: expected up to {MAX_TAGS_PER_CARD} tags, each one word of "
        "letters, digits and _ : . -"]


def test_a_data_file_spelling_one_tag_two_ways_imports_one_tag(
    session: Session, clock: FrozenClock, app  # type: ignore[no-untyped-def]
) -> None:
    owner = enrolled_user(session, clock(), "owner@example.com")
    document = account_data.export_account(session, owner, clock())
    document["cards"][0]["tags"], document["cards"][1]["tags"] = ["AWS"], ["aws", "ml"]
    newcomer = make_user(session, clock(), "n@example.com")
    account_data.import_account(session, newcomer, document, clock())
    assert user_tags(session, newcomer) == ["AWS", "ml"]


def test_the_anki_export_carries_the_users_tags(
    session: Session, clock: FrozenClock, app, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    owner = enrolled_user(session, clock(), "owner@example.com")
    own = add_flashcards(session, owner, 1, clock())
    other = enrolled_user(session, clock(), "other@example.com")
    shared = search_cards(session, other, CardFilter(), clock()).cards[0]
    owner_card = next(c.id for c in search_cards(session, owner, CardFilter(), clock()).cards
                      if c.item_id == shared.item_id)
    bulk_tag(session, owner, [*own, owner_card], ADD_TAG, "mine::week-1")
    bulk_tag(session, other, [shared.id], ADD_TAG, "not-for-owner")
    session.commit()
    out = tmp_path / "owner.apkg"
    export_anki(session, out, FIXTURE_DECKS, None, user=owner)
    with zipfile.ZipFile(out) as package:
        (tmp_path / "c").write_bytes(package.read("collection.anki2"))
    rows = sqlite3.connect(tmp_path / "c").execute("select tags from notes").fetchall()
    tags = [set(row[0].split()) for row in rows]
    assert sum("mine::week-1" in note for note in tags) == 2
    assert not any("not-for-owner" in note for note in tags)


def test_tag_route_wants_csrf_keeps_the_form_on_a_bad_tag_and_adds_once(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    mine = add_flashcards(session, user, 2, clock())  # another's ids: test_card_browser
    no_token = user_client.post("/cards/bulk", data={"card": mine, "action": ADD_TAG,
                                                     "tag": "x"})
    assert no_token.status_code == 403
    bad = post_form(user_client, "/cards/bulk", {"card": mine, "action": ADD_TAG,
                                                 "tag": "two words", "back": "/cards?sort=front"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "A tag is one word" in page
    assert 'value="two words"' in page and page.count(" checked>") == 2
    assert 'aria-describedby="bulk-error"' in page
    refresh(session)
    assert tag_rows(session) == []
    for _ in range(2):  # a retried request keeps one tag per card
        done = post_form(user_client, "/cards/bulk", {"card": mine, "action": ADD_TAG,
                                                      "tag": "week-1", "back": "/cards?q=x"})
        assert done.status_code == 303 and done.location == "/cards?q=x"
    refresh(session)
    assert tag_rows(session) == [(card, "week-1", user.id) for card in mine]
    assert "Tag “week-1” added to 0 cards; 2 had it already." in user_client.get(
        "/cards").get_data(as_text=True)
