"""The Today page: per-track due counts, the exam plan, the next mock and the last score."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import record_answer, submit
from prep.exams.generation import ExamRequest, generate_exam
from prep.exams.vocabulary import Mode
from prep.insight.today import today_view
from prep.models import Card, Enrollment, Exam, User
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import add_flashcards, enrolled_user, make_question_bank


def full_mock(session: Session, user: User, clock: FrozenClock) -> None:
    """A graded full mock of alpha-one with its first question answered right."""
    exam = session.get(Exam, "alpha-one")
    exam.question_count = 4
    attempt = generate_exam(session, ExamRequest(exam, user, Mode.EXAM, seed=3), clock())
    record_answer(session, attempt, 1, attempt.questions[0].item.correct, clock())
    submit(session, attempt, clock())
    session.commit()


def test_today_counts_each_track_and_plans_for_the_exam(
    session: Session, clock: FrozenClock
) -> None:
    make_question_bank(session, clock(), {1: 6, 2: 4})
    user = enrolled_user(session, clock(), "today@example.com")
    add_flashcards(session, user, 3, clock())  # own cards: not the track's
    session.get(Enrollment, (user.id, "alpha")).exam_date = clock().date() + timedelta(days=2)
    first = session.scalars(select(Card).where(Card.user_id == user.id)).first()
    first.suspended = True
    session.commit()
    view = today_view(session, user, clock())
    (alpha,) = view.tracks
    assert (alpha.due.new, alpha.due.learning, alpha.due.review) == (1, 0, 0)
    assert view.queue.new == 4  # the queue holds the own cards too
    assert alpha.days_left == 2 and alpha.new_left == 1 and alpha.new_per_day_needed == 1
    assert view.plan_rate == 1
    assert alpha.last_attempt is None
    assert alpha.suggestion.kind == "full"


def test_after_a_full_mock_a_quiz_on_the_weakest_domain_comes_next(
    session: Session, clock: FrozenClock
) -> None:
    make_question_bank(session, clock(), {1: 6, 2: 4})
    user = enrolled_user(session, clock(), "mock@example.com")
    full_mock(session, user, clock)
    (alpha,) = today_view(session, user, clock()).tracks
    assert alpha.last_attempt is not None and alpha.last_attempt.correct_count == 1
    assert alpha.suggestion.kind == "custom" and alpha.suggestion.domain is not None
    clock.advance(days=8)
    (alpha,) = today_view(session, user, clock()).tracks
    assert alpha.suggestion.kind == "full"


def test_a_user_without_tracks_is_sent_to_choose_one(
    client: FlaskClient, session: Session, user: User
) -> None:
    log_in(client, user.email)
    for path in ("/today", "/review"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Choose the tracks you want to study first" in page
    assert "Done for today" not in page


def test_applying_the_plan_sets_the_new_card_limit(
    client: FlaskClient, session: Session, clock: FrozenClock
) -> None:
    user = enrolled_user(session, clock(), "plan@example.com")
    log_in(client, user.email)
    assert post_form(client, "/today/new-limit", {"new_per_day": "23"}).status_code == 303
    assert post_form(client, "/today/new-limit", {"new_per_day": "x"}).status_code == 400
    assert client.post("/today/new-limit", data={"new_per_day": "5"}).status_code == 403
    refresh(session)
    assert session.get(User, user.id).new_per_day == 23
