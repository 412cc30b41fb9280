""""Study more today": extra new cards and reviews ahead, for the current study day only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import Card, CardState, User
from prep.study.queue import QueueCounts, build_queue
from prep.study.study_more import StudyMoreRefused, study_more
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import add_flashcards, make_user


def test_more_new_cards_and_reviews_ahead_for_today_only(
    session: Session, clock: FrozenClock
) -> None:
    user = make_user(session, clock(), "more@example.com")
    user.new_per_day = 2
    ids = add_flashcards(session, user, 8, clock())
    ahead = session.get(Card, ids[0])
    ahead.state, ahead.stability, ahead.difficulty = CardState.REVIEW, 5.0, 5.0
    ahead.last_review, ahead.due = clock() - timedelta(days=3), clock() + timedelta(days=2)
    session.commit()
    assert build_queue(session, user, clock()).counts == QueueCounts(2, 0, 0)
    study_more(session, user, clock(), extra_new=3)
    study_more(session, user, clock(), extra_new=1, ahead_days=1)
    session.commit()
    counts = build_queue(session, user, clock()).counts
    assert (counts.new, counts.review) == (6, 0)  # 2 + 3 + 1; due in two days: not yet
    study_more(session, user, clock(), ahead_days=2)
    assert build_queue(session, user, clock()).counts.review == 1
    assert user.new_per_day == 2  # the setting is untouched
    clock.advance(days=1)
    tomorrow = build_queue(session, user, clock()).counts
    assert (tomorrow.new, tomorrow.review) == (2, 0)  # a normal day again
    with pytest.raises(StudyMoreRefused):
        study_more(session, user, clock(), extra_new=1000)
    with pytest.raises(StudyMoreRefused):
        study_more(session, user, clock())


def test_study_more_from_the_done_page(
    client: FlaskClient, session: Session, clock: FrozenClock
) -> None:
    user = make_user(session, clock(), "done@example.com")
    user.new_per_day = 0
    add_flashcards(session, user, 3, clock())
    log_in(client, user.email)
    page = client.get("/review").get_data(as_text=True)
    assert "Done for today" in page and "Study more today" in page
    reply = post_form(client, "/review/more", {"extra_new": "2"})
    assert reply.status_code == 303
    assert "2 more new cards today." in client.get("/review").get_data(as_text=True)
    assert post_form(client, "/review/more", {"extra_new": "-4"}).status_code == 303
    assert post_form(client, "/review/more", {"ahead_days": "x"}).status_code == 303
    refresh(session)
    stored = session.get(User, user.id)
    assert (stored.extra_new, stored.review_ahead_days, stored.new_per_day) == (2, 0, 0)
    assert len(session.scalars(select(Card).where(Card.user_id == user.id)).all()) == 3
