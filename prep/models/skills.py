"""The skills check (a diagnostic across areas) and the credentials a user holds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prep.models.base import Base, UTCDateTime
from prep.models.content import Exam, Item


class SkillsCheck(Base):
    """One sitting of the skills check: its planned questions per area and, once done, results."""

    __tablename__ = "skills_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # [{"key": "foundations:1", "name": ..., "items": [item ids in asking order]}, ...]
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # {area key: {"level": strong|working|gap, "score": 0..1, "asked": n}} once finished.
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    answers: Mapped[list[SkillsAnswer]] = relationship(
        back_populates="check", order_by="SkillsAnswer.position", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_skills_checks_user_started", "user_id", "started_at"),)


class SkillsAnswer(Base):
    """One answered question of a skills check; ``chosen`` is None for "I don't know"."""

    __tablename__ = "skills_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("skills_checks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    chosen: Mapped[str | None] = mapped_column(String(16), default=None)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    check: Mapped[SkillsCheck] = relationship(back_populates="answers")
    item: Mapped[Item] = relationship()

    __table_args__ = (
        # A retried or concurrent submission of the same question cannot count twice.
        Index("uq_skills_answers_check_item", "check_id", "item_id", unique=True),
        Index("uq_skills_answers_check_position", "check_id", "position", unique=True),
    )


class Credential(Base):
    """A certification the user holds: which exam, when passed, and an expiry if they know it."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exam_id: Mapped[str] = mapped_column(ForeignKey("exams.id"))
    passed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)  # as the user gave it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    exam: Mapped[Exam] = relationship()

    __table_args__ = (
        Index("uq_credentials_user_exam_passed", "user_id", "exam_id", "passed_on", unique=True),
    )
