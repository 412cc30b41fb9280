"""Exam-date mode: over the 7 days before the exam every card of the track is due once,
spread evenly; after the exam the track is scheduled normally."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.insight.exam_plan import exam_plan
from prep.models import Enrollment, User
from prep.study.enrollment import add_cards
from prep.study.exam_window import keep_exam_plans, plans_need_keeping
from prep.study.queue import build_queue
from prep.study.review import answer_card
from tests.conftest import FrozenClock
from tests.factories import enrolled_user, in_review, make_question_bank


def _track_user(session: Session, clock: FrozenClock) -> tuple[User, list[int]]:
    """A user with 70+ cards of track alpha, all in review and due long after the exam."""
    user = enrolled_user(session, clock())
    from prep.models import Item

    bank = make_question_bank(session, clock(), {1: 35, 2: 35})
    add_cards(session, [user.id], session.scalars(select(Item).where(Item.id.in_(bank))), clock())
    return user, in_review(session, user, clock(), stability=60.0, reviewed_days_ago=20,
                           due_in_days=60)


def _study_day(session: Session, user: User, clock: FrozenClock, day: int) -> list[int]:
    """Open the review at 10:00 on ``day`` and answer everything due with Good."""
    moment = clock.current.replace(hour=10) + timedelta(days=day)
    keep_exam_plans(session, user, moment)
    session.commit()
    answered = []
    while (head := build_queue(session, user, moment).head) is not None:
        answer_card(session, user, head.id, 3, f"d{day}-{head.id}", head.reps, moment)
        session.commit()
        answered.append(head.id)
        moment += timedelta(seconds=20)
    return answered


def test_every_card_of_the_track_is_due_once_in_the_week_before_the_exam(
        session: Session, clock: FrozenClock) -> None:
    user, card_ids = _track_user(session, clock)
    exam_day = (clock() + timedelta(days=10)).date()
    session.get(Enrollment, (user.id, "alpha")).exam_date = exam_day
    session.commit()
    per_day = {day: _study_day(session, user, clock, day) for day in range(12)}
    window = [per_day[day] for day in range(3, 10)]  # the 7 study days before day 10
    assert all(per_day[day] == [] for day in (0, 1, 2, 10, 11))
    seen = Counter(card_id for answered in window for card_id in answered)
    assert set(seen) == set(card_ids) and set(seen.values()) == {1}
    mean = len(card_ids) / 7
    assert all(0.5 * mean <= len(answered) <= 2 * mean for answered in window)


def test_a_date_set_inside_the_window_spreads_over_the_days_left(
        session: Session, clock: FrozenClock) -> None:
    user, card_ids = _track_user(session, clock)
    enrollment = session.get(Enrollment, (user.id, "alpha"))
    enrollment.exam_date = (clock() + timedelta(days=3)).date()
    session.commit()
    plan = exam_plan(session, user, enrollment, clock())
    assert (plan.status, plan.unseen, len(plan.days)) == ("active", len(card_ids), 3)
    assert sum(day.count for day in plan.days) == 0
    per_day = [_study_day(session, user, clock, day) for day in range(3)]
    assert sorted(card for answered in per_day for card in answered) == sorted(card_ids)
    assert all(len(answered) <= 2 * len(card_ids) / 3 for answered in per_day)
    plan = exam_plan(session, user, enrollment, clock() + timedelta(days=2, hours=3))
    assert plan.unseen == 0


def test_the_review_page_needs_the_write_lock_only_while_cards_are_left_to_move(
        session: Session, clock: FrozenClock) -> None:
    user, _ = _track_user(session, clock)
    session.get(Enrollment, (user.id, "alpha")).exam_date = (clock() + timedelta(days=3)).date()
    session.commit()
    assert plans_need_keeping(session, user, clock())
    assert keep_exam_plans(session, user, clock()) > 0
    session.commit()
    assert not plans_need_keeping(session, user, clock())  # all planned: a read, no write
    assert keep_exam_plans(session, user, clock()) == 0
