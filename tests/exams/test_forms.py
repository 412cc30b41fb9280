"""Mock exams with ordering, matching, case-study and yes/no items: drawing them into a form
by the blueprint's domain shares, answering them, locks, and grading them by the exam's rule."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import (
    AttemptClosed,
    BadAnswer,
    QuestionLocked,
    domain_results,
    question_at,
    question_domains,
    record_answer,
    scaled_score,
    submit,
    toggle_flag,
)
from prep.exams.generation import CustomQuiz, ExamRequest, generate_exam
from prep.exams.readiness import readiness
from prep.exams.vocabulary import Mode, ScoringRule
from prep.models import (
    CASE,
    MATCHING,
    ORDERING,
    QUESTION,
    SERIES,
    YESNO,
    AttemptQuestion,
    Card,
    Exam,
    ExamAttempt,
    Item,
    User,
)
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import (
    KINDS_DECKS,
    load_decks,
    make_question_bank,
    make_user,
)
from tests.kind_factories import make_kind_bank, members_of
from tests.test_races import at_once, form_post, logged_in_clients, statuses

FORM = {ORDERING: {"per_form": 2, "scoring": "all-or-nothing"},
        MATCHING: {"per_form": 2, "scoring": "all-or-nothing"},
        "case-study": {"sets": 1, "locks": False}, "yes-no": {"sets": 1}}


@pytest.fixture
def bank(session: Session, clock: FrozenClock) -> dict[str, list[int]]:
    """alpha-one as a 20-question form (60/40) with two of each kind, a case and a series."""
    make_question_bank(session, clock(), {1: 30, 2: 20})
    made = make_kind_bank(session, clock(), ordering={1: 3, 2: 2}, matching={1: 2, 2: 2},
                          cases=[(1, 2, 2), (1, 1, 2)], series=[(1, 3), (2, 3)])
    configure(session, FORM)
    return made


def configure(session: Session, kinds: dict[str, Any] | None, count: int = 20) -> Exam:
    exam = session.get(Exam, "alpha-one")
    exam.question_count, exam.minutes, exam.kinds = count, 40, kinds
    session.commit()
    return exam


def start(session: Session, user: User, clock: FrozenClock, *, seed: int = 1,
          mode: Mode = Mode.EXAM, custom: CustomQuiz | None = None) -> ExamAttempt:
    attempt = generate_exam(session, ExamRequest(session.get(Exam, "alpha-one"), user, mode,
                                                 seed, custom=custom), clock())
    session.commit()
    return attempt


def placed(attempt: ExamAttempt) -> list[Item]:
    return [question.item for question in attempt.questions]


def groups_in(attempt: ExamAttempt) -> dict[int, list[int]]:
    """Group id -> the positions of its members in the attempt."""
    positions: dict[int, list[int]] = {}
    for question in attempt.questions:
        if question.item.group_id is not None:
            positions.setdefault(question.item.group_id, []).append(question.position)
    return positions


def standalone(attempt: ExamAttempt) -> Counter[str]:
    return Counter(item.kind for item in placed(attempt) if item.group_id is None)


def kind_notes(attempt: ExamAttempt) -> list[str]:
    return [note for note in attempt.notes if note.startswith("This form has")]


def test_a_form_draws_its_kinds_within_the_domain_shares(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    for seed in range(6):
        user = make_user(session, clock(), f"form{seed}@example.com")
        attempt = start(session, user, clock, seed=seed)
        assert attempt.question_count == 20 and kind_notes(attempt) == []
        by_domain = Counter(d.number for d in question_domains(session, attempt).values())
        assert by_domain == {1: 12, 2: 8}  # 60/40, every member counted in its own domain
        assert standalone(attempt) == {QUESTION: 20 - 2 - 2 - 6, ORDERING: 2, MATCHING: 2}
        groups = groups_in(attempt)
        kinds = Counter(session.get(Item, group_id).kind for group_id in groups)
        assert kinds == {CASE: 1, SERIES: 1}
        for group_id, positions in groups.items():  # whole, together, in group order
            assert positions == list(range(positions[0], positions[0] + 3))
            assert [question_at(attempt, p).item_id for p in positions] == members_of(
                session, group_id)


def test_each_kind_is_first_shown_as_its_kind_asks(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    attempt = start(session, make_user(session, clock(), "shown@example.com"), clock)
    for question in attempt.questions:
        item, shown = question.item, question.option_order
        keys = [option["key"] for option in item.options]
        assert sorted(shown) == sorted(keys)  # nothing lost, whatever the kind
        if item.kind == ORDERING:
            assert shown != item.correct  # never the answer itself
        if item.kind == MATCHING:
            assert set(item.correct) <= set(shown) and len(item.prompts) == 3  # every pair
        if item.kind == YESNO:
            assert shown == ["yes", "no"]


def test_a_locking_case_study_is_the_end_of_the_form(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    configure(session, {**FORM, "case-study": {"sets": 1, "locks": True}})
    for seed in range(4):
        attempt = start(session, make_user(session, clock(), f"lock{seed}@example.com"), clock,
                        seed=seed)
        cases = [g for g in groups_in(attempt) if session.get(Item, g).kind == CASE]
        assert len(cases) == 1
        assert groups_in(attempt)[cases[0]] == [18, 19, 20]


def test_too_few_kind_items_leave_their_places_to_questions(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    configure(session, {**FORM, ORDERING: {"per_form": 7}, "case-study": {"sets": 3}})
    attempt = start(session, make_user(session, clock(), "few@example.com"), clock)
    assert attempt.question_count == 20
    assert kind_notes(attempt) == [
        "This form has 2 of the exam's 3 case-study sets: the bank has too few for the "
        "domains' shares, so questions take their place.",
        "This form has 5 of the exam's 7 ordering items: the bank has too few for the "
        "domains' shares, so questions take their place."]
    assert standalone(attempt)[ORDERING] == 5
    by_domain = Counter(d.number for d in question_domains(session, attempt).values())
    assert by_domain == {1: 12, 2: 8}


def test_a_set_that_does_not_fit_its_domains_shares_is_not_drawn(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    configure(session, {"yes-no": {"sets": 2}}, count=5)  # shares 3/2: no series of 3 in 2
    attempt = start(session, make_user(session, clock(), "fit@example.com"), clock)
    assert [session.get(Item, g).kind for g in groups_in(attempt)] == [SERIES]
    assert kind_notes(attempt) == [
        "This form has 1 of the exam's 2 yes/no series: the bank has too few for the "
        "domains' shares, so questions take their place."]


def test_an_exam_without_kinds_draws_questions_only(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    configure(session, None)
    attempt = start(session, make_user(session, clock(), "plain@example.com"), clock)
    assert {item.kind for item in placed(attempt)} == {QUESTION}
    assert groups_in(attempt) == {}


def test_a_custom_quiz_holds_the_kinds_in_proportion(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    attempt = start(session, make_user(session, clock(), "quiz@example.com"), clock,
                    mode=Mode.PRACTICE, custom=CustomQuiz(count=10))
    assert attempt.question_count == 10 and kind_notes(attempt) == []  # quizzes note none
    by_domain = Counter(d.number for d in question_domains(session, attempt).values())
    assert by_domain == {1: 6, 2: 4}
    assert standalone(attempt)[ORDERING] == 1 and standalone(attempt)[MATCHING] == 1
    assert len(groups_in(attempt)) == 2  # half a form: one case and one series (half up)


def test_a_form_from_deck_files_holds_every_kind(session: Session, clock: FrozenClock) -> None:
    """The loader's stored forms (tests/fixtures/kinds): a locking case study goes last."""
    load_decks(session, clock(), KINDS_DECKS)
    exam = session.get(Exam, "gamma-one")
    attempt = generate_exam(session, ExamRequest(
        exam, make_user(session, clock(), "gamma@example.com"), Mode.EXAM, seed=4,
        allow_short=True), clock())  # the fixture holds 8 of a form's 10
    uids = [item.uid for item in placed(attempt)]
    assert sorted(uids) == sorted(["ga-q001", "ga-o001", "ga-m001", "ga-cs001-q1",
                                   "ga-cs001-o1", "ga-s001-1", "ga-s001-2", "ga-s001-3"])
    assert uids[-2:] == ["ga-cs001-q1", "ga-cs001-o1"]
    start = uids.index("ga-s001-1")
    assert uids[start:start + 3] == ["ga-s001-1", "ga-s001-2", "ga-s001-3"]
    ordering = next(q for q in attempt.questions if q.item.uid == "ga-o001")
    assert ordering.option_order != ordering.item.correct
    assert kind_notes(attempt) == [] and any("shorter exam" in n for n in attempt.notes)


