""""Study more today" (Anki's custom study): more new cards, or reviews ahead, for the
current study day only; the settings stay as they are and tomorrow is a normal day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from prep.models import User
from prep.study.days import user_day

MAX_EXTRA_NEW = 999
MAX_AHEAD_DAYS = 30


class StudyMoreRefused(ValueError):
    """A number out of range; the message says which."""


def study_more(session: Session, user: User, now: datetime, *, extra_new: int = 0,
               ahead_days: int = 0) -> None:
    """Add ``extra_new`` to today's new-card limit and/or review ``ahead_days`` ahead."""
    if not 0 <= extra_new <= MAX_EXTRA_NEW or not 0 <= ahead_days <= MAX_AHEAD_DAYS:
        raise StudyMoreRefused(f"Add 1 to {MAX_EXTRA_NEW} new cards, or review 1 to "
                               f"{MAX_AHEAD_DAYS} days ahead.")
    if not extra_new and not ahead_days:
        raise StudyMoreRefused("Choose how many new cards to add or how many days ahead.")
    start = user_day(user, now).start
    if user.study_more_day != start:  # a new day: yesterday's extras are gone
        user.study_more_day, user.extra_new, user.review_ahead_days = start, 0, 0
    user.extra_new = min(MAX_EXTRA_NEW, user.extra_new + extra_new)
    user.review_ahead_days = max(user.review_ahead_days, ahead_days)
    session.flush()
