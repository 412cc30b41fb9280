"""Persistence layer: SQLAlchemy 2.0 typed models of prep."""

from prep.models.accounts import Enrollment, User
from prep.models.anki import AnkiLink
from prep.models.base import Base, UTCDateTime
from prep.models.content import (
    ANSWERABLE_KINDS,
    CARD,
    CASE,
    GROUP_KINDS,
    MATCHING,
    ORDERING,
    QUESTION,
    SERIES,
    YESNO,
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
from prep.models.study import Card, CardAction, CardState, CardTag, Rating, ReviewLog

__all__ = [
    "ANSWERABLE_KINDS",
    "CARD",
    "CASE",
    "GRADED",
    "GROUP_KINDS",
    "MATCHING",
    "OPEN",
    "ORDERING",
    "QUESTION",
    "REASONS",
    "SERIES",
    "YESNO",
    "AnkiLink",
    "AttemptQuestion",
    "Base",
    "Card",
    "CardAction",
    "CardState",
    "CardTag",
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
    "Rating",
    "ReviewLog",
    "SkillsAnswer",
    "SkillsCheck",
    "Track",
    "UTCDateTime",
    "User",
]
