"""The advisor's plan: foundation decks first, an exam date the user's daily time allows.

The date is the shortest of a few spans (4 weeks to a year) whose simulated daily load
fits the user's daily minutes: FSRS's simulator (``prep.insight.simulation``) learns the
chosen tracks' flashcards at the new-card rate that introduces them all a week before the
date, at the user's retention, parameters and steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.insight.simulation import Workload, learning_load
from prep.models import Deck, Enrollment, Exam, ExamDomain, Item, ItemDomain, User
from prep.skills.advisor import FOUNDATIONS, Advice, ExamFacts, Profile, recommend
from prep.skills.check import latest_levels
from prep.study.enrollment import set_tracks, track_flashcards
from prep.study.exam_window import keep_exam_plans

SPANS_WEEKS = (4, 6, 8, 10, 12, 16, 20, 26, 39, 52)
LAST_WEEK = 7  # days before the exam with no new cards: review only
MINUTES_RANGE = (5, 600)


@dataclass(frozen=True)
class StudyPlan:
    """An exam date with the daily load the simulator expects before it."""

    exam_date: date
    days: int
    cards: int
    new_per_day: int
    workload: Workload
    fits: bool  # False when even a year asks more than the daily minutes

    @property
    def mean_minutes(self) -> float:
        """Average simulated minutes a day until the exam."""
        return self.workload.mean_minutes

    @property
    def peak_minutes(self) -> float:
        """The busiest simulated day, in minutes."""
        return max(self.workload.minutes_per_day)


def new_per_day(cards: int, days: int) -> int:
    """New cards a day to introduce ``cards`` by ``LAST_WEEK`` days before the date."""
    return max(1, math.ceil(cards / max(1, days - LAST_WEEK)))


def plan_exam(session: Session, user: User, track_ids: list[str], daily_minutes: int,
              today: date) -> StudyPlan:
    """The earliest exam date whose simulated daily load fits ``daily_minutes``."""
    if not MINUTES_RANGE[0] <= daily_minutes <= MINUTES_RANGE[1]:
        raise ValueError(f"Daily minutes must be between {MINUTES_RANGE[0]} and "
                         f"{MINUTES_RANGE[1]}.")
    cards = sum(len(track_flashcards(session, track)) for track in track_ids)
    plan = None
    for weeks in SPANS_WEEKS:
        days = weeks * 7
        rate = new_per_day(cards, days)
        load = learning_load(user, cards, days, rate)
        plan = StudyPlan(today + timedelta(days=days), days, cards, rate, load,
                         fits=load.mean_minutes <= daily_minutes)
        if plan.fits:
            return plan
    assert plan is not None  # SPANS_WEEKS is not empty: the longest span is the answer
    return plan


def foundation_decks(session: Session, area_keys: list[str]) -> list[Deck]:
    """For each foundations area (``foundations:<n>``), the deck serving it most, in order."""
    decks: list[Deck] = []
    for key in area_keys:
        number = int(key.split(":", 1)[1])
        row = session.execute(
            select(Deck, func.count(Item.id).label("n"))
            .join(Item, Item.deck_id == Deck.id)
            .join(ItemDomain, ItemDomain.item_id == Item.id)
            .join(ExamDomain, ExamDomain.id == ItemDomain.domain_id)
            .where(Deck.track_id == FOUNDATIONS, Deck.owner_id.is_(None),
                   ExamDomain.exam_id == FOUNDATIONS, ExamDomain.number == number,
                   Item.retired_at.is_(None))
            .group_by(Deck.id).order_by(func.count(Item.id).desc(), Deck.id).limit(1)
        ).first()
        if row is not None and row[0] not in decks:
            decks.append(row[0])
    return decks


def apply_plan(session: Session, user: User, track_ids: list[str], goal_track: str | None,
               exam_date: date | None, now: datetime) -> None:
    """Add the plan's tracks to those the user studies and set the goal track's exam date."""
    current = [enrollment.track_id for enrollment in user.enrollments]
    set_tracks(session, user, set(current) | set(track_ids), now)
    if goal_track is not None:
        enrollment = session.get(Enrollment, (user.id, goal_track))
        if enrollment is not None:
            enrollment.exam_date = exam_date
    session.flush()
    keep_exam_plans(session, user, now)


@dataclass
class Recommendation:
    """The advice with its plan and the foundation decks to study first."""

    advice: Advice
    plan: StudyPlan | None
    decks: list[Deck]


def advise(session: Session, user: User, profile: Profile, daily_minutes: int,
           today: date) -> Recommendation:
    """Advice from the loaded exams and the latest skills check, with its plan."""
    exams = [ExamFacts.from_row(exam) for exam in session.scalars(select(Exam).order_by(Exam.id))]
    levels = latest_levels(session, user)
    advice = recommend(profile, exams, levels)
    plan = plan_exam(session, user, advice.tracks, daily_minutes, today) if advice.goal else None
    areas = advice.foundation_areas or ([f"{FOUNDATIONS}:{n}" for n in range(1, 4)]
                                        if advice.foundations_first else [])
    return Recommendation(advice, plan, foundation_decks(session, areas))
