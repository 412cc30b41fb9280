"""Read-side queries over shared content: tracks with their exams, decks and item counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prep.decks.currency import CheckedSummary, summarise_checked
from prep.models import ANSWERABLE_KINDS, CARD, Deck, Enrollment, Exam, Item, Track


@dataclass
class DeckSummary:
    """A deck with its live item counts: flashcards, and items a user answers (a case
    study or yes/no series counts as its questions or solutions, never as one more)."""

    deck: Deck
    cards: int = 0
    questions: int = 0


@dataclass
class TrackSummary:
    """A track as the home and track pages show it."""

    track: Track
    exams: list[Exam]
    decks: list[DeckSummary] = field(default_factory=list)
    enrolled: bool = False
    checked: CheckedSummary | None = None  # how current the live shared items' facts are

    @property
    def primary_exam(self) -> Exam | None:
        """The exam the track prepares for (the first one if none is marked)."""
        return next((exam for exam in self.exams if exam.is_primary), None) or (
            self.exams[0] if self.exams else None
        )

    @property
    def cards(self) -> int:
        return sum(deck.cards for deck in self.decks)

    @property
    def questions(self) -> int:
        return sum(deck.questions for deck in self.decks)


def track_summaries(session: Session, user_id: int | None = None,
                    track_id: str | None = None) -> list[TrackSummary]:
    """Tracks (all, or one) in display order, with exams, live deck counts and enrolment."""
    query = select(Track).options(selectinload(Track.exams).selectinload(Exam.domains))
    if track_id is not None:
        query = query.where(Track.id == track_id)
    tracks = session.scalars(query.order_by(Track.position, Track.id)).all()
    summaries = {track.id: TrackSummary(track, list(track.exams)) for track in tracks}
    counts = session.execute(
        select(Deck, Item.kind, func.count(Item.id))
        .join(Item, Item.deck_id == Deck.id)
        .where(Deck.track_id.in_(list(summaries)), Deck.owner_id.is_(None),
               Deck.retired_at.is_(None), Item.retired_at.is_(None))
        .group_by(Deck.id, Item.kind)
        .order_by(Deck.id)
    ).all()
    decks: dict[int, DeckSummary] = {}
    for deck, kind, count in counts:
        summary = decks.get(deck.id)
        if summary is None:
            summary = decks[deck.id] = DeckSummary(deck)
            summaries[cast(str, deck.track_id)].decks.append(summary)  # shared: the filter
        if kind == CARD:
            summary.cards += count
        elif kind in ANSWERABLE_KINDS:
            summary.questions += count
    months: dict[str, list[str | None]] = {track_id: [] for track_id in summaries}
    for month_track, month, count in session.execute(
        select(Deck.track_id, Item.checked, func.count(Item.id))
        .join(Item, Item.deck_id == Deck.id)
        .where(Deck.track_id.in_(list(summaries)), Deck.owner_id.is_(None),
               Deck.retired_at.is_(None), Item.retired_at.is_(None))
        .group_by(Deck.track_id, Item.checked)
    ):
        months[cast(str, month_track)].extend([month] * count)  # shared: the filter
    for month_track, values in months.items():
        summaries[month_track].checked = summarise_checked(values)
    if user_id is not None:
        enrolled = session.scalars(select(Enrollment.track_id).where(
            Enrollment.user_id == user_id, Enrollment.track_id.in_(list(summaries))))
        for enrolled_id in enrolled:
            summaries[enrolled_id].enrolled = True
    return list(summaries.values())
