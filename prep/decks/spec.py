"""What a deck folder holds once parsed: tracks, exam blueprints, decks and items."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from prep.decks.source import Fault
from prep.models.content import ANSWERABLE_KINDS, CARD, CASE, SERIES

# "practice": a blueprint of prep's own that belongs to no certification (e.g. the
# foundations track): studied and used for mocks, but no pass/fail as a certificate.
EXAM_STATUSES = ("active", "retiring", "retired", "closed", "practice")
EXAM_LEVELS = ("foundational", "associate", "professional", "specialty")
# Facts the advisor reads; each one present needs a ``sources`` note or an ``unverified`` entry.
ADVISOR_FACTS = ("level", "recommended_experience", "price_usd", "validity_years", "focus")


@dataclass
class ExperienceSpec:
    """A vendor's recommended hands-on experience: its words and the years it implies."""

    text: str
    years: float


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
    level: str | None = None
    recommended_experience: ExperienceSpec | None = None
    price_usd: float | None = None
    validity_years: int | None = None
    focus: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # fact -> where it comes from
    # The file's ``kinds`` with defaults filled in (decks/README.md), None when absent:
    # e.g. {"ordering": {"per_form": 3, "scoring": "all-or-nothing"}, "case-study":
    # {"sets": 1, "locks": False}, "yes-no": {"sets": 2}}.
    kinds: dict[str, dict[str, Any]] | None = None
    kinds_lines: dict[str, int] = field(default_factory=dict)  # kind -> its line in the file

    def facts(self) -> dict[str, object]:
        """The advisor's facts as stored on the exam row (JSON)."""
        experience = self.recommended_experience
        return {
            "level": self.level, "price_usd": self.price_usd,
            "validity_years": self.validity_years, "focus": self.focus,
            "recommended_experience": vars(experience) if experience else None,
            "sources": self.sources,
        }


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
    """A keyed text and its explanation: a question's option, an ordering's step, a
    matching item's answer or prompt, a yes/no answer ("" where nothing explains it)."""

    key: str
    text: str
    explanation: str


def stored_options(options: list[OptionSpec] | None) -> list[dict[str, str]] | None:
    """Options (or prompts) as ``Item`` stores them: [{"key", "text", "explanation"}]."""
    return [vars(option) for option in options] if options else None


@dataclass
class ItemSpec:
    """A flashcard, exam item or group (case study, yes/no series) as written in a topic file.

    Members of a group are items of their own (nested in the file) with ``group`` set.
    """

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
    prompts: list[OptionSpec] | None = None  # matching: keys "1".., in authored order
    explanation: str | None = None  # of the correct answer as a whole
    group: ItemSpec | None = field(default=None, repr=False)  # the case or series
    group_position: int | None = None  # 1-based place in the group

    def content(self) -> dict[str, object]:
        """Everything that, when changed, makes the item's note change (a member's note
        shows its group's scenario or goal, so that is part of the member's content)."""
        content: dict[str, object] = {
            "deck": self.deck_slug,
            "kind": self.kind,
            "prompt": self.prompt,
            "answer_text": self.answer_text,
            "options": stored_options(self.options),
            "correct": self.correct,
            "reference": self.reference,
            "image": self.image,
            "tags": self.tags,
            "domains": dict(sorted(self.domains.items())),
        }
        group = self.group
        newer: dict[str, object] = {
            "prompts": stored_options(self.prompts),
            "explanation": self.explanation,
            "group": None if group is None else {
                "uid": group.uid, "kind": group.kind, "position": self.group_position,
                "prompt": group.prompt, "title": group.answer_text, "image": group.image,
            },
        }
        # Only when set: items of the first two kinds keep the hashes they always had.
        content.update((key, value) for key, value in newer.items() if value is not None)
        return content

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
        kinds = Counter(item.kind for item in self.items)
        questions = sum(kinds[kind] for kind in ANSWERABLE_KINDS)
        groups = "".join(f", {kinds[kind]} {label}"
                         for kind, label in ((CASE, "case studies"), (SERIES, "yes/no series"))
                         if kinds[kind])
        return (
            f"{self.files} files: {len(self.tracks)} tracks, {len(self.exams)} exams, "
            f"{len(self.decks)} decks, {kinds[CARD]} flashcards, {questions} questions{groups}"
        )
