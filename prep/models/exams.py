"""Mock exam attempts and the questions (with the user's answers) in each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prep.models.base import Base, UTCDateTime
from prep.models.content import Exam, Item

OPEN, GRADED = "open", "graded"


class ExamAttempt(Base):
    """One sitting of a mock exam or quiz; its deadline is kept on the server."""

    __tablename__ = "exam_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exam_id: Mapped[str] = mapped_column(ForeignKey("exams.id"))
    mode: Mapped[str] = mapped_column(String(16))  # exam (timed, no feedback) | practice
    status: Mapped[str] = mapped_column(String(16), default=OPEN)  # open | graded
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    question_count: Mapped[int] = mapped_column(Integer)
    correct_count: Mapped[int | None] = mapped_column(Integer, default=None)
    # The sum of the questions' scores (partial credit makes it differ from correct_count).
    points: Mapped[float | None] = mapped_column(Float, default=None)
    score_scaled: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A custom quiz: {"domains": [numbers], "source": "all" | "missed" | "flagged"}.
    custom: Mapped[dict[str, object] | None] = mapped_column(JSON, default=None)
    # The question on screen and since when, for the time spent per question.
    current_position: Mapped[int | None] = mapped_column(Integer, default=None)
    current_since: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    exam: Mapped[Exam] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def score_share(self) -> float:
        """The share of the form scored, 0..1: points (partial credit included) over the
        question count; an attempt graded before points existed counts its right answers."""
        points = self.points if self.points is not None else (self.correct_count or 0)
        return points / self.question_count if self.question_count else 0.0

    @property
    def is_full_mock(self) -> bool:
        """A whole mock of the blueprint: judged pass/fail; custom and short sets are not."""
        return self.custom is None and self.question_count >= self.exam.question_count

    __table_args__ = (
        Index("ix_exam_attempts_user_exam_started", "user_id", "exam_id", "started_at"),
        # At most one open timed exam per user and blueprint.
        Index(
            "uq_exam_attempts_one_open_exam",
            "user_id",
            "exam_id",
            unique=True,
            sqlite_where=text("status = 'open' AND mode = 'exam'"),
            postgresql_where=text("status = 'open' AND mode = 'exam'"),
        ),
    )


class AttemptQuestion(Base):
    """A question as placed in an attempt: its shuffled option order and the user's answer."""

    __tablename__ = "attempt_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    option_order: Mapped[list[str]] = mapped_column(JSON)
    chosen: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    correct: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # 0..1 by the exam's scoring rule for the item's kind (correct means score 1).
    score: Mapped[float | None] = mapped_column(Float, default=None)
    # No longer open to answers or visits: an answered yes/no solution once left, or a
    # case-study section once left in an exam whose case studies lock.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    time_spent_ms: Mapped[int] = mapped_column(Integer, default=0)

    attempt: Mapped[ExamAttempt] = relationship(back_populates="questions")
    item: Mapped[Item] = relationship()

    __table_args__ = (
        Index("uq_attempt_questions_attempt_position", "attempt_id", "position", unique=True),
        Index("uq_attempt_questions_attempt_item", "attempt_id", "item_id", unique=True),
    )
