"""The account page: password rules and change, data download and import, deletion."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep import accounts
from prep.export import account_data
from prep.export.account_data.importer import _check_options
from prep.export.account_data.schema import Problems
from prep.models import AttemptQuestion, Card, Deck, Enrollment, ExamAttempt, Item, ReviewLog, User
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import PASSWORD, make_user, studied_user

NEW_PASSWORD = "a brand new passphrase"


def test_common_and_guessable_passwords_are_refused(client: FlaskClient) -> None:
    for password in ("Password2024!", "qwertyuiop", "1234567890", "zzzzzzzzzzzz",
                     "maryjane-rocks"):
        response = post_form(client, "/register", {
            "email": "maryjane@example.com", "password": password, "confirm": password})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, password
        assert 'id="password-error"' in page and "too easy to guess" in page, password
    assert accounts.is_common_password("LetMeIn!!2") and not accounts.is_common_password(
        "correct horse battery")


def test_password_change_needs_the_current_one_and_ends_other_logins(
        app: Flask, user_client: FlaskClient, user: User, session: Session) -> None:
    elsewhere = app.test_client()
    log_in(elsewhere, user.email)
    wrong = post_form(user_client, "/account/password", {
        "current_password": "not my password", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert wrong.status_code == 401  # a wrong guess, counted by the rate limit
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)
    common = post_form(user_client, "/account/password", {
        "current_password": PASSWORD, "new_password": "password123", "confirm": "password123"})
    assert 'id="new_password-error"' in common.get_data(as_text=True)

    done = post_form(user_client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert user_client.get("/account").status_code == 200  # this login goes on
    assert elsewhere.get("/account").status_code == 302  # the other one ended
    refresh(session)
    assert accounts.authenticate(session, user.email, NEW_PASSWORD) is not None
    assert accounts.authenticate(session, user.email, PASSWORD) is None


def _rows_of(session: Session, user_id: int) -> dict[str, int]:
    attempts = select(ExamAttempt.id).where(ExamAttempt.user_id == user_id)
    counts = {
        "users": select(func.count()).select_from(User).where(User.id == user_id),
        "enrollments": select(func.count()).select_from(Enrollment)
        .where(Enrollment.user_id == user_id),
        "cards": select(func.count()).select_from(Card).where(Card.user_id == user_id),
        "reviews": select(func.count()).select_from(ReviewLog).where(ReviewLog.user_id == user_id),
        "attempts": select(func.count()).select_from(ExamAttempt)
        .where(ExamAttempt.user_id == user_id),
        "questions": select(func.count()).select_from(AttemptQuestion)
        .where(AttemptQuestion.attempt_id.in_(attempts)),
        "decks": select(func.count()).select_from(Deck).where(Deck.owner_id == user_id),
        "own items": select(func.count()).select_from(Item).join(Deck)
        .where(Deck.owner_id == user_id),
    }
    return {name: session.scalar(query) for name, query in counts.items()}


def test_deleting_an_account_removes_every_row_of_it_and_nothing_else(
        client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    kim = studied_user(session, clock(), "kim@example.com")
    other = make_user(session, clock(), "other@example.com")
    kim_id, other_before = kim.id, _rows_of(session, other.id)
    assert all(_rows_of(session, kim_id).values())  # something of every kind to delete
    log_in(client, "kim@example.com")
    refused = post_form(client, "/account/delete", {"password": "wrong password",
                                                    "understood": "y"})
    assert refused.status_code == 401 and 'id="password-error"' in refused.get_data(as_text=True)
    unticked = post_form(client, "/account/delete", {"password": PASSWORD})
    assert 'id="understood-error"' in unticked.get_data(as_text=True)
    refresh(session)
    assert all(_rows_of(session, kim_id).values())  # refused: nothing gone

    done = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert done.status_code == 303 and done.location.endswith("/login")
    refresh(session)
    assert set(_rows_of(session, kim_id).values()) == {0}
    assert _rows_of(session, other.id) == other_before
    assert client.get("/account").status_code == 302  # logged out


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The export without what must differ between accounts: times of export, e-mail, and
    the installation-unique ids of own cards (replaced by their fronts; a moved card keeps
    its first uid's Anki GUID as ``anki_guid``, checked in tests/anki/test_history.py)."""
    document = json.loads(json.dumps(document))
    own = {card["uid"]: f"own:{card['front']}" for deck in document["own_decks"]
           for card in deck["cards"]}
    for deck in document["own_decks"]:
        for card in deck["cards"]:
            card["uid"] = own[card["uid"]]
            card.pop("anki_guid", None)
    for card in document["cards"]:
        card["item"] = own.get(card["item"], card["item"])
    del document["exported_at"], document["account"]
    return document


