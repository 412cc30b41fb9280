"""Readiness per domain: memory (FSRS retrievability of the domain's cards) and recent exam
accuracy, set against the exam's pass mark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import DomainResult, domain_results
from prep.models import GRADED, Card, Exam, ExamAttempt, ExamDomain, ItemDomain, User
from prep.study.scheduling import SchedulerSettings, retrievability

RECENT = 3


@dataclass
class DomainReadiness:
    """How ready the user is in one domain."""

    domain: ExamDomain
    cards: int
    memory: float | None  # mean retrievability of the domain's cards (new cards count 0)
    exam_correct: int  # fully right answers
    exam_total: int  # answered questions: unanswered ones say nothing of what is known
    exam_unanswered: int = 0
    exam_points: float = 0.0  # the answers' scores (partial credit included)

    @property
    def exam_accuracy(self) -> float | None:
        return self.exam_points / self.exam_total if self.exam_total else None


def pass_fraction(exam: Exam) -> float:
    """The pass mark as a fraction (on prep's linear scale for scaled exams)."""
    if exam.scoring_kind == "scaled" and exam.scale_min is not None and exam.scale_max:
        return (exam.pass_mark - exam.scale_min) / (exam.scale_max - exam.scale_min)
    return exam.pass_mark / 100


def readiness(session: Session, user: User, exam: Exam, now: datetime) -> list[DomainReadiness]:
    """Each domain's memory and recent accuracy (the last RECENT graded attempts)."""
    settings = SchedulerSettings.of(user)
    rows = session.execute(
        select(ItemDomain.domain_id, Card)
        .join(Card, Card.item_id == ItemDomain.item_id)
        .where(Card.user_id == user.id, Card.active.is_(True), Card.suspended.is_(False),
               ItemDomain.domain_id.in_([d.id for d in exam.domains]))
    ).all()
    memory: dict[int, list[float]] = {d.id: [] for d in exam.domains}
    for domain_id, card in rows:
        memory[domain_id].append(retrievability(card, now, settings))
    results: dict[int, list[DomainResult]] = {d.id: [] for d in exam.domains}
    recent = session.scalars(
        select(ExamAttempt).where(ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id,
                                  ExamAttempt.status == GRADED)
        .order_by(ExamAttempt.submitted_at.desc()).limit(RECENT))
    for attempt in recent:
        for result in domain_results(session, attempt):
            results[result.domain.id].append(result)
    return [
        DomainReadiness(
            domain=d, cards=len(memory[d.id]),
            memory=sum(memory[d.id]) / len(memory[d.id]) if memory[d.id] else None,
            exam_correct=sum(r.correct for r in results[d.id]),
            exam_total=sum(r.answered for r in results[d.id]),
            exam_unanswered=sum(r.unanswered for r in results[d.id]),
            exam_points=sum(r.points for r in results[d.id]),
        )
        for d in exam.domains
    ]


def attempt_history(session: Session, user: User, exam: Exam, limit: int = 20) -> list[ExamAttempt]:
    """The user's graded attempts of this blueprint, oldest first (for the trend)."""
    attempts = session.scalars(
        select(ExamAttempt).where(ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id,
                                  ExamAttempt.status == GRADED)
        .order_by(ExamAttempt.submitted_at.desc()).limit(limit)).all()
    return list(reversed(attempts))
