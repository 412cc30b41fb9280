"""A user's link to an Anki sync server, and the database lease that serialises its syncs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from prep.models.base import Base, UTCDateTime


class AnkiLink(Base):
    """Where a user's Anki collection syncs, and how the last sync went.

    ``hkey`` is the key the sync server's login returns; the password is never stored.
    ``lease_token``/``lease_until`` mark a sync in progress: claimed by one guarded UPDATE,
    so two syncs of one user never run at once on any worker or machine; a lease past its
    time (a crashed worker) is free again.
    """

    __tablename__ = "anki_links"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    endpoint: Mapped[str] = mapped_column(String(500))
    username: Mapped[str] = mapped_column(String(254))
    hkey: Mapped[str] = mapped_column(String(128))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_result: Mapped[str | None] = mapped_column(String(16), default=None)  # ok | failed
    last_message: Mapped[str] = mapped_column(Text, default="")
    last_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # What content the collection was last brought up to (deck content version, own cards,
    # studied tracks): an unchanged stamp lets a sync skip the content comparison.
    content_stamp: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_token: Mapped[str | None] = mapped_column(String(32), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
