"""The life of an attempt: answering, flagging, the server-side clock, submitting, grading.

The deadline is stored at the start; every action first checks it, and an attempt whose time
ran out is graded as it stood at the deadline (lazily, on the next request, or when the page
submits itself). Answers and grading are compare-and-set writes guarded by the attempt's
status and deadline, so a late or concurrent request can never change a graded result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, exists, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from prep.exams.scoring import check_answer, score_answer
from prep.exams.vocabulary import BadAnswer as BadAnswer  # raised here, caught by callers
from prep.exams.vocabulary import ExamUnavailable, FormKinds, Mode
from prep.models import (
    GRADED,
    OPEN,
    QUESTION,
    YESNO,
    AttemptQuestion,
    Card,
    CardState,
    Exam,
    ExamAttempt,
    ExamDomain,
    Item,
    ItemDomain,
    User,
)
from prep.models.base import rows_matched


class NoSuchAttempt(LookupError):
    """No attempt (or question) with this id belongs to the user: a 404."""


class NoSuchQuestion(NoSuchAttempt):
    """No question at this position in the user's attempt: a 404."""


class AttemptClosed(ExamUnavailable):
    """The attempt no longer takes answers (submitted, or its time ran out)."""


class QuestionLocked(AttemptClosed):
    """The question no longer takes answers or flags: an answered yes/no solution once
    left, or a case-study section once left in an exam whose case studies lock."""


def own_attempt(session: Session, user: User, attempt_id: int) -> ExamAttempt:
    """The user's attempt with this id, or NoSuchAttempt."""
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NoSuchAttempt(attempt_id)
    return attempt


def remaining(attempt: ExamAttempt, now: datetime) -> timedelta | None:
    """Time left on the clock (None when untimed); never negative."""
    if attempt.deadline is None:
        return None
    return max(timedelta(0), attempt.deadline - now)


def question_at(attempt: ExamAttempt, position: int) -> AttemptQuestion:
    """The question at ``position`` (1-based) of the attempt."""
    if not 1 <= position <= len(attempt.questions):
        raise NoSuchQuestion(position)
    return attempt.questions[position - 1]


def _clock_stop(attempt: ExamAttempt, now: datetime) -> datetime:
    return min(now, attempt.deadline) if attempt.deadline else now


def visit(attempt: ExamAttempt, position: int, now: datetime) -> None:
    """Move the on-screen question to ``position``, booking time to the one left."""
    stop = _clock_stop(attempt, now)
    if attempt.current_position and attempt.current_since and stop > attempt.current_since:
        question = question_at(attempt, attempt.current_position)
        question.time_spent_ms += int((stop - attempt.current_since).total_seconds() * 1000)
    attempt.current_position, attempt.current_since = position, stop


def time_is_up(attempt: ExamAttempt, now: datetime) -> bool:
    """Whether the attempt is open and its deadline has passed (it is to be graded)."""
    return attempt.status == OPEN and attempt.deadline is not None and now >= attempt.deadline


def close_if_expired(session: Session, attempt: ExamAttempt, now: datetime) -> bool:
    """Grade an open attempt whose deadline has passed (as it stood then); True if closed."""
    if attempt.deadline is not None and time_is_up(attempt, now):
        grade(session, attempt, attempt.deadline)
        return True
    return attempt.status != OPEN


def _guard_open(attempt: ExamAttempt, now: datetime):
    """SQL condition: the attempt is open and its time has not run out."""
    condition = [ExamAttempt.id == attempt.id, ExamAttempt.status == OPEN]
    if attempt.deadline is not None:
        condition.append(ExamAttempt.deadline > now)
    return exists().where(*condition)


def _lock_attempt(session: Session, attempt: ExamAttempt) -> None:
    """Lock the attempt's row before any of its questions', in the order grading takes them,
    so that concurrent answers and a submit queue on PostgreSQL instead of deadlocking
    (SQLite's one write lock orders them already; FOR UPDATE is not sent there)."""
    session.execute(select(ExamAttempt.id).where(ExamAttempt.id == attempt.id)
                    .with_for_update())


