"""Everything the dashboard shows, gathered for one user at one moment (no Flask)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prep.exams.readiness import DomainReadiness, attempt_history, pass_fraction, readiness
from prep.insight.exam_plan import ExamPlan, exam_plan
from prep.insight.statistics import (
    DayCount,
    Retention,
    StudyTime,
    due_forecast,
    review_heatmap,
    streak,
    time_studied,
    true_retention,
)
from prep.models import Enrollment, Exam, ExamAttempt, Track, User
from prep.study.queue import QueueCounts, build_queue

HEAT_LEVELS = 4


@dataclass(frozen=True)
class TrackInsight:
    """One studied track: its exam date, readiness per domain and recent exam scores."""

    track: Track
    exam: Exam | None
    exam_date: date | None
    readiness: list[DomainReadiness]
    pass_fraction: float | None
    history: list[ExamAttempt]
    plan: ExamPlan | None  # the exam window, until the exam has passed


@dataclass(frozen=True)
class Dashboard:
    """The user's study at a glance."""

    due: QueueCounts
    streak: int
    heatmap: list[DayCount]
    forecast: list[DayCount]
    retention: list[Retention]
    time: list[StudyTime]
    desired_retention: float
    tracks: list[TrackInsight]

    @cached_property
    def heat_max(self) -> int:
        return max((day.count for day in self.heatmap), default=0)

    def heat_level(self, count: int) -> int:
        """0 for no reviews, else 1..HEAT_LEVELS relative to the busiest day."""
        if count == 0 or self.heat_max == 0:
            return 0
        return max(1, min(HEAT_LEVELS, -(-count * HEAT_LEVELS // self.heat_max)))

    @property
    def total_reviews(self) -> int:
        return sum(day.count for day in self.heatmap)

    @property
    def forecast_max(self) -> int:
        return max((day.count for day in self.forecast), default=0)


def track_insights(session: Session, user: User, now: datetime) -> list[TrackInsight]:
    """Readiness and exam history for each track the user studies, in display order."""
    enrollments = session.scalars(
        select(Enrollment).join(Track, Track.id == Enrollment.track_id)
        .where(Enrollment.user_id == user.id)
        .options(selectinload(Enrollment.track).selectinload(Track.exams)
                 .selectinload(Exam.domains))
        .order_by(Track.position, Track.id)
    ).all()
    insights = []
    for enrollment in enrollments:
        track = enrollment.track
        exams = list(track.exams)
        exam = next((e for e in exams if e.is_primary), exams[0] if exams else None)
        insights.append(TrackInsight(
            track=track, exam=exam, exam_date=enrollment.exam_date,
            readiness=readiness(session, user, exam, now) if exam else [],
            pass_fraction=pass_fraction(exam) if exam else None,
            history=attempt_history(session, user, exam) if exam else [],
            plan=_plan(session, user, enrollment, now),
        ))
    return insights


def _plan(session: Session, user: User, enrollment: Enrollment, now: datetime) -> ExamPlan | None:
    if enrollment.exam_date is None:
        return None
    plan = exam_plan(session, user, enrollment, now)
    return None if plan.status == "past" else plan


def dashboard(session: Session, user: User, now: datetime) -> Dashboard:
    """Gather the dashboard: a handful of aggregate queries, none per review."""
    heatmap = review_heatmap(session, user, now)
    return Dashboard(
        due=build_queue(session, user, now).counts,
        streak=streak(session, user, now, heatmap),
        heatmap=heatmap,
        forecast=due_forecast(session, user, now),
        retention=true_retention(session, user, now),
        time=time_studied(session, user, now),
        desired_retention=user.desired_retention,
        tracks=track_insights(session, user, now),
    )
