"""The Today page: per studied track what is due, the exam countdown with the new-card rate
that meets it, the next mock exam to take, and the last one's score (no Flask)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import Session

from prep.exams.readiness import DomainReadiness
from prep.insight.dashboard import track_insights
from prep.models import (
    GRADED,
    Card,
    CardState,
    Deck,
    Exam,
    ExamAttempt,
    Item,
    Track,
    User,
)
from prep.study.days import today, user_day
from prep.study.queue import QueueCounts, build_queue

FULL_MOCK_EVERY = timedelta(days=7)  # suggest a full mock when none was taken in a week
QUIZ_SIZE = 10


@dataclass(frozen=True)
class MockSuggestion:
    """The mock exam to take next: a full one, or a quiz on the weakest domain."""

    exam: Exam
    kind: str  # "full" or "custom"
    reason: str
    domain: DomainReadiness | None = None


@dataclass
class TrackToday:
    """One studied track on the Today page."""

    track: Track
    exam: Exam | None
    due: QueueCounts  # before the daily limits, which all tracks share
    new_left: int  # cards of the track never studied
    exam_date: date | None
    days_left: int | None  # study days before the exam (the exam day not counted)
    last_attempt: ExamAttempt | None
    suggestion: MockSuggestion | None

    @property
    def new_per_day_needed(self) -> int | None:
        """New cards a day that show every new card of the track before the exam."""
        if self.days_left is None or self.days_left <= 0 or not self.new_left:
            return None
        return math.ceil(self.new_left / self.days_left)


@dataclass
class Today:
    """What the Today page shows."""

    queue: QueueCounts  # what the review queue holds now, limits applied
    new_per_day: int
    tracks: list[TrackToday] = field(default_factory=list)

    @property
    def plan_rate(self) -> int | None:
        """The new-card limit that meets every exam date (tracks share one limit)."""
        rates = [t.new_per_day_needed for t in self.tracks if t.new_per_day_needed]
        return sum(rates) if rates else None


def due_by_track(session: Session, user: User, now: datetime) -> dict[str | None, QueueCounts]:
    """Cards due today per track (None: the user's own decks), before the daily limits."""
    day_end = user_day(user, now).end
    rows = session.execute(
        select(Deck.track_id, Card.state, func.count())
        .select_from(Card).join(Item, Item.id == Card.item_id).join(Deck, Deck.id == Item.deck_id)
        .where(Card.user_id == user.id, Card.active == true(), Card.suspended == false(),
               or_(Card.buried_until.is_(None), Card.buried_until <= now),
               or_(Card.state == CardState.NEW, Card.due < day_end))
        .group_by(Deck.track_id, Card.state)
    ).all()
    counts: dict[str | None, dict[str, int]] = {}
    kinds: dict[int, str] = {CardState.NEW: "new", CardState.LEARNING: "learning",
             CardState.RELEARNING: "learning", CardState.REVIEW: "review"}
    for track_id, state, count in rows:
        track = counts.setdefault(track_id, {"new": 0, "learning": 0, "review": 0})
        track[kinds[state]] += count
    return {track_id: QueueCounts(**values) for track_id, values in counts.items()}


def last_attempt(session: Session, user: User, exam: Exam) -> ExamAttempt | None:
    """The user's latest graded attempt of ``exam``."""
    return session.scalar(
        select(ExamAttempt)
        .where(ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id,
               ExamAttempt.status == GRADED)
        .order_by(ExamAttempt.submitted_at.desc(), ExamAttempt.id.desc()).limit(1))


def suggest_mock(session: Session, user: User, exam: Exam, ready: list[DomainReadiness],
                 now: datetime) -> MockSuggestion:
    """A full mock when none was taken in a week; otherwise a quiz on the weakest domain."""
    # ``custom`` is JSON (a missing one may be stored as JSON null): told apart in Python.
    latest_full = next((attempt.submitted_at for attempt in session.scalars(
        select(ExamAttempt)
        .where(ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id,
               ExamAttempt.status == GRADED, ExamAttempt.mode == "exam")
        .order_by(ExamAttempt.submitted_at.desc()).limit(20)) if not attempt.custom), None)
    if latest_full is None:
        return MockSuggestion(exam, "full", "You have not taken a full mock exam yet.")
    if now - latest_full >= FULL_MOCK_EVERY:
        return MockSuggestion(exam, "full", "Your last full mock was a week ago or more.")

    def weakness(domain: DomainReadiness) -> float:
        scores = [s for s in (domain.exam_accuracy, domain.memory) if s is not None]
        return min(scores) if scores else 0.0

    weakest = min(ready, key=weakness, default=None)
    if weakest is None:
        return MockSuggestion(exam, "full", "A full mock shows where you stand.")
    return MockSuggestion(exam, "custom", f"Your weakest domain is {weakest.domain.name}.",
                          weakest)


def today_view(session: Session, user: User, now: datetime) -> Today:
    """Gather the Today page for ``user`` at ``now``."""
    queue = build_queue(session, user, now).counts
    due = due_by_track(session, user, now)
    current = today(user, now)
    new_left = dict(session.execute(
        select(Deck.track_id, func.count())
        .select_from(Card).join(Item, Item.id == Card.item_id).join(Deck, Deck.id == Item.deck_id)
        .where(Card.user_id == user.id, Card.active == true(), Card.suspended == false(),
               Card.state == CardState.NEW)
        .group_by(Deck.track_id)).all())
    tracks = []
    for insight in track_insights(session, user, now):
        exam, exam_date = insight.exam, insight.exam_date
        days_left = (exam_date - current).days if exam_date is not None else None
        tracks.append(TrackToday(
            track=insight.track, exam=exam, due=due.get(insight.track.id, QueueCounts(0, 0, 0)),
            new_left=new_left.get(insight.track.id, 0), exam_date=exam_date,
            days_left=days_left,
            last_attempt=last_attempt(session, user, exam) if exam else None,
            suggestion=suggest_mock(session, user, exam, insight.readiness, now)
            if exam else None,
        ))
    return Today(queue=queue, new_per_day=user.new_per_day, tracks=tracks)
