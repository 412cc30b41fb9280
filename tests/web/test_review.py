"""The review pages: answering through the form, repeats, stale tabs, undo, actions."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Card, ReviewLog, User
from prep.study.enrollment import set_tracks
from tests.conftest import FrozenClock, csrf_token, post_form, refresh
from tests.factories import PASSWORD, load_decks

FIELD = r'name="{}" value="([^"]*)"'


def shown(client: FlaskClient) -> dict[str, str]:
    page = client.get("/review").get_data(as_text=True)
    return {name: re.search(FIELD.format(name), page).group(1)
            for name in ("card_id", "reps", "review_uid")}


def enrol(session: Session, user: User, clock: FrozenClock) -> None:
    load_decks(session, clock())
    set_tracks(session, user, ["alpha"], clock())
    session.commit()


def test_review_page_shows_the_card_and_interval_buttons(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    page = user_client.get("/review").get_data(as_text=True)
    assert "What does recall measure?" in page
    assert re.search(r'class="interval">1m<', page) and ">Again<" in page and ">Easy<" in page
    assert 'class="count-new" title="New">2<' in page


def test_answer_moves_on_and_a_resubmission_is_a_no_op(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    fields = shown(user_client)
    response = post_form(user_client, "/review/answer", {**fields, "rating": "3"})
    assert response.status_code == 303
    again = post_form(user_client, "/review/answer", {**fields, "rating": "3"})
    assert again.status_code == 303
    assert session.scalar(select(func.count(ReviewLog.id))) == 1
    assert session.get(Card, int(fields["card_id"])).reps == 1
    assert shown(user_client)["card_id"] != fields["card_id"]


def test_stale_tab_is_refused_with_a_message(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    fields = shown(user_client)
    post_form(user_client, "/review/answer", {**fields, "rating": "3"})
    stale = {**fields, "review_uid": "another-tab-uid", "rating": "1"}
    response = post_form(user_client, "/review/answer", stale, follow_redirects=True)
    assert "answered elsewhere" in response.get_data(as_text=True)
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 1


def test_bad_answers_are_4xx_and_change_nothing(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    fields = shown(user_client)
    assert post_form(user_client, "/review/answer", {**fields, "rating": "x"}).status_code == 400
    assert post_form(user_client, "/review/answer",
                     {**fields, "card_id": "999999", "rating": "3"}).status_code == 404
    assert post_form(user_client, "/review/answer",
                     {**fields, "review_uid": "short", "rating": "3"}).status_code == 400
    assert user_client.post("/review/answer", data={**fields, "rating": "3"}).status_code == 403
    assert session.scalar(select(func.count(ReviewLog.id))) == 0


def test_undo_then_double_undo(user_client: FlaskClient, session: Session, user: User,
                               clock: FrozenClock) -> None:
    enrol(session, user, clock)
    fields = shown(user_client)
    post_form(user_client, "/review/answer", {**fields, "rating": "4"})
    log_id = session.scalar(select(ReviewLog.id))
    assert post_form(user_client, "/review/undo", {"log_id": log_id}).status_code == 303
    twice = post_form(user_client, "/review/undo", {"log_id": log_id}, follow_redirects=True)
    assert "Nothing to undo" in twice.get_data(as_text=True)
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 0
    assert shown(user_client)["card_id"] == fields["card_id"]


def test_done_screen_says_what_comes_tomorrow(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    for _ in range(2):
        post_form(user_client, "/review/answer", {**shown(user_client), "rating": "4"})
    page = user_client.get("/review").get_data(as_text=True)
    assert "Done for today" in page and "Tomorrow" in page


def test_bury_suspend_flag_and_isolation(
    client: FlaskClient, user_client: FlaskClient, session: Session, user: User,
    clock: FrozenClock,
) -> None:
    enrol(session, user, clock)
    card_id = int(shown(user_client)["card_id"])
    for action in ("bury", "suspend", "flag"):
        assert post_form(user_client, f"/cards/{card_id}/{action}", {}).status_code == 303
    refresh(session)
    card = session.get(Card, card_id)
    assert card.buried_until is not None and card.suspended and card.flagged
    other = client.application.test_client()
    post_form(other, "/register", {"email": "eve@example.com", "password": PASSWORD,
                                   "confirm": PASSWORD})
    for action in ("bury", "suspend", "flag"):
        assert post_form(other, f"/cards/{card_id}/{action}", {}).status_code == 404
    assert other.get(f"/cards/{card_id}").status_code == 404


def post_json(client: FlaskClient, fields: dict[str, str], rating: str, token: str):  # type: ignore[no-untyped-def]
    """POST an answer as the page's script does: CSRF token in a header, JSON wanted back."""
    return client.post("/review/answer", data={**fields, "rating": rating},
                       headers={"Accept": "application/json", "X-CSRFToken": token})


def test_json_answer_returns_the_next_card_and_a_repeat_is_a_no_op(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    token = csrf_token(user_client, "/review")
    fields = shown(user_client)
    reply = post_json(user_client, fields, "3", token)
    assert reply.status_code == 200 and reply.is_json
    body = reply.get_json()
    log_id = session.scalar(select(ReviewLog.id))
    following = body["next"]
    assert body["undo_id"] == log_id and body["message"] is None
    assert following["card_id"] != int(fields["card_id"]) and following["reps"] == 0
    assert following["counts"] == {"new": 1, "learning": 1, "review": 0}
    assert [button["name"] for button in following["buttons"]] == ["Again", "Hard", "Good",
                                                                     "Easy"]
    assert f'name="review_uid" value="{following["review_uid"]}"' in following["html"]
    assert f'name="log_id" value="{log_id}"' in following["html"]
    repeat = post_json(user_client, fields, "3", token)
    assert repeat.status_code == 200 and repeat.get_json()["undo_id"] == log_id
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 1
    assert session.get(Card, int(fields["card_id"])).reps == 1


def test_json_answer_needs_the_csrf_header_and_refuses_a_stale_card(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    fields = shown(user_client)
    assert post_json(user_client, fields, "3", "forged").status_code == 403
    token = csrf_token(user_client, "/review")
    post_json(user_client, fields, "3", token)
    stale = post_json(user_client, {**fields, "review_uid": "another-tab-uid"}, "1", token)
    assert stale.status_code == 409
    assert "answered elsewhere" in stale.get_json()["message"]
    assert stale.get_json()["next"]["card_id"] != int(fields["card_id"])
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 1


def test_json_answer_to_the_last_card_says_there_is_no_next(
    user_client: FlaskClient, session: Session, user: User, clock: FrozenClock
) -> None:
    enrol(session, user, clock)
    token = csrf_token(user_client, "/review")
    post_json(user_client, shown(user_client), "4", token)
    last = post_json(user_client, shown(user_client), "4", token)
    assert last.status_code == 200 and last.get_json()["next"] is None
    assert user_client.get("/review").get_data(as_text=True).count("Done for today") >= 1
