"""Scoring the skills check: points per answer, a level per area, and when an area may stop.

Honest scoring: a right answer earns 1 point, "I don't know" 0, and a wrong answer loses
1/(k-1) for a question of k options, so that guessing at random earns on average exactly
what "I don't know" earns (formula scoring). An area's score is its points per question
asked, floored at 0.

Early stop (documented rule): an area asks at most ``AREA_MAX`` questions; after
``AREA_MIN`` answers that are all right, or all wrong or unknown, the result is clear and
the area stops. Otherwise it asks up to ``AREA_MAX``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

STRONG, WORKING, GAP = "strong", "working", "gap"
LEVELS = (STRONG, WORKING, GAP)
AREA_MIN = 2  # answers after which a unanimous area stops
AREA_MAX = 3  # questions an area asks at most
STRONG_AT = Fraction(3, 4)  # score from which an area is strong
WORKING_AT = Fraction(2, 5)  # score from which an area is working (below: a gap)


@dataclass(frozen=True)
class Answer:
    """One answer as scoring sees it: right or not, known or "I don't know", option count."""

    correct: bool
    known: bool
    options: int

    def __post_init__(self) -> None:
        if self.options < 2:
            raise ValueError("a question needs at least two options")
        if self.correct and not self.known:
            raise ValueError("an unknown answer cannot be right")


def points(answer: Answer) -> Fraction:
    """1 for right, 0 for "I don't know", -1/(k-1) for wrong (a guess earns 0 on average)."""
    if answer.correct:
        return Fraction(1)
    if not answer.known:
        return Fraction(0)
    return Fraction(-1, answer.options - 1)


def area_score(answers: Sequence[Answer]) -> Fraction:
    """Points per question asked, floored at 0; 0 when nothing was asked."""
    if not answers:
        return Fraction(0)
    return max(Fraction(0), sum((points(a) for a in answers), Fraction(0)) / len(answers))


def level_of(score: Fraction) -> str:
    """strong, working or gap for an area's score."""
    if score >= STRONG_AT:
        return STRONG
    return WORKING if score >= WORKING_AT else GAP


def area_done(answers: Sequence[Answer]) -> bool:
    """Whether an area asks no more: at its maximum, or unanimous after ``AREA_MIN``."""
    if len(answers) >= AREA_MAX:
        return True
    if len(answers) < AREA_MIN:
        return False
    rights = sum(answer.correct for answer in answers)
    return rights in (0, len(answers))


@dataclass(frozen=True)
class AreaResult:
    """An area's outcome: its level, score (0..1) and how many questions it asked."""

    level: str
    score: float
    asked: int


def area_result(answers: Sequence[Answer]) -> AreaResult:
    """The level, score and count of one area's answers."""
    score = area_score(answers)
    return AreaResult(level_of(score), float(score), len(answers))
