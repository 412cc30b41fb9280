"""Mock exams: generation by blueprint weights, the server-side clock, grading, readiness."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import (
    AttemptClosed,
    BadAnswer,
    NoSuchAttempt,
    domain_results,
    own_attempt,
    question_at,
    record_answer,
    remaining,
    submit,
    toggle_flag,
    visit,
)
from prep.exams.generation import (
    CustomQuiz,
    ExamRequest,
    OpenAttemptExists,
    PoolTooSmall,
    allocate,
    generate_exam,
    shuffled_options,
)
from prep.exams.readiness import readiness
from prep.exams.vocabulary import Mode, Source
from prep.models import GRADED, Card, CardState, Exam, ExamAttempt, ItemDomain, User
from prep.study.queue import build_queue
from tests.conftest import FrozenClock
from tests.factories import FIXTURE_DECKS, load_decks, make_question_bank, make_user


@given(st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=8),
       st.integers(min_value=0, max_value=500))
@settings(max_examples=300, deadline=None)
def test_largest_remainder_sums_exactly_and_stays_within_one_of_the_quota(
    weights: list[float], total: int
) -> None:
    counts = allocate(weights, total)
    assert sum(counts) == total
    for weight, count in zip(weights, counts, strict=True):
        quota = weight * total / sum(weights)
        assert quota - 1 < count < quota + 1


def test_largest_remainder_known_case() -> None:
    # MLA-C01: 65 questions over 28/26/22/24 -> quotas 18.2, 16.9, 14.3, 15.6.
    assert allocate([28, 26, 22, 24], 65) == [18, 17, 14, 16]


@given(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=6, unique=True),
       st.integers(min_value=0, max_value=2**32))
def test_shuffling_keeps_every_option(keys: list[str], seed: int) -> None:
    order = shuffled_options(keys, random.Random(seed))
    assert sorted(order) == sorted(keys)


def exam(session: Session) -> Exam:
    return session.get(Exam, "alpha-one")


def start(session: Session, user: User, clock: FrozenClock, *, seed: int = 1,
          mode: Mode = Mode.EXAM, count: int | None = None, domains: list[int] | None = None,
          source: Source = Source.ALL, allow_short: bool = False) -> ExamAttempt:
    """An attempt of alpha-one: its own form, or a quiz when a count, domains or source is
    given."""
    custom = CustomQuiz(tuple(domains) if domains else None, count, source) if (
        count is not None or domains or source != Source.ALL) else None
    attempt = generate_exam(session, ExamRequest(exam(session), user, mode, seed, custom=custom,
                                                 allow_short=allow_short), clock())
    session.commit()
    return attempt


def domain_counts(session: Session, attempt: ExamAttempt) -> Counter:
    return Counter(r.domain.number for r in domain_results(session, attempt)
                   for _ in range(r.total))


@pytest.fixture
def bank(session: Session, clock: FrozenClock) -> list[int]:
    return make_question_bank(session, clock(), {1: 30, 2: 20})


def test_exam_follows_the_blueprint_weights_and_the_seed(
    session: Session, clock: FrozenClock, bank: list[int]
) -> None:
    user = make_user(session, clock(), "ex@example.com")
    exam_ = exam(session)
    exam_.question_count, exam_.minutes = 10, 20
    session.commit()
    attempt = start(session, user, clock, seed=42)
    assert attempt.question_count == 10
    assert domain_counts(session, attempt) == {1: 6, 2: 4}  # 60/40 of 10
    assert attempt.deadline == clock() + timedelta(minutes=20)
    first = [(q.item_id, q.option_order) for q in attempt.questions]
    submit(session, attempt, clock())
    session.commit()
    other = make_user(session, clock(), "ex2@example.com")
    again = start(session, other, clock, seed=42)
    assert [(q.item_id, q.option_order) for q in again.questions] == first


def test_recent_questions_are_avoided_until_the_pool_runs_out(
    session: Session, clock: FrozenClock, bank: list[int]
) -> None:
    user = make_user(session, clock(), "rep@example.com")
    seen: list[set[int]] = []
    for seed in range(2):
        attempt = start(session, user, clock, seed=seed, count=20, mode=Mode.PRACTICE)
        seen.append({q.item_id for q in attempt.questions})
        assert attempt.notes == []
    assert not seen[0] & seen[1]
    third = start(session, user, clock, seed=3, count=20, mode=Mode.PRACTICE)
    assert any("also in your last 3 attempts" in note for note in third.notes)


def test_small_pool_needs_consent_for_a_shorter_exam(session: Session,
                                                     clock: FrozenClock) -> None:
    make_question_bank(session, clock(), {1: 3, 2: 2})
    user = make_user(session, clock(), "small@example.com")
    with pytest.raises(PoolTooSmall) as refused:
        start(session, user, clock, count=20)
    assert refused.value.available == 7  # the bank plus the fixture deck's two questions
    attempt = start(session, user, clock, count=20, allow_short=True)
    assert attempt.question_count == 7
    assert any("shorter exam" in note for note in attempt.notes)


def test_one_open_exam_per_blueprint(session: Session, clock: FrozenClock, bank) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "one@example.com")
    exam(session).question_count = 5
    first = start(session, user, clock)
    with pytest.raises(OpenAttemptExists) as exists:
        start(session, user, clock, seed=2)
    assert exists.value.attempt.id == first.id


def test_deadline_holds_and_late_answers_are_refused(
    session: Session, clock: FrozenClock, bank
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "late@example.com")
    exam_ = exam(session)
    exam_.question_count, exam_.minutes = 4, 10
    attempt = start(session, user, clock)
    question = question_at(attempt, 1)
    right = question.item.correct
    record_answer(session, attempt, 1, right, clock())
    session.commit()
    clock.advance(minutes=4)
    assert remaining(attempt, clock()) == timedelta(minutes=6)
    session.expire_all()  # as after a reload or a server restart
    assert remaining(own_attempt(session, user, attempt.id), clock()) == timedelta(minutes=6)
    clock.advance(minutes=6, seconds=1)
    with pytest.raises(AttemptClosed, match="Time is up"):
        record_answer(session, attempt, 2, ["a"], clock())
    session.commit()
    graded = own_attempt(session, user, attempt.id)
    assert graded.status == GRADED and graded.correct_count == 1
    assert graded.submitted_at == graded.deadline
    with pytest.raises(AttemptClosed):
        record_answer(session, graded, 1, ["b"], clock())
    submit(session, graded, clock())  # a second submit changes nothing
    assert graded.correct_count == 1 and question_at(graded, 1).chosen == sorted(right)


def test_bad_answers_are_refused(session: Session, clock: FrozenClock, bank) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "bad@example.com")
    attempt = start(session, user, clock, count=4, mode=Mode.PRACTICE)
    single = next(q for q in attempt.questions if len(q.item.correct) == 1)
    for keys in ([], ["z"], ["a", "b"]):
        with pytest.raises(BadAnswer):
            record_answer(session, attempt, single.position, keys, clock())
    with pytest.raises(NoSuchAttempt):
        record_answer(session, attempt, 99, ["a"], clock())
    other = make_user(session, clock(), "other@example.com")
    with pytest.raises(NoSuchAttempt):
        own_attempt(session, other, attempt.id)


def test_practice_mode_checks_each_answer_and_locks_it(
    session: Session, clock: FrozenClock, bank
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "prac@example.com")
    attempt = start(session, user, clock, count=3, mode=Mode.PRACTICE)
    assert attempt.deadline is None
    question = record_answer(session, attempt, 1, ["b"], clock())
    assert question.correct is False
    with pytest.raises(AttemptClosed, match="already checked"):
        record_answer(session, attempt, 1, ["a"], clock())


def test_grading_scores_domains_time_and_queues_missed_questions(
    session: Session, clock: FrozenClock, bank
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "grade@example.com")
    exam_ = exam(session)
    exam_.question_count, exam_.minutes = 10, 30
    attempt = start(session, user, clock)
    for position in range(1, 11):
        question = question_at(attempt, position)
        visit(attempt, position, clock())  # the question page is shown
        clock.advance(seconds=30)
        keys = question.item.correct if position <= 7 else ["b"]
        record_answer(session, attempt, position, keys, clock())
    toggle_flag(session, attempt, 3, clock())
    clock.advance(seconds=10)
    submit(session, attempt, clock())
    session.commit()
    assert attempt.correct_count == 7 and attempt.status == GRADED
    assert attempt.score_scaled == 730 and attempt.passed is True  # linear: 100 + 900 * 0.7
    results = domain_results(session, attempt)
    assert sum(r.total for r in results) == 10 and sum(r.correct for r in results) == 7
    assert question_at(attempt, 2).time_spent_ms == 30_000
    assert question_at(attempt, 10).time_spent_ms == 40_000  # then 10 s before submitting
    missed = {q.item_id for q in attempt.questions if not q.correct}
    cards = session.scalars(select(Card).where(Card.user_id == user.id)).all()
    assert {c.item_id for c in cards} == missed
    assert all(c.state == CardState.LEARNING and c.due <= clock() and c.from_exam for c in cards)
    queue = build_queue(session, user, clock())
    assert queue.head.item_id in missed and queue.counts.learning == 3
    ready = readiness(session, user, exam_, clock())
    assert sum(r.exam_total for r in ready) == 10 and sum(r.cards for r in ready) == 3


def test_custom_quiz_on_missed_questions_and_one_domain(
    session: Session, clock: FrozenClock, bank
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "custom@example.com")
    attempt = start(session, user, clock, count=6, mode=Mode.PRACTICE)
    for q in attempt.questions:
        record_answer(session, attempt, q.position, ["b"] if q.position % 2 else q.item.correct,
                      clock())
    submit(session, attempt, clock())
    session.commit()
    missed = {q.item_id for q in attempt.questions if not q.correct}
    quiz = start(session, user, clock, seed=9, count=10, source=Source.MISSED, mode=Mode.PRACTICE,
                 allow_short=True)
    assert {q.item_id for q in quiz.questions} == missed
    domain_one = start(session, user, clock, seed=5, count=5, domains=[1], mode=Mode.PRACTICE)
    numbers = {d.domain_id for q in domain_one.questions
               for d in session.scalars(select(ItemDomain).where(ItemDomain.item_id == q.item_id))}
    assert numbers == {exam(session).domains[0].id}


def test_cached_pools_follow_content_changes(session: Session, clock: FrozenClock) -> None:
    from prep.exams.pools import domain_pools
    from tests.factories import load_decks

    load_decks(session, clock())
    before = sum(len(pool) for pool in domain_pools(session, exam(session)).values())
    assert before == 2  # the fixture deck's questions (now cached for this database)
    make_question_bank(session, clock(), {1: 3})  # bumps the content version, as a load does
    after = sum(len(pool) for pool in domain_pools(session, exam(session)).values())
    assert after == 5


LEGACY_EXAM = """exam: alpha-legacy
track: alpha
code: A-0
name: Alpha Zero (retired)
vendor: Test Cloud
guide_version: "2024"
status: retired
retired_on: 2026-06-30
successor: alpha-one
questions: 4
minutes: 10
multiple_response: true
scoring: {kind: scaled, min: 1, max: 1000, pass: 700}
domains:
  - {id: 1, name: Old data, weight: 50}
  - {id: 2, name: Old models, weight: 50}
