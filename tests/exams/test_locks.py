"""Locks of an attempt (prep.exams.locks): answered yes/no solutions once left, case-study
sections of exams whose case studies lock, and what a lock refuses."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from prep.exams import locks
from prep.exams.attempts import QuestionLocked, record_answer, toggle_flag
from prep.models import AttemptQuestion, ExamAttempt, User
from tests.conftest import FrozenClock, refresh
from tests.kind_attempts import KindBank, kind_attempt, sample_kinds

LOCKING = {"case-study": {"sets": 1, "locks": True}}


def attempt_of(session: Session, user: User, clock: FrozenClock,
               kinds: dict | None = None) -> ExamAttempt:
    """1 question, 2-3 the case (two questions), 4-6 the series, 7 the ordering."""
    bank = KindBank(session, clock())
    sample = sample_kinds(bank)
    items = [bank.question(uid="lone"), *sample["case_questions"], *sample["solutions"],
             sample["ordering"]]
    return kind_attempt(session, user, items, clock(), kinds=kinds or {})


def answer(attempt: ExamAttempt, position: int, keys: list[str]) -> None:
    attempt.questions[position - 1].chosen = keys


def test_sections_are_the_consecutive_members_of_a_group(session: Session, user: User,
                                                         clock: FrozenClock) -> None:
    attempt = attempt_of(session, user, clock)
    assert [q.position for q in locks.section(attempt, 3)] == [2, 3]
    assert [q.position for q in locks.section(attempt, 5)] == [4, 5, 6]
    assert locks.section(attempt, 1) == [] and locks.section(attempt, 7) == []


def test_an_answered_solution_locks_once_left_an_unanswered_one_does_not(
        session: Session, user: User, clock: FrozenClock) -> None:
    attempt = attempt_of(session, user, clock)
    attempt.current_position = 4
    assert locks.leave(session, attempt, 5) == []  # not answered yet: nothing locks
    answer(attempt, 4, ["yes"])
    assert locks.locked_by_leaving(attempt, 4, 4) == []  # staying is not leaving
    assert locks.leaving_section(attempt, 5) == []  # a solution needs no confirmation
    assert [q.position for q in locks.leave(session, attempt, 5)] == [4]
    session.commit()
    refresh(session)
    stored = session.get(ExamAttempt, attempt.id)
    assert [q.locked for q in stored.questions] == [False, False, False, True, False, False,
                                                   False]
    with pytest.raises(QuestionLocked):
        record_answer(session, stored, 4, ["no"], clock())
    assert record_answer(session, stored, 5, ["no"], clock()).chosen == ["no"]  # still open


def test_leaving_for_the_review_screen_locks_an_answered_solution(
        session: Session, user: User, clock: FrozenClock) -> None:
    attempt = attempt_of(session, user, clock)
    attempt.current_position = 6
    answer(attempt, 6, ["no"])
    assert [q.position for q in locks.leave(session, attempt, None)] == [6]


def test_a_locking_case_section_needs_confirmation_then_locks_whole(
        session: Session, user: User, clock: FrozenClock) -> None:
    attempt = attempt_of(session, user, clock, kinds=LOCKING)
    attempt.current_position = 2
    assert locks.leave(session, attempt, 3) == []  # within the section: free
    attempt.current_position = 3
    for target in (1, None):  # another question, or the review screen
        with pytest.raises(locks.LeaveUnconfirmed, match="Questions 2–3 are a case study"):
            locks.leave(session, attempt, target)
    assert not any(q.locked for q in attempt.questions)  # refused: nothing locked
    locked = locks.leave(session, attempt, 1, confirmed=True)
    assert [q.position for q in locked] == [2, 3]  # the unanswered one as well
    session.commit()
    refresh(session)
    stored = session.get(ExamAttempt, attempt.id)
    assert [q.position for q in stored.questions if q.locked] == [2, 3]
    stored.current_position = 3  # a stale page of the section: nothing more to confirm
    assert locks.leaving_section(stored, 1) == []


def test_case_sections_of_exams_that_do_not_lock_stay_open(
        session: Session, user: User, clock: FrozenClock) -> None:
    attempt = attempt_of(session, user, clock, kinds={"case-study": {"sets": 1,
                                                                     "locks": False}})
    attempt.current_position = 2
    assert locks.leaving_section(attempt, 1) == []
    assert locks.leave(session, attempt, None) == []
    assert locks.locking_section(attempt, 2) == []


def test_solutions_and_locked_questions_cannot_be_flagged(
        session: Session, user: User, clock: FrozenClock) -> None:
    attempt = attempt_of(session, user, clock, kinds=LOCKING)
    questions: list[AttemptQuestion] = attempt.questions
    assert [locks.flaggable(q) for q in questions] == [True, True, True, False, False, False,
                                                       True]
    with pytest.raises(QuestionLocked, match="cannot be flagged"):
        toggle_flag(session, attempt, 5, clock())
    attempt.current_position = 2
    locks.leave(session, attempt, 7, confirmed=True)
    assert not locks.flaggable(questions[1])
    with pytest.raises(QuestionLocked):
        toggle_flag(session, attempt, 2, clock())
    assert toggle_flag(session, attempt, 7, clock()) is True
