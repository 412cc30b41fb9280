"""What a deck folder holds once parsed: tracks, exam blueprints, decks and items."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from prep.decks.source import Fault

# "practice": a blueprint of prep's own that belongs to no certification (e.g. the
# foundations track): studied and used for mocks, but no pass/fail as a certificate.
EXAM_STATUSES = ("active", "retiring", "retired", "closed", "practice")


@dataclass
class TrackSpec:
    """A track folder's ``track.yaml``."""

    id: str
    name: str
    vendor: str
    position: int
    description: str
    primary_exam: str
    path: str
    line: int
    targets: dict[str, int] = field(default_factory=dict)  # minimum flashcards / questions


@dataclass
class DomainSpec:
    """One domain of an exam blueprint; ``weight`` is normalised so an exam's sum is 100."""

    number: int
    name: str
    weight: float
    weight_low: float | None = None
    weight_high: float | None = None
    topics: list[str] = field(default_factory=list)


@dataclass
class ExamSpec:
    """An ``<exam>.exam.yaml`` file."""

    id: str
    track: str
    code: str
    name: str
    vendor: str
    guide_version: str
    status: str
    retired_on: date | None
    successor: str | None
    successor_note: str | None
    questions: int
    scored_questions: int | None
    minutes: int
    multiple_response: bool
    item_types: list[str]
    scoring_kind: str
    scale_min: int | None
    scale_max: int | None
    pass_mark: float
    unverified: list[str]
    domains: list[DomainSpec]
    path: str
    line: int
    is_primary: bool = False
    status_note: str | None = None  # e.g. "beta until ...": shown beside the status


@dataclass
class DeckSpec:
    """A topic file's header: the deck it defines."""

    track: str
    key: str
    title: str
    description: str
    path: str
    line: int

    @property
    def slug(self) -> str:
        """The deck's unique name across tracks: ``<track>/<deck>``."""
        return f"{self.track}/{self.key}"


@dataclass
class OptionSpec:
    """One answer option of a question."""

    key: str
    text: str
    explanation: str


@dataclass
class ItemSpec:
    """A flashcard or exam question as written in a topic file."""

    uid: str
    deck_slug: str
    kind: str
    prompt: str
    answer_text: str | None
    options: list[OptionSpec] | None
    correct: list[str] | None
    reference: str | None
    image: str | None
    tags: list[str]
    domains: dict[str, int]
    path: str
    line: int
    checked: str | None = None  # "YYYY-MM": when the facts were last checked (not content)

    def content(self) -> dict[str, object]:
        """Everything that, when changed, makes the item's note change."""
        return {
            "deck": self.deck_slug,
            "kind": self.kind,
            "prompt": self.prompt,
            "answer_text": self.answer_text,
            "options": [vars(option) for option in self.options] if self.options else None,
            "correct": self.correct,
            "reference": self.reference,
            "image": self.image,
            "tags": self.tags,
            "domains": dict(sorted(self.domains.items())),
        }

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the item's content, the sync's test for "changed"."""
        blob = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class DeckBundle:
    """Everything read from a decks folder, with every fault found."""

    root: Path
    tracks: list[TrackSpec] = field(default_factory=list)
    exams: list[ExamSpec] = field(default_factory=list)
    decks: list[DeckSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    files: int = 0
    today: date | None = None  # the day ``checked`` months were validated against

    @property
    def ok(self) -> bool:
        """True when no fault was found."""
        return not self.faults

    def summary(self) -> str:
        """One line: what the folder holds."""
        cards = sum(item.kind == "card" for item in self.items)
        questions = len(self.items) - cards
        return (
            f"{self.files} files: {len(self.tracks)} tracks, {len(self.exams)} exams, "
            f"{len(self.decks)} decks, {cards} flashcards, {questions} questions"
        )
