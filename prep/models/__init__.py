"""Persistence layer: SQLAlchemy 2.0 typed models of prep."""

from prep.models.accounts import Enrollment, User
from prep.models.anki import AnkiLink
from prep.models.base import Base, UTCDateTime
from prep.models.content import (
    CARD,
    QUESTION,
    ContentVersion,
    Deck,
    Exam,
    ExamDomain,
    Item,
    ItemDomain,
    Track,
)
from prep.models.exams import GRADED, OPEN, AttemptQuestion, ExamAttempt
from prep.models.reports import REASONS, ItemReport
from prep.models.skills import Credential, SkillsAnswer, SkillsCheck
from prep.models.study import LEARNING, NEW, RELEARNING, REVIEW, Card, CardAction, ReviewLog

__all__ = [
    "CARD",
    "GRADED",
    "LEARNING",
    "NEW",
    "OPEN",
    "QUESTION",
    "REASONS",
    "RELEARNING",
    "REVIEW",
    "AnkiLink",
    "AttemptQuestion",
    "Base",
    "Card",
    "CardAction",
    "ContentVersion",
    "Credential",
    "Deck",
    "Enrollment",
    "Exam",
    "ExamAttempt",
    "ExamDomain",
    "Item",
    "ItemDomain",
    "ItemReport",
    "ReviewLog",
    "SkillsAnswer",
    "SkillsCheck",
    "Track",
    "UTCDateTime",
    "User",
]