def first(attempt: ExamAttempt, kind: str, *, grouped: bool = False) -> AttemptQuestion:
    return next(q for q in attempt.questions
                if q.item.kind == kind and (q.item.group_id is not None) == grouped)


def partly_right(question: AttemptQuestion) -> list[str]:
    """An ordering with its first two steps swapped, or a matching with one prompt wrong."""
    correct = list(question.item.correct)
    if question.item.kind == ORDERING:
        return [correct[1], correct[0], *correct[2:]]
    wrong = next(k for k in question.option_order if k != correct[0])
    return [wrong, *correct[1:]]


@pytest.mark.parametrize("rule", list(ScoringRule))
def test_grading_scores_each_kind_by_the_exam_s_rule(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]],
        rule: ScoringRule) -> None:
    exam = configure(session, {**FORM, ORDERING: {"per_form": 2, "scoring": rule.value},
                               MATCHING: {"per_form": 2, "scoring": rule.value}})
    user = make_user(session, clock(), "rule@example.com")
    attempt = start(session, user, clock)
    ordering, matching = first(attempt, ORDERING), first(attempt, MATCHING)
    yesno, question = first(attempt, YESNO, grouped=True), first(attempt, QUESTION)
    record_answer(session, attempt, ordering.position, partly_right(ordering), clock())  # 2/4
    record_answer(session, attempt, matching.position, partly_right(matching), clock())  # 2/3
    record_answer(session, attempt, yesno.position, yesno.item.correct, clock())
    record_answer(session, attempt, question.position, question.item.correct, clock())
    submit(session, attempt, clock())
    session.commit()
    partial = rule == ScoringRule.PARTIAL
    assert (ordering.score, matching.score) == ((0.5, pytest.approx(2 / 3)) if partial
                                                else (0, 0))
    assert (ordering.correct, matching.correct, yesno.correct, question.correct) == (
        False, False, True, True)
    points = 2 + (0.5 + 2 / 3 if partial else 0)
    assert attempt.points == pytest.approx(points) and attempt.correct_count == 2
    assert attempt.score_scaled == scaled_score(exam, points / 20)
    unanswered = [q for q in attempt.questions if q.chosen is None]
    assert all(q.score == 0 and q.correct is None for q in unanswered) and len(unanswered) == 16
    results = domain_results(session, attempt)
    assert sum(r.points for r in results) == pytest.approx(points)
    assert sum(r.correct for r in results) == 2 and sum(r.unanswered for r in results) == 16
    ready = readiness(session, user, exam, clock())
    assert sum(r.exam_points for r in ready) == pytest.approx(points)
    assert sum(r.exam_total for r in ready) == 4
    queued = set(session.scalars(select(Card.item_id).where(Card.user_id == user.id)))
    assert queued == {ordering.item_id, matching.item_id}  # missed: answered, below 1


