"""User accounts, their review settings and the tracks they study."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prep.models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from prep.models.content import Track

DEFAULT_LEARNING_STEPS = [60, 600]  # seconds: 1m 10m, as in Anki
DEFAULT_RELEARNING_STEPS = [600]  # seconds: 10m


class User(Base):
    """A person with an account; every study record hangs off a user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the login cookie; replaced on logout so that old cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Review settings (FSRS and daily limits); defaults follow Anki's.
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    new_per_day: Mapped[int] = mapped_column(Integer, default=20)
    reviews_per_day: Mapped[int] = mapped_column(Integer, default=200)
    learning_steps: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_LEARNING_STEPS)
    )
    relearning_steps: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_RELEARNING_STEPS)
    )
    maximum_interval: Mapped[int] = mapped_column(Integer, default=36500)
    day_start_hour: Mapped[int] = mapped_column(Integer, default=4)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    fsrs_parameters: Mapped[list[float] | None] = mapped_column(JSON, default=None)
    # New cards: "mixed" across the studied decks (interleaved) or in "deck" order.
    new_card_order: Mapped[str] = mapped_column(String(16), default="mixed",
                                                server_default="mixed")
    # "Study more today" (Anki's custom study): extra new cards and days of reviews ahead,
    # valid only on the study day that starts at ``study_more_day``; settings stay as they are.
    study_more_day: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    extra_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    review_ahead_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Enrollment(Base):
    """A track a user studies: only enrolled tracks feed the review queue."""

    __tablename__ = "enrollments"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    track_id: Mapped[str] = mapped_column(ForeignKey("tracks.id"), primary_key=True)
    exam_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="enrollments")
    track: Mapped[Track] = relationship()