"""
LEGACY_QUESTION = """
  - id: al-{uid}
    type: question
    domains: {domains}
    stem: |
      Which legacy service number {uid} applies?
    options: {{a: First choice {uid}, b: Second choice {uid}}}
    answer: a
    explanations: {{a: Right for this reason., b: Wrong for that reason.}}
    reference: Legacy guide
"""


def test_items_of_a_retired_exam_only_never_reach_its_successors_mocks(
    session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    """AI-102-only items never appear in an AI-103 mock: tagging is by exam id."""
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    (root / "alpha" / "alpha-legacy.exam.yaml").write_text(LEGACY_EXAM)
    basics = root / "alpha" / "basics.yaml"
    basics.write_text(basics.read_text() + "".join(
        LEGACY_QUESTION.format(uid=f"old{n}", domains="{alpha-legacy: 1}") for n in range(6)
    ) + LEGACY_QUESTION.format(uid="both", domains="{alpha-one: 1, alpha-legacy: 2}"))
    load_decks(session, clock(), root)
    user = make_user(session, clock(), "legacy@example.com")
    drawn = {}
    for exam_id in ("alpha-one", "alpha-legacy"):
        attempt = generate_exam(session, ExamRequest(
            session.get(Exam, exam_id), user, Mode.PRACTICE, seed=3,
            custom=CustomQuiz(count=20), allow_short=True), clock())
        drawn[exam_id] = {question.item.uid for question in attempt.questions}
    assert drawn["alpha-one"] == {"al-q001", "al-q002", "al-both"}
    assert drawn["alpha-legacy"] == {f"al-old{n}" for n in range(6)} | {"al-both"}


def _answer_some(session: Session, attempt: ExamAttempt, clock: FrozenClock) -> tuple[int, int]:
    """Answer question 1 right and question 2 wrong, leave the rest; returns their item ids."""
    first, second = question_at(attempt, 1), question_at(attempt, 2)
    record_answer(session, attempt, 1, first.item.correct, clock())
    wrong = [key for key in "abcd" if key not in second.item.correct][:1]
    record_answer(session, attempt, 2, wrong, clock())
    return first.item_id, second.item_id


def _queued(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(Card.item_id).where(Card.user_id == user.id)))


def test_unanswered_questions_are_not_queued_nor_counted_as_missed(
    session: Session, clock: FrozenClock, bank
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "blank@example.com")
    exam_ = exam(session)
    exam_.question_count, exam_.minutes = 10, 30
    attempt = start(session, user, clock)
    _right, wrong = _answer_some(session, attempt, clock)
    submit(session, attempt, clock())
    session.commit()
    assert attempt.correct_count == 1
    assert _queued(session, user) == {wrong}  # only the wrong answer, not the 8 unanswered
    assert build_queue(session, user, clock()).counts.learning == 1
    assert [q.correct for q in attempt.questions[2:]] == [None] * 8
    assert sum(r.unanswered for r in domain_results(session, attempt)) == 8
    ready = readiness(session, user, exam_, clock())
    assert sum(r.exam_total for r in ready) == 2 and sum(r.exam_correct for r in ready) == 1
    assert sum(r.exam_unanswered for r in ready) == 8
    quiz = start(session, user, clock, seed=9, count=10, source=Source.MISSED, mode=Mode.PRACTICE,
                 allow_short=True)
    assert {q.item_id for q in quiz.questions} == {wrong}


def test_a_timed_out_attempt_queues_only_wrong_answers(
    session: Session, clock: FrozenClock, bank
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "timeout@example.com")
    exam_ = exam(session)
    exam_.question_count, exam_.minutes = 10, 10
    attempt = start(session, user, clock)
    _right, wrong = _answer_some(session, attempt, clock)
    session.commit()
    clock.advance(minutes=11)
    session.expire_all()
    with pytest.raises(AttemptClosed, match="Time is up"):
        record_answer(session, own_attempt(session, user, attempt.id), 3, ["a"], clock())
    session.commit()
    graded = own_attempt(session, user, attempt.id)
    assert graded.status == GRADED and graded.correct_count == 1
    assert _queued(session, user) == {wrong}