def record_answer(session: Session, attempt: ExamAttempt, position: int, keys: list[str],
                  now: datetime) -> AttemptQuestion:
    """Save the answer to one question, shaped as its kind asks (``prep.exams.scoring``),
    replacing any earlier one; in practice mode a question is checked once, and later
    answers are refused; a locked question refuses every answer (QuestionLocked)."""
    _lock_attempt(session, attempt)
    if close_if_expired(session, attempt, now):
        raise AttemptClosed(
            "Time is up: the attempt was graded as it stood at the deadline; this answer "
            "was not saved." if attempt.deadline and now >= attempt.deadline
            else "This attempt is already submitted; answers can no longer change.")
    question = question_at(attempt, position)
    if question.locked:
        raise QuestionLocked(LOCKED_MESSAGE)
    chosen = check_answer(question.item, keys)
    if attempt.mode == Mode.PRACTICE and question.correct is not None:
        raise AttemptClosed("This question was already checked; go on to the next one.")
    values: dict[str, object] = {"chosen": chosen, "answered_at": now}
    guards = [AttemptQuestion.id == question.id, AttemptQuestion.locked.is_(False),
              _guard_open(attempt, now)]
    if attempt.mode == Mode.PRACTICE:  # feedback at once: the answer is checked and kept
        item = question.item
        score = score_answer(item.kind, item.correct or [], chosen,
                             FormKinds.of(attempt.exam).rule(item.kind))
        values.update(score=score, correct=score == 1)
        guards.append(AttemptQuestion.correct.is_(None))  # a concurrent answer checked it
    saved = rows_matched(session.execute(
        update(AttemptQuestion).where(*guards).values(**values)
        .execution_options(synchronize_session=False)
    ))
    if saved != 1:
        session.refresh(attempt)
        session.refresh(question)
        if attempt.status == OPEN and question.locked:
            raise QuestionLocked(LOCKED_MESSAGE)
        if attempt.status == OPEN and question.correct is not None:
            raise AttemptClosed("This question was already checked; go on to the next one.")
        raise AttemptClosed("This attempt was submitted meanwhile; the answer was not saved.")
    for name, value in values.items():  # written above: keep the loaded row current only
        set_committed_value(question, name, value)
    visit(attempt, position, now)
    session.flush()
    return question


LOCKED_MESSAGE = ("This question is locked: as in the real exam, you cannot go back to it "
                  "once you have left it.")


def miscounted(attempt: ExamAttempt) -> list[AttemptQuestion]:
    """Answered multiple-response questions with another number of options chosen than asked."""
    return [q for q in attempt.questions
            if q.chosen and q.item.kind == QUESTION and len(q.item.correct or ()) > 1
            and len(q.chosen) != len(q.item.correct or ())]


def toggle_flag(session: Session, attempt: ExamAttempt, position: int, now: datetime) -> bool:
    """Flag a question for review (or unflag it); returns the new flag."""
    _lock_attempt(session, attempt)
    if close_if_expired(session, attempt, now):
        raise AttemptClosed("This attempt is closed.")
    question = question_at(attempt, position)
    if question.locked:
        raise QuestionLocked(LOCKED_MESSAGE)
    if question.item.kind == YESNO:
        raise QuestionLocked("A yes/no solution cannot be flagged: as in the real exam, you "
                             "cannot come back to it.")
    question.flagged = not question.flagged
    session.flush()
    return question.flagged


def submit(session: Session, attempt: ExamAttempt, now: datetime) -> None:
    """Finish the attempt: grade it (a second submit, or one after the deadline, is a no-op)."""
    if not close_if_expired(session, attempt, now):
        grade(session, attempt, now)


def scaled_score(exam: Exam, fraction: float) -> float | None:
    """Score on the exam's scale: linear from the scale's minimum (0 right) to its maximum.

    Vendors equate scaled scores across exam forms and publish no raw cut score; prep's
    linear map is an approximation, stated on the report.
    """
    if exam.scoring_kind != "scaled" or exam.scale_min is None or exam.scale_max is None:
        return None
    return round(exam.scale_min + (exam.scale_max - exam.scale_min) * fraction)