def test_practice_mode_checks_each_kind_once(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    configure(session, {**FORM, MATCHING: {"per_form": 2, "scoring": "partial"}})
    attempt = start(session, make_user(session, clock(), "practice@example.com"), clock,
                    mode=Mode.PRACTICE)
    ordering, matching = first(attempt, ORDERING), first(attempt, MATCHING)
    checked = record_answer(session, attempt, ordering.position, ordering.item.correct, clock())
    assert (checked.score, checked.correct) == (1, True)
    checked = record_answer(session, attempt, matching.position, partly_right(matching),
                            clock())
    assert checked.score == pytest.approx(2 / 3) and checked.correct is False
    with pytest.raises(AttemptClosed, match="already checked"):
        record_answer(session, attempt, matching.position, matching.item.correct, clock())


def test_answers_of_the_wrong_shape_are_refused(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    attempt = start(session, make_user(session, clock(), "shape@example.com"), clock)
    ordering, matching = first(attempt, ORDERING), first(attempt, MATCHING)
    yesno = first(attempt, YESNO, grouped=True)
    for question, keys in ((ordering, ordering.item.correct[:3]), (matching, ["a"]),
                           (matching, ["a", "b", "z"]), (yesno, ["a"])):
        with pytest.raises(BadAnswer):
            record_answer(session, attempt, question.position, keys, clock())
    assert all(q.chosen is None for q in attempt.questions)


def test_a_locked_question_refuses_answers_and_flags(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    attempt = start(session, make_user(session, clock(), "locked@example.com"), clock)
    yesno = first(attempt, YESNO, grouped=True)
    record_answer(session, attempt, yesno.position, ["yes"], clock())
    with pytest.raises(QuestionLocked, match="cannot be flagged"):
        toggle_flag(session, attempt, yesno.position, clock())
    yesno.locked = True  # as leaving it does (prep.exams.locks)
    session.commit()
    with pytest.raises(QuestionLocked, match="locked"):
        record_answer(session, attempt, yesno.position, ["no"], clock())
    session.rollback()
    assert issubclass(QuestionLocked, AttemptClosed)  # refused as a conflict, a 409
    assert question_at(attempt, yesno.position).chosen == ["yes"]


def test_a_question_locked_meanwhile_keeps_its_answer(
        session: Session, clock: FrozenClock, bank: dict[str, list[int]]) -> None:
    """A lock written by another request after this one read the question still holds."""
    attempt = start(session, make_user(session, clock(), "race@example.com"), clock)
    yesno = first(attempt, YESNO, grouped=True)
    record_answer(session, attempt, yesno.position, ["yes"], clock())
    session.commit()
    session.execute(AttemptQuestion.__table__.update()
                    .where(AttemptQuestion.id == yesno.id).values(locked=True))
    with pytest.raises(QuestionLocked):
        record_answer(session, attempt, yesno.position, ["no"], clock())
    session.rollback()
    session.expire_all()
    assert question_at(attempt, yesno.position).chosen == ["yes"]


def _attempt_over_http(client: FlaskClient, mode: str) -> int:
    response = post_form(client, "/exams/alpha-one/start", {"kind": "full", "mode": mode})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))


def test_concurrent_submits_count_points_and_missed_items_once(
        app: Flask, session: Session, user: User, clock: FrozenClock,
        bank: dict[str, list[int]]) -> None:
    configure(session, {**FORM, ORDERING: {"per_form": 2, "scoring": "partial"}})
    clients = logged_in_clients(app, user, 6)
    attempt = session.get(ExamAttempt, _attempt_over_http(clients[0], "exam"))
    ordering, matching = first(attempt, ORDERING), first(attempt, MATCHING)
    record_answer(session, attempt, ordering.position, partly_right(ordering), clock())
    record_answer(session, attempt, matching.position, matching.item.correct, clock())
    session.commit()
    results = at_once(clients, form_post(f"/attempts/{attempt.id}/submit", {"confirm": "yes"}))
    assert statuses(results) == [303] * 6
    refresh(session)
    graded = session.get(ExamAttempt, attempt.id)
    assert graded.points == pytest.approx(1.5) and graded.correct_count == 1
    assert sorted(session.scalars(select(Card.item_id).where(Card.user_id == user.id))) == [
        ordering.item_id]  # queued once, though six submits raced


def test_concurrent_practice_answers_check_an_ordering_once(
        app: Flask, session: Session, user: User, clock: FrozenClock,
        bank: dict[str, list[int]]) -> None:
    clients = logged_in_clients(app, user, 6)
    attempt = session.get(ExamAttempt, _attempt_over_http(clients[0], "practice"))
    ordering = first(attempt, ORDERING)
    results = at_once(clients, form_post(
        f"/attempts/{attempt.id}/q/{ordering.position}/answer",
        {"choice": list(ordering.item.correct)}, headers={"Accept": "application/json"}))
    assert sorted(statuses(results)) == [200] + [409] * 5, statuses(results)
    refresh(session)
    checked = session.get(AttemptQuestion, ordering.id)
    assert checked.chosen == ordering.item.correct and checked.score == 1
