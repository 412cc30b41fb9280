"""The review queue and answers: order, limits, study day, idempotency, undo, leeches."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Card, CardState, ReviewLog, User
from prep.study import undo as undo_log
from prep.study.days import study_day
from prep.study.queue import build_queue, due_tomorrow
from prep.study.review import (
    LEECH_LAPSES,
    NoSuchCard,
    NoSuchReview,
    ReviewRefused,
    StaleCard,
    answer_card,
    bury,
    lapse_count,
    last_review,
    set_suspended,
    undo_review,
)
from tests.conftest import FrozenClock, refresh
from tests.factories import add_flashcards, enrolled_user, make_user


def answer(session: Session, user: User, card: Card, rating: int, now: datetime,
           uid: str | None = None):  # type: ignore[no-untyped-def]
    result = answer_card(session, user, card.id, rating, uid or f"r-{card.id}-{card.reps}",
                         card.reps, now)
    session.commit()
    return result


def test_study_day_rolls_over_at_the_users_hour_in_their_zone() -> None:
    before_four = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # 03:30 in Berlin
    day = study_day(before_four, "Europe/Berlin", 4)
    assert day.start == datetime(2026, 3, 1, 3, tzinfo=UTC)
    assert day.end == datetime(2026, 3, 2, 3, tzinfo=UTC)
    # A DST change (Europe, 2026-03-29) makes that study day 23 hours long.
    spring = study_day(datetime(2026, 3, 28, 12, tzinfo=UTC), "Europe/Berlin", 4)
    assert spring.end - spring.start == timedelta(hours=23)


def test_new_cards_come_in_authored_order_up_to_the_daily_limit(
    session: Session, clock: FrozenClock
) -> None:
    user = enrolled_user(session, clock())
    user.new_per_day = 1
    session.commit()
    queue = build_queue(session, user, clock())
    assert (queue.counts.new, queue.counts.learning, queue.counts.review) == (1, 0, 0)
    first = queue.head
    assert first.item.uid == "al-c001"
    answer(session, user, first, 3, clock())
    queue = build_queue(session, user, clock())
    assert queue.counts.new == 0 and queue.counts.learning == 1
    # The learning card (due in 10 minutes) is shown ahead of time when nothing else is left.
    assert queue.head.id == first.id


def test_learning_cards_come_first_and_reviews_by_due_date(
    session: Session, clock: FrozenClock
) -> None:
    user = enrolled_user(session, clock())
    cards = [session.get(Card, card_id) for card_id in add_flashcards(session, user, 3, clock())]
    now = clock()
    cards[0].state, cards[0].due, cards[0].stability, cards[0].difficulty = (
        CardState.REVIEW, now - timedelta(days=2), 3.0, 5.0)
    cards[1].state, cards[1].due, cards[1].stability, cards[1].difficulty = (
        CardState.REVIEW, now - timedelta(days=5), 3.0, 5.0)
    cards[2].state, cards[2].due, cards[2].step, cards[2].stability, cards[2].difficulty = (
        CardState.LEARNING, now - timedelta(minutes=1), 1, 1.0, 5.0)
    user.new_per_day = 0
    session.commit()
    order = []
    for _ in range(3):
        head = build_queue(session, user, clock()).head
        order.append(head.id)
        answer(session, user, head, 4, clock())
    assert order == [cards[2].id, cards[1].id, cards[0].id]


def test_only_studied_tracks_and_own_cards_are_queued(session: Session, clock: FrozenClock,
                                                      app: Flask) -> None:
    user = enrolled_user(session, clock(), tracks=("beta",))
    queue = build_queue(session, user, clock())
    assert queue.counts.new == 1 and queue.head.item.uid == "be-c001"
    stranger = make_user(session, clock(), "x@example.com")
    assert build_queue(session, stranger, clock()).head is None
    add_flashcards(session, stranger, 2, clock())
    assert build_queue(session, stranger, clock()).counts.new == 2


def test_a_repeated_answer_is_stored_once(session: Session, clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    card = build_queue(session, user, clock()).head
    first = answer(session, user, card, 3, clock(), uid="same")
    again = answer_card(session, user, card.id, 3, "same", 0, clock() + timedelta(seconds=5))
    session.commit()
    assert again.duplicate and again.log.id == first.log.id
    assert session.scalar(select(func.count(ReviewLog.id))) == 1
    session.refresh(card)
    assert card.reps == 1


def test_concurrent_submissions_of_one_answer_count_once(
    app: Flask, session: Session, clock: FrozenClock
) -> None:
    user = enrolled_user(session, clock())
    card_id = build_queue(session, user, clock()).head.id
    session.commit()
    results, errors = [], []
    barrier = threading.Barrier(4)

    def submit() -> None:
        with app.extensions["prep.sessions"]() as own:
            barrier.wait()
            try:
                own.connection(execution_options={"sqlite_immediate": True})
                results.append(answer_card(own, own.get(User, user.id), card_id, 3, "twice", 0,
                                           clock()).duplicate)
                own.commit()
            except Exception as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True, True, True]
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 1
    assert session.get(Card, card_id).reps == 1


def test_a_stale_answer_is_refused(session: Session, clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    card = build_queue(session, user, clock()).head
    answer(session, user, card, 3, clock(), uid="tab-1")
    with pytest.raises(StaleCard):
        answer_card(session, user, card.id, 1, "tab-2", 0, clock())
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 1


def test_other_users_cards_are_not_found(session: Session, clock: FrozenClock) -> None:
    owner = enrolled_user(session, clock())
    card = build_queue(session, owner, clock()).head
    other = make_user(session, clock(), "o@example.com")
    with pytest.raises(NoSuchCard):
        answer_card(session, other, card.id, 3, "x", 0, clock())
    with pytest.raises(ReviewRefused):
        answer_card(session, owner, card.id, 5, "y", 0, clock())


def test_undo_restores_exactly_and_works_back_through_the_session(
    session: Session, clock: FrozenClock
) -> None:
    user = enrolled_user(session, clock())
    snapshots, logs = [], []
    for rating in (3, 1, 4):
        head = build_queue(session, user, clock()).head
        snapshots.append((head.id, {c.name: getattr(head, c.name) for c in Card.__table__.c}))
        logs.append(answer(session, user, head, rating, clock()).log.id)
        clock.advance(minutes=2)
    for (card_id, before), log_id in zip(reversed(snapshots), reversed(logs), strict=True):
        assert last_review(session, user, clock()).id == log_id
        undo_review(session, user, log_id, clock())
        session.commit()
        card = session.get(Card, card_id)
        session.refresh(card)
        assert {c.name: getattr(card, c.name) for c in Card.__table__.c} == before
    assert session.scalar(select(func.count(ReviewLog.id))) == 0
    with pytest.raises(NoSuchReview):  # already undone: gone
        undo_review(session, user, logs[0], clock())


def test_a_card_becomes_a_leech_after_eight_lapses(session: Session, clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    card = session.get(Card, add_flashcards(session, user, 1, clock())[0])
    card.state, card.stability, card.difficulty, card.due = CardState.REVIEW, 5.0, 5.0, clock()
    session.commit()
    became = []
    for _ in range(LEECH_LAPSES):
        result = answer(session, user, card, 1, clock())  # a lapse
        became.append(result.became_leech)
        session.refresh(card)
        if not card.suspended:  # back to review for the next lapse
            card.state, card.due = CardState.REVIEW, clock()
            session.commit()
        clock.advance(days=1)
    assert became == [False] * (LEECH_LAPSES - 1) + [True]
    assert card.leech and card.suspended
    assert card.lapses == lapse_count(session, card) == LEECH_LAPSES
    assert build_queue(session, user, clock()).head.id != card.id


def test_buried_cards_return_the_next_day_and_suspended_ones_do_not(
    session: Session, clock: FrozenClock
) -> None:
    user = enrolled_user(session, clock())
    first, second = [session.get(Card, i) for i in add_flashcards(session, user, 2, clock())]
    user.new_per_day = 10
    bury(session, user, first, clock())
    set_suspended(session, second, True)
    session.commit()
    queued = lambda: {c.id for c in [build_queue(session, user, clock()).head] if c}  # noqa: E731
    assert first.id not in queued() and build_queue(session, user, clock()).counts.new == 2
    clock.advance(days=1)
    assert build_queue(session, user, clock()).counts.new == 3
    set_suspended(session, second, False)
    session.commit()
    assert build_queue(session, user, clock()).counts.new == 4


def test_due_tomorrow(session: Session, clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    card = build_queue(session, user, clock()).head
    card.state, card.stability, card.difficulty = CardState.REVIEW, 2.0, 5.0
    card.due = clock() + timedelta(days=1)
    session.commit()
    tomorrow = due_tomorrow(session, user, clock())
    assert (tomorrow.new, tomorrow.review) == (1, 1)


def test_undo_takes_back_the_latest_action_whatever_it_was(
    session: Session, clock: FrozenClock
) -> None:
    target = undo_log.UndoTarget
    user = make_user(session, clock(), "undo-any@example.com")
    first, second, third = add_flashcards(session, user, 3, clock())
    answered = answer_card(session, user, first, 3, "u-1", 0, clock()).log.id
    card = session.get(Card, second)
    undo_log.record_action(session, user, card, "suspend", clock())  # same second as the answer
    set_suspended(session, card, True)
    buried = session.get(Card, third)
    undo_log.record_action(session, user, buried, "bury", clock())
    bury(session, user, buried, clock())
    session.commit()
    latest = undo_log.undo_target(session, user, clock())
    assert latest is not None and latest.kind == undo_log.ACTION
    with pytest.raises(ReviewRefused):  # the answer is not the latest action
        undo_log.undo(session, user, target(undo_log.REVIEW, answered), clock())
    undo_log.undo(session, user, latest, clock())  # the bury
    assert session.get(Card, third).buried_until is None
    assert session.get(Card, second).suspended  # the earlier suspend is still there
    undo_log.undo(session, user, undo_log.undo_target(session, user, clock()), clock())
    assert not session.get(Card, second).suspended  # the suspend
    assert undo_log.undo_target(session, user, clock()) == target(undo_log.REVIEW, answered)
    undo_log.undo(session, user, target(undo_log.REVIEW, answered), clock())
    assert session.get(Card, first).reps == 0
    assert undo_log.undo_target(session, user, clock()) is None
    later = answer_card(session, user, first, 3, "u-2", 0, clock.advance(minutes=1)).log.id
    assert undo_log.undo_target(session, user, clock()) == target(undo_log.REVIEW, later)
    other = make_user(session, clock(), "undo-other@example.com")
    with pytest.raises(NoSuchReview):
        undo_log.undo(session, other, target(undo_log.REVIEW, later), clock())