def grade(session: Session, attempt: ExamAttempt, now: datetime) -> None:
    """Score the attempt once, each question by its kind and the exam's rule for it;
    answered questions that scored less than full become due in the review queue
    (unanswered ones do not)."""
    won = rows_matched(session.execute(
        update(ExamAttempt).where(ExamAttempt.id == attempt.id, ExamAttempt.status == OPEN)
        .values(status=GRADED).execution_options(synchronize_session=False)
    ))
    if won != 1:  # graded by a concurrent request
        session.refresh(attempt)
        return
    attempt.status = GRADED
    exam = attempt.exam
    kinds = FormKinds.of(exam)
    # Read as plain rows in one query and written back in one executemany UPDATE: no
    # per-question ORM work.
    rows = session.connection().execute(
        select(AttemptQuestion.id, AttemptQuestion.item_id, AttemptQuestion.chosen,
               Item.kind, Item.correct)
        .join(Item, Item.id == AttemptQuestion.item_id)
        .where(AttemptQuestion.attempt_id == attempt.id)
    ).all()
    # An unanswered question scores 0 and has no verdict (None): it says nothing of what
    # the user knows, so it is neither queued for review nor counted as missed.
    scores = {row.id: score_answer(row.kind, row.correct or [], row.chosen, kinds.rule(row.kind))
              for row in rows}
    stop = _clock_stop(attempt, now)
    if attempt.current_position and attempt.current_since and stop > attempt.current_since:
        spent = int((stop - attempt.current_since).total_seconds() * 1000)
        session.connection().execute(
            update(AttemptQuestion.__table__)
            .where(AttemptQuestion.attempt_id == attempt.id,
                   AttemptQuestion.position == attempt.current_position)
            .values(time_spent_ms=AttemptQuestion.time_spent_ms + spent))
    attempt.current_since = stop
    session.connection().execute(
        update(AttemptQuestion.__table__).where(AttemptQuestion.id == bindparam("qid"))
        .values(score=bindparam("new_score"), correct=bindparam("result")),
        [{"qid": row.id, "new_score": scores[row.id],
          "result": scores[row.id] == 1 if row.chosen else None} for row in rows])
    # Questions already loaded in this session must not keep their old values.
    for question in attempt.__dict__.get("questions", ()):
        session.expire(question, ["score", "correct", "time_spent_ms"])
    points = sum(scores.values())
    fraction = points / attempt.question_count if attempt.question_count else 0.0
    attempt.points = points
    attempt.correct_count = sum(score == 1 for score in scores.values())
    attempt.submitted_at = stop
    attempt.score_scaled = scaled_score(exam, fraction)
    attempt.passed = (attempt.score_scaled >= exam.pass_mark if attempt.score_scaled is not None
                      else 100 * fraction >= exam.pass_mark)
    queue_missed(session, attempt.user_id,
                 [row.item_id for row in rows if row.chosen and scores[row.id] < 1], stop)
    session.flush()


def queue_missed(session: Session, user_id: int, missed: list[int], now: datetime) -> int:
    """Make every missed item (of any answerable kind) due now in the user's review queue;
    returns how many.

    Plain statements: Card objects already loaded in ``session`` are not refreshed.
    """
    if not missed:
        return 0
    # Plain statements, not ORM objects: a user who keeps missing questions has cards for
    # most of them, and loading and flushing each one cost more than the grading itself.
    connection = session.connection()
    cards = set(connection.scalars(
        select(Card.item_id).where(Card.user_id == user_id, Card.item_id.in_(missed))))
    if cards:
        connection.execute(
            update(Card.__table__)
            .where(Card.user_id == user_id, Card.item_id.in_(cards))
            .values(due=case((Card.due > now, now), else_=Card.due), from_exam=True,
                    active=True, buried_until=None))
    # New cards in fsrs's own new-card form (Learning, step 0, no memory state), due now:
    # shown ahead of new cards, outside the daily new limit. One executemany insert.
    fresh = [{"user_id": user_id, "item_id": item_id, "state": CardState.LEARNING, "step": 0,
              "due": now, "reps": 0, "lapses": 0, "from_exam": True, "active": True,
              "suspended": False, "flagged": False, "leech": False}
             for item_id in missed if item_id not in cards]
    if fresh:
        connection.execute(insert(Card.__table__), fresh)
    return len(missed)


@dataclass
class DomainResult:
    """One domain's results in one attempt: fully right answers, points (the sum of scores,
    partial credit included) and questions (``total`` counts unanswered ones too)."""

    domain: ExamDomain
    correct: int
    total: int
    unanswered: int = 0
    points: float = 0.0

    @property
    def answered(self) -> int:
        return self.total - self.unanswered

    @property
    def percent(self) -> float:
        return 100 * self.points / self.total if self.total else 0.0


def question_domains(session: Session, attempt: ExamAttempt) -> dict[int, ExamDomain]:
    """The blueprint domain each question of the attempt serves, by position."""
    domains = {d.id: d for d in attempt.exam.domains}
    by_item = dict(session.execute(
        select(ItemDomain.item_id, ItemDomain.domain_id).where(
            ItemDomain.item_id.in_([q.item_id for q in attempt.questions]),
            ItemDomain.domain_id.in_(list(domains)))
    ).all())
    return {q.position: domains[by_item[q.item_id]]
            for q in attempt.questions if q.item_id in by_item}


def domain_results(session: Session, attempt: ExamAttempt) -> list[DomainResult]:
    """Per-domain points, correct and total of a graded attempt, in blueprint order."""
    by_position = question_domains(session, attempt)
    results = {d.id: DomainResult(d, 0, 0) for d in attempt.exam.domains}
    for question in attempt.questions:
        domain = by_position.get(question.position)
        if domain is not None:
            result = results[domain.id]
            result.total += 1
            result.correct += bool(question.correct)
            # Attempts graded before scores existed (or imported without them): 1 or 0.
            result.points += (question.score if question.score is not None
                              else float(bool(question.correct)))
            result.unanswered += not question.chosen
    return [r for r in results.values() if r.total]
