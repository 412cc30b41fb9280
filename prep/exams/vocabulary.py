"""The words generation and attempts share: modes, sources, refusals, scoring rules, and an
exam's item kinds as its exam file configures them (``Exam.kinds``, decks/README.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from prep.models import MATCHING, ORDERING, Exam


class ExamUnavailable(ValueError):
    """The attempt cannot be made or changed as asked; the message says why (a 409)."""


class BadAnswer(ValueError):
    """An answer that does not fit the question (a 422)."""


class Mode(StrEnum):
    """How an attempt runs; stored as its text in ``ExamAttempt.mode``."""

    EXAM = "exam"  # timed to the blueprint's pace, no feedback until the end
    PRACTICE = "practice"  # each answer checked at once; timed only when asked

    @classmethod
    def parse(cls, value: str | None) -> Mode:
        """The mode named ``value``; ExamUnavailable for anything else."""
        return _parse(cls, value, "Choose exam mode or practice mode.")


class Source(StrEnum):
    """Which items a custom quiz draws from."""

    ALL = "all"
    MISSED = "missed"  # answered wrongly in a graded attempt
    FLAGGED = "flagged"  # flagged in an attempt or in review

    @classmethod
    def parse(cls, value: str | None) -> Source:
        """The source named ``value``; ExamUnavailable for anything else."""
        return _parse(cls, value, "Choose all questions, missed ones or flagged ones.")


_Choice = TypeVar("_Choice", bound=StrEnum)


def _parse(enum: type[_Choice], value: str | None, refusal: str) -> _Choice:
    try:
        return enum(value or "")
    except ValueError:
        raise ExamUnavailable(refusal) from None


class ScoringRule(StrEnum):
    """How an ordering or matching item scores (single choice and yes/no: always exact)."""

    ALL_OR_NOTHING = "all-or-nothing"  # AWS: every step or pair must be right
    PARTIAL = "partial"  # the share of steps in place, or of prompts matched


# The keys of an exam file's ``kinds`` mapping.
CASE_STUDY, YES_NO = "case-study", "yes-no"


@dataclass(frozen=True)
class FormKinds:
    """What a form of an exam holds beyond single and multiple choice, and how it scores.

    Counts are per full form: ``ordering`` and ``matching`` items, whole case-study sets and
    whole yes/no series. Read from ``Exam.kinds`` (None: none of them, as PMLE).
    """

    ordering: int = 0
    matching: int = 0
    case_sets: int = 0
    series_sets: int = 0
    case_locks: bool = False  # the case-study section locks once left (Microsoft)
    rules: dict[str, ScoringRule] = field(default_factory=dict)  # by item kind

    @classmethod
    def of(cls, exam: Exam) -> FormKinds:
        """The exam's configured kinds (an absent or partial mapping means none of those)."""
        kinds: dict[str, Any] = exam.kinds or {}

        def setting(name: str, key: str, default: Any) -> Any:
            return (kinds.get(name) or {}).get(key, default)

        return cls(
            ordering=int(setting(ORDERING, "per_form", 0)),
            matching=int(setting(MATCHING, "per_form", 0)),
            case_sets=int(setting(CASE_STUDY, "sets", 0)),
            series_sets=int(setting(YES_NO, "sets", 0)),
            case_locks=bool(setting(CASE_STUDY, "locks", False)),
            rules={kind: ScoringRule(setting(kind, "scoring", ScoringRule.ALL_OR_NOTHING))
                   for kind in (ORDERING, MATCHING)},
        )

    @property
    def any(self) -> bool:
        """Whether a form draws any of these kinds."""
        return bool(self.ordering or self.matching or self.case_sets or self.series_sets)

    def rule(self, kind: str) -> ScoringRule:
        """The scoring rule of an item kind (all-or-nothing unless the exam says partial)."""
        return self.rules.get(kind, ScoringRule.ALL_OR_NOTHING)

    def scaled(self, share: float) -> FormKinds:
        """The counts for a quiz of ``share`` of a full form (rounded half up; rules kept)."""
        def part(count: int) -> int:
            return math.floor(count * share + 0.5)

        return FormKinds(
            ordering=part(self.ordering), matching=part(self.matching),
            case_sets=part(self.case_sets), series_sets=part(self.series_sets),
            case_locks=self.case_locks, rules=self.rules)
