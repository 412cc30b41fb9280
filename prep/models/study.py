"""Per-user study state: FSRS card state and the review log."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prep.models.base import Base, UTCDateTime
from prep.models.content import Item


class CardState(IntEnum):
    """A card's stored state: 0 is "never studied"; 1-3 are ``fsrs.State`` values."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(IntEnum):
    """An answer's stored rating: the values of ``fsrs.Rating``."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Card(Base):
    """One user's scheduling state for one item (the FSRS fields plus queue flags)."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    state: Mapped[int] = mapped_column(Integer, default=CardState.NEW)
    step: Mapped[int | None] = mapped_column(Integer, default=None)
    stability: Mapped[float | None] = mapped_column(Float, default=None)
    difficulty: Mapped[float | None] = mapped_column(Float, default=None)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    # False when the item is retired or the user no longer studies its track. Kept by
    # enrolment and deck sync so that the queue needs no joins (the hot path of a review).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Put in the queue by a missed exam question: stays active whatever tracks the user studies.
    from_exam: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)

    item: Mapped[Item] = relationship()

    __table_args__ = (
        Index("uq_cards_user_item", "user_id", "item_id", unique=True),
        # The queue queries: a user's available cards of one state in (due, id) order;
        # covering, so the daily counts are index-only scans.
        Index("ix_cards_queue", "user_id", "state", "active", "suspended", "due", "id",
              "buried_until"),
    )


class ReviewLog(Base):
    """One answer to a card; ``review_uid`` (client-generated) makes retries no-ops."""

    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    review_uid: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)  # a Rating
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    previous_state: Mapped[int] = mapped_column(Integer)  # the CardState when answered
    # The interval in days the card was scheduled with when answered (Anki's lastIvl); None
    # unless it was in review. True retention counts reviews of mature cards (>= 21 days).
    last_interval: Mapped[int | None] = mapped_column(Integer, default=None)
    # The card's fields before this answer, so that undo restores them exactly.
    state_before: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The Anki revlog id (ms since the epoch) of this answer: set when it was ingested from
    # Anki, or when prep sent it to Anki; so that an answer crosses between them only once.
    anki_revlog_id: Mapped[int | None] = mapped_column(BigInteger, default=None)

    __table_args__ = (
        Index("uq_review_logs_user_review_uid", "user_id", "review_uid", unique=True),
        Index("uq_review_logs_user_anki_revlog", "user_id", "anki_revlog_id", unique=True),
        Index("ix_review_logs_card_reviewed_at", "card_id", "reviewed_at"),
        # Today's answers by state (the daily limits) read this index only.
        Index("ix_review_logs_user_reviewed_at", "user_id", "reviewed_at", "previous_state"),
        # The dashboard: time studied sums read this index only; true retention counts
        # ranges of the partial index of answers to mature cards (interval >= 21 days).
        Index("ix_review_logs_user_time", "user_id", "reviewed_at", "duration_ms"),
        Index("ix_review_logs_user_mature", "user_id", "rating", "reviewed_at", "last_interval",
              sqlite_where=text("last_interval >= 21"),
              postgresql_where=text("last_interval >= 21")),
    )


class CardAction(Base):
    """A bury, suspend or flag, kept for the study day so that undo can take it back.

    Undo reverts the latest action, answer or not (as in Anki). ``after_review_id`` is the
    user's latest review of the day when the action was done: an action is later than every
    review whose id is at most that, which orders the two logs without comparing clocks.
    """

    __tablename__ = "card_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # bury | suspend | unsuspend | flag
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    after_review_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The card's buried_until, suspended and flagged before the action.
    before: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_card_actions_user_done", "user_id", "done_at", "id"),)


class CardTag(Base):
    """A user's own tag on one of their cards (a deck file's tags are ``Item.tags``, shared).

    ``user_id`` repeats the card's owner so that a user's tags, and their cards with one
    tag, are read from one index without a join.
    """

    __tablename__ = "card_tags"

    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"),
                                         primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_card_tags_user_tag", "user_id", "tag", "card_id"),)
