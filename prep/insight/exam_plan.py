"""The exam plan of a track: its exam window's cards per day, unseen and new counts.

The window itself, and the moving of cards into it, is ``prep.study.exam_window``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from prep.insight.statistics import DayCount
from prep.models import Card, CardState, Enrollment, User
from prep.study.days import day_bounds, today
from prep.study.exam_window import studied, track_cards, window


@dataclass(frozen=True)
class ExamPlan:
    """The exam window of one track and how its cards are spread over it."""

    track_id: str
    exam_date: date
    first_day: date  # the window: first_day .. exam_date - 1
    days: list[DayCount]  # the track's cards due on each window day (the first has overdue)
    unseen: int  # studied cards not answered since the window opened
    new: int  # cards never studied
    status: str  # "upcoming", "active" or "past"

    @property
    def new_per_day_needed(self) -> int:
        """New cards a day that would show every new card before the exam."""
        return math.ceil(self.new / max(1, len(self.days)))


def exam_plan(session: Session, user: User, enrollment: Enrollment, now: datetime) -> ExamPlan:
    """The window of ``enrollment``'s exam: cards due per day, unseen and new counts."""
    exam_date = enrollment.exam_date
    if exam_date is None:
        raise ValueError("exam_plan needs an enrolment with an exam date")
    first, last = window(exam_date)
    current = today(user, now)
    status = "upcoming" if current < first else "active" if current <= last else "past"
    start = max(first, current)
    track = track_cards(user, enrollment.track_id)
    days: list[DayCount] = []
    if start <= last:
        bounds = day_bounds(user, start, (last - start).days + 1)
        row = session.execute(select(*(
            select(func.count()).select_from(Card)
            .where(*track, studied(), Card.due < bounds[i + 1],
                   *(() if i == 0 else (Card.due >= bounds[i],)))
            .scalar_subquery()
            for i in range(len(bounds) - 1)
        ))).one()
        days = [DayCount(start + timedelta(days=i), int(n)) for i, n in enumerate(row)]
    window_start = day_bounds(user, first, 0)[0]
    unseen = session.scalar(select(func.count()).select_from(Card).where(
        *track, studied(), or_(Card.last_review.is_(None), Card.last_review < window_start)))
    new = session.scalar(select(func.count()).select_from(Card)
                         .where(*track, Card.state == CardState.NEW))
    return ExamPlan(track_id=enrollment.track_id, exam_date=exam_date, first_day=first,
                    days=days, unseen=int(unseen or 0), new=int(new or 0), status=status)


