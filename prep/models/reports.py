"""Users' reports of a problem with a shared question or flashcard, and their resolution."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prep.models.accounts import User
from prep.models.base import Base, UTCDateTime
from prep.models.content import Item

REASONS = {
    "wrong_answer": "The marked answer is wrong",
    "outdated": "Outdated (a product or fact changed)",
    "unclear": "Unclear or ambiguous",
    "typo": "Typo or formatting",
    "other": "Something else",
}


class ItemReport(Base):
    """One user's report on one item; open until an admin resolves it."""

    __tablename__ = "item_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))  # a key of REASONS
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)

    item: Mapped[Item] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    __table_args__ = (
        Index("ix_item_reports_item", "item_id", "resolved_at"),
        # One open report per user and item: a second submit (or a retry racing the first)
        # hits this index instead of counting twice.
        Index("uq_item_reports_one_open", "user_id", "item_id", unique=True,
              sqlite_where=text("resolved_at IS NULL"),
              postgresql_where=text("resolved_at IS NULL")),
    )