def test_the_data_file_is_built_in_batches_and_each_card_keeps_its_own_reviews(
        app: Flask, client: FlaskClient, session: Session, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    kim = studied_user(session, clock(), "kim@example.com")
    whole = account_data.export_account(session, kim, clock())
    # Each card's reviews, by an independent query (card's item uid -> review ids in order).
    expected: dict[str, list[str]] = {}
    for uid, review_uid in session.execute(
            select(Item.uid, ReviewLog.review_uid).join(Card, Card.item_id == Item.id)
            .join(ReviewLog, ReviewLog.card_id == Card.id).where(Card.user_id == kim.id)
            .order_by(ReviewLog.reviewed_at, ReviewLog.id)):
        expected.setdefault(uid, []).append(review_uid)
    refresh(session)
    log_in(client, "kim@example.com")
    monkeypatch.setattr(account_data.export, "EXPORT_BATCH", 2)  # batch edges fall between cards
    response = client.get("/account/data.json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    exported = response.get_json()
    response.close()
    assert exported == whole and len(exported["cards"]) > 2
    assert {card["item"]: [review["review_uid"] for review in card["reviews"]]
            for card in exported["cards"] if card["reviews"]} == expected
    assert app.extensions["prep.engine"].pool.checkedout() == 0  # its connection is back


def test_download_then_import_into_a_fresh_account_round_trips(
        app: Flask, client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    studied_user(session, clock(), "kim@example.com")
    log_in(client, "kim@example.com")
    response = client.get("/account/data.json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    exported = response.get_json()
    assert len(exported["cards"]) >= 5 and exported["exam_attempts"][0]["questions"]
    assert sum(len(card["reviews"]) for card in exported["cards"]) == 6

    make_user(session, clock(), "newkim@example.com")
    fresh = app.test_client()
    log_in(fresh, "newkim@example.com")
    upload = {"data_file": (io.BytesIO(response.data), "prep-data.json")}
    imported = post_form(fresh, "/account/import", upload, content_type="multipart/form-data")
    assert imported.status_code == 303, imported.get_data(as_text=True)
    again = fresh.get("/account/data.json").get_json()
    assert _comparable(again) == _comparable(exported)
    # A second import is refused: the account is no longer fresh, and nothing doubles.
    twice = post_form(fresh, "/account/import", {
        "data_file": (io.BytesIO(response.data), "prep-data.json")},
        content_type="multipart/form-data")
    assert twice.status_code == 422 and "already has cards" in twice.get_data(as_text=True)
    assert _comparable(fresh.get("/account/data.json").get_json()) == _comparable(exported)


def test_scores_and_locks_travel_and_older_files_take_them_from_correct(
        app: Flask, client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    kim = studied_user(session, clock(), "kim@example.com")
    document = account_data.export_account(session, kim, clock())
    question = document["exam_attempts"][0]["questions"][0]
    assert {"score", "locked"} <= question.keys() and "points" in document["exam_attempts"][0]
    # A file written before the item kinds: no score, lock or points.
    for attempt in document["exam_attempts"]:
        attempt.pop("points")
        for each in attempt["questions"]:
            each.pop("score"), each.pop("locked")
    make_user(session, clock(), "newkim@example.com")
    fresh = app.test_client()
    log_in(fresh, "newkim@example.com")
    bad = json.loads(json.dumps(document))
    bad["exam_attempts"][0]["questions"][0]["score"] = 2
    refused = post_form(fresh, "/account/import", {
        "data_file": (io.BytesIO(json.dumps(bad).encode()), "d.json")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "$.exam_attempts[0].questions[0].score: expected a number from 0 to 1" in \
        refused.get_data(as_text=True)
    imported = post_form(fresh, "/account/import", {
        "data_file": (io.BytesIO(json.dumps(document).encode()), "d.json")},
        content_type="multipart/form-data")
    assert imported.status_code == 303, imported.get_data(as_text=True)
    refresh(session)
    newkim = session.scalar(select(User).where(User.email == "newkim@example.com"))
    attempts = session.scalars(select(ExamAttempt).where(ExamAttempt.user_id == newkim.id))
    for attempt in attempts:
        assert attempt.points == attempt.correct_count
        for each in attempt.questions:
            assert each.score == (None if each.correct is None else float(each.correct))
            assert each.locked is False


def test_a_bad_data_file_is_refused_with_its_problems_and_imports_nothing(
        user_client: FlaskClient, user: User, session: Session, clock: FrozenClock) -> None:
    document = account_data.export_account(session, studied_user(session, clock()), clock())
    document["cards"][0]["item"] = "no-such-item"
    document["cards"][1]["reviews"][0]["rating"] = 9
    document["settings"]["desired_retention"] = 5
    document["exam_attempts"][0]["started_at"] = "yesterday"
    before = _rows_of(session, user.id)
    response = post_form(user_client, "/account/import", {
        "data_file": (io.BytesIO(json.dumps(document).encode()), "data.json")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for expected in ("$.cards[0].item: no item &#39;no-such-item&#39;",
                     "$.cards[1].reviews[0].rating: expected one of [1, 2, 3, 4]",
                     "$.settings.desired_retention", "$.exam_attempts[0].started_at"):
        assert expected in page, expected
    refresh(session)
    assert _rows_of(session, user.id) == before
    assert session.get(User, user.id).desired_retention == 0.9
    not_json = post_form(user_client, "/account/import", {
        "data_file": (io.BytesIO(b"\xff\xfe not json"), "data.json")},
        content_type="multipart/form-data")
    assert not_json.status_code == 422 and "not JSON" in not_json.get_data(as_text=True)


def test_an_import_cannot_reach_other_users_or_break_the_schedule(
        user_client: FlaskClient, user: User, session: Session, clock: FrozenClock) -> None:
    kim = studied_user(session, clock())
    document = account_data.export_account(session, kim, clock())
    own_uid = document["own_decks"][0]["cards"][0]["uid"]  # Kim's own card: not shared
    document["cards"][2]["item"] = own_uid
    document["own_decks"] = []
    review = document["cards"][0]["reviews"][0]
    review["state_before"] = {**review["state_before"], "item_id": 1, "user_id": kim.id}
    document["cards"][1]["reviews"][0]["reviewed_at"] = "2099-01-01T00:00:00+00:00"
    document["settings"]["fsrs_parameters"] = [1, 2]
    document["tracks"][0]["exam_date"] = "0001-01-02"
    document["exam_attempts"][0]["questions"][0]["option_order"] = ["z"]
    response = post_form(user_client, "/account/import", {
        "data_file": (io.BytesIO(json.dumps(document).encode()), "data.json")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for expected in (f"$.cards[2].item: no item &#39;{own_uid}&#39;",
                     "$.cards[0].reviews[0].state_before: expected exactly the fields",
                     "$.cards[1].reviews[0].reviewed_at: this time is in the future",
                     "$.settings.fsrs_parameters", "$.tracks[0].exam_date",
                     "$.exam_attempts[0].questions[0].option_order"):
        assert expected in page, expected
    refresh(session)
    assert _rows_of(session, user.id)["cards"] == 0


WRONG_SHAPES: list[tuple[tuple[Any, ...], Any, str]] = [
    # (where in the file, the value put there, the one problem reported)
    (("cards", 0, "item"), ["a list"], "$.cards[0].item: expected str"),
    (("tracks", 0, "track"), {"an": "object"}, "$.tracks[0].track: expected str"),
    (("exam_attempts", 0, "exam"), [1], "$.exam_attempts[0].exam: expected str"),
    (("cards", 0, "due"), None, "$.cards[0].due: expected an ISO 8601 time"),
    (("cards", 0, "stability"), True, "$.cards[0].stability: expected float or int or null"),
    (("cards", 0, "reps"), 2**40, "$.cards[0].reps: out of range"),
    (("cards", 0), None, "$.cards[0]: expected an object"),
    (("cards", 1, "reviews", 0, "anki_revlog_id"), -1,
     "$.cards[1].reviews[0].anki_revlog_id: expected a positive whole number"),
    (("exam_attempts", 0, "questions", 0, "chosen"), "a",
     "$.exam_attempts[0].questions[0].chosen: expected list or null"),
]


@pytest.mark.parametrize(("where", "value", "problem"), WRONG_SHAPES)
def test_a_value_of_the_wrong_shape_is_named_by_its_path(
        session: Session, clock: FrozenClock, app: Flask, where: tuple[Any, ...], value: Any,
        problem: str) -> None:
    document = account_data.export_account(session, studied_user(session, clock()), clock())
    target = document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(account_data.DataFileError) as refused:
        account_data.read_account_file(session, make_user(session, clock(), "n@example.com"),
                                       document, clock())
    assert refused.value.problems == [problem]


def test_an_own_flashcard_is_refused_as_an_exam_question(
        session: Session, clock: FrozenClock, app: Flask) -> None:
    # Let through, the attempt's report page failed on it (a 500).
    document = account_data.export_account(session, studied_user(session, clock()), clock())
    own_uid = document["own_decks"][0]["cards"][0]["uid"]
    document["exam_attempts"][0]["questions"][0]["item"] = own_uid
    with pytest.raises(account_data.DataFileError) as refused:
        account_data.read_account_file(session, make_user(session, clock(), "n@example.com"),
                                       document, clock())
    assert refused.value.problems == [
        "$.exam_attempts[0].questions[0].item: this item is a flashcard, not a question"]


def test_an_own_cards_tags_must_be_words(session: Session, clock: FrozenClock) -> None:
    # Once turned into text with str(): 5 became the tag "5" instead of a refusal.
    document = account_data.export_account(session, studied_user(session, clock()), clock())
    document["own_decks"][0]["cards"][0]["tags"] = [5]
    with pytest.raises(account_data.DataFileError) as refused:
        account_data.read_account_file(session, make_user(session, clock(), "n@example.com"),
                                       document, clock())
    assert refused.value.problems == ["$.own_decks[0].cards[0].tags[0]: expected str"]


def test_the_file_carries_every_scheduling_field_of_a_card() -> None:
    from prep.export.account_data.schema import CARD_FIELDS
    from prep.study.card_schedule import CardSchedule

    assert CARD_FIELDS[:len(CardSchedule.FIELDS)] == CardSchedule.FIELDS


def test_undo_never_applies_a_damaged_snapshot(user_client: FlaskClient, session: Session,
                                               clock: FrozenClock) -> None:
    kim = studied_user(session, clock(), "kim@example.com")
    latest = session.scalars(select(ReviewLog).where(ReviewLog.user_id == kim.id)
                             .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())).first()
    card = session.get(Card, latest.card_id)
    item_before = card.item_id
    latest.state_before = {**latest.state_before, "item_id": 1}
    session.commit()
    client = user_client.application.test_client()
    log_in(client, kim.email)
    response = post_form(client, "/review/undo", {"log_id": latest.id}, follow_redirects=True)
    assert "cannot be undone" in response.get_data(as_text=True)
    refresh(session)
    assert session.get(Card, card.id).item_id == item_before
    assert session.get(ReviewLog, latest.id) is not None


def test_an_import_over_the_own_card_quota_or_with_a_lone_surrogate_is_a_422(
        app: Flask, user_client: FlaskClient, user: User, session: Session,
        clock: FrozenClock) -> None:
    document = account_data.export_account(session, studied_user(session, clock()), clock())
    assert document["own_decks"][0]["cards"]
    before = _rows_of(session, user.id)

    def upload(body: bytes):  # type: ignore[no-untyped-def]
        return post_form(user_client, "/account/import", {
            "data_file": (io.BytesIO(body), "data.json")}, content_type="multipart/form-data")

    app.config["PREP_OWN_CARDS_MAX"] = 0
    over = upload(json.dumps(document).encode())
    assert over.status_code == 422 and "quota" in over.get_data(as_text=True)
    app.config["PREP_OWN_CARDS_MAX"] = 100
    # json.dumps writes a lone surrogate as the escape \ud800, which json.loads reads back.
    document["own_decks"][0]["cards"][0]["front"] = "broken \ud800 text"
    surrogate = upload(json.dumps(document).encode())
    assert surrogate.status_code == 422 and "surrogate" in surrogate.get_data(as_text=True)
    document["own_decks"][0]["title"] = {"\udfff": 1}
    assert upload(json.dumps(document).encode()).status_code == 422
    refresh(session)
    assert _rows_of(session, user.id) == before


@pytest.mark.parametrize(
    ("kind", "order", "chosen", "problem"),
    [
        ("ordering", ["c", "a", "b"], ["b", "c", "a"], None),
        ("ordering", ["c", "a", "b"], ["b", "c"], "chosen: expected an order of all the steps"),
        ("matching", ["b", "a", "c"], ["a", "", "c"], None),
        ("matching", ["b", "a", "c"], ["a", "c"],
         'chosen: expected an answer key (or "") for each prompt'),
        ("matching", ["b", "a", "c"], ["a", "z", "c"],
         'chosen: expected an answer key (or "") for each prompt'),
        ("yesno", ["yes", "no"], ["no"], None),
        ("yesno", ["yes", "no"], ["maybe"], "chosen: expected some of the question's options"),
        ("case", [], None, "item: this item is a case study or series, not a question"),
        ("card", [], None, "item: this item is a flashcard, not a question"),
    ],
)
def test_an_imported_attempt_answer_has_its_kinds_form(
        kind: str, order: list[str], chosen: list[str] | None, problem: str | None) -> None:
    keys = {"yesno": ["yes", "no"], "case": [], "card": []}.get(kind, ["a", "b", "c"])
    item = SimpleNamespace(kind=kind, options=[{"key": key} for key in keys],
                           prompts=[{"key": str(n)} for n in (1, 2, 3)])
    problems = Problems(datetime(2026, 3, 2, tzinfo=UTC))
    _check_options(problems, item, order, chosen, "$.q")
    assert problems.lines == ([] if problem is None else [f"$.q.{problem}"])
