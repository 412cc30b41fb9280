"""Shared content: tracks, exam blueprints and their domains, decks and items.

Content comes from the deck files (``prep decks load``) except decks and items owned by a
user (their own cards). Items are never deleted by a load, only retired, so that every
user's history on them survives.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prep.models.base import Base, UTCDateTime

CARD = "card"
QUESTION = "question"  # single or multiple choice (one or several keys in ``correct``)
ORDERING = "ordering"  # steps (``options``) to put in order; ``correct`` is the order
MATCHING = "matching"  # ``prompts`` each matched to one of ``options``; ``correct`` per prompt
YESNO = "yesno"  # one proposed solution of a yes/no series; ``correct`` is ["yes"] or ["no"]
CASE = "case"  # a case study's scenario (``prompt``); its questions are its members
SERIES = "series"  # a yes/no series' shared goal (``prompt``); its solutions are its members
# Kinds a user answers (drawn into exams, queued for review when missed); the group kinds
# (CASE, SERIES) are never answered themselves: they hold what their members share.
ANSWERABLE_KINDS = (QUESTION, ORDERING, MATCHING, YESNO)
GROUP_KINDS = (CASE, SERIES)


class Track(Base):
    """A certification track such as SageMaker or Vertex AI."""

    __tablename__ = "tracks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    vendor: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    exams: Mapped[list[Exam]] = relationship(back_populates="track", order_by="Exam.id")


class Exam(Base):
    """An exam blueprint: the facts a mock exam is built from."""

    __tablename__ = "exams"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    track_id: Mapped[str] = mapped_column(ForeignKey("tracks.id"), index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    vendor: Mapped[str] = mapped_column(String(100))
    guide_version: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # active | retiring | retired | closed
    retired_on: Mapped[date | None] = mapped_column(Date, default=None)
    successor_id: Mapped[str | None] = mapped_column(String(64), default=None)
    successor_note: Mapped[str | None] = mapped_column(Text, default=None)
    status_note: Mapped[str | None] = mapped_column(Text, default=None)  # e.g. "beta"
    question_count: Mapped[int] = mapped_column(Integer)
    scored_question_count: Mapped[int | None] = mapped_column(Integer, default=None)
    minutes: Mapped[int] = mapped_column(Integer)
    multiple_response: Mapped[bool] = mapped_column(Boolean, default=False)
    item_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    scoring_kind: Mapped[str] = mapped_column(String(16))  # scaled | percent
    scale_min: Mapped[int | None] = mapped_column(Integer, default=None)
    scale_max: Mapped[int | None] = mapped_column(Integer, default=None)
    pass_mark: Mapped[float] = mapped_column(Float)
    unverified: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the advisor reads (level, recommended_experience, price_usd, validity_years,
    # focus, sources), as in the exam file; None for facts the file does not give.
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The item kinds a mock form draws beyond multiple choice, as in the exam file's
    # ``kinds`` (decks/README.md): per kind its count per form, scoring rule and locking.
    kinds: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    track: Mapped[Track] = relationship(back_populates="exams")
    domains: Mapped[list[ExamDomain]] = relationship(
        back_populates="exam", order_by="ExamDomain.number", cascade="all, delete-orphan"
    )


class ExamDomain(Base):
    """A domain (section) of an exam blueprint with its weight in percent."""

    __tablename__ = "exam_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[str] = mapped_column(ForeignKey("exams.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    weight: Mapped[float] = mapped_column(Float)  # normalised: an exam's weights sum to 100
    weight_low: Mapped[float | None] = mapped_column(Float, default=None)
    weight_high: Mapped[float | None] = mapped_column(Float, default=None)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)

    exam: Mapped[Exam] = relationship(back_populates="domains")

    __table_args__ = (Index("uq_exam_domains_exam_number", "exam_id", "number", unique=True),)


class Deck(Base):
    """A topic deck of a track, or a user's own deck (``owner_id`` set)."""

    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    track_id: Mapped[str | None] = mapped_column(ForeignKey("tracks.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source_path: Mapped[str | None] = mapped_column(String(500), default=None)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    track: Mapped[Track | None] = relationship()


class Item(Base):
    """A flashcard or an exam question, identified by a stable text id (``uid``)."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # CARD, QUESTION, ... (constants above)
    prompt: Mapped[str] = mapped_column(Text)  # a card's front, a question's stem
    answer_text: Mapped[str | None] = mapped_column(Text, default=None)  # a card's back
    # Questions: [{"key": "a", "text": ..., "explanation": ...}, ...] in authored order;
    # an ordering's steps, a matching's answers (explanation "" where none), yes/no.
    options: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=None)
    # Question: the correct keys; ordering: the step keys in the correct order; matching:
    # the answer key of each prompt, in prompt order; yes/no: ["yes"] or ["no"].
    correct: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # Matching: [{"key": "1", "text": ..., "explanation": ...}, ...] in authored order.
    prompts: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=None)
    # The explanation of the correct answer as a whole (ordering, matching, yes/no; optional
    # for a question, whose options each carry one).
    explanation: Mapped[str | None] = mapped_column(Text, default=None)
    # A member of a case study or yes/no series: the group item and its place in it.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True,
                                                 default=None)
    group_position: Mapped[int | None] = mapped_column(Integer, default=None)
    reference: Mapped[str | None] = mapped_column(Text, default=None)
    image: Mapped[str | None] = mapped_column(String(500), default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "YYYY-MM": when the facts were last checked against the source; not content (a
    # re-check changes neither the hash nor updated_at).
    checked: Mapped[str | None] = mapped_column(String(7), default=None)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The Markdown fields as sanitised HTML (prep.rendering.render_item), made when the
    # content is loaded or edited, so exports need not render ten thousand notes again.
    rendered: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    source_path: Mapped[str | None] = mapped_column(String(500), default=None)
    source_line: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the content last changed
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The GUID of an own card's Anki note when it does not derive from ``uid``: the note it
    # was imported from, or its note before a data file moved it to this account (prep's
    # export and sync keep it, so the note stays one note in Anki).
    anki_guid: Mapped[str | None] = mapped_column(String(64), default=None)

    deck: Mapped[Deck] = relationship()
    domains: Mapped[list[ExamDomain]] = relationship(secondary="item_domains")
    group: Mapped[Item | None] = relationship(remote_side="Item.id")

    def _rendered_is_current(self) -> bool:
        from prep.rendering import RENDERING_VERSION

        rendered = self.rendered
        return rendered is not None and rendered.get("version") == RENDERING_VERSION \
            and rendered.get("content_hash") == self.content_hash

    def html(self) -> dict[str, Any]:
        """The rendered fields: stored ones when current, else rendered now (not stored)."""
        from prep.rendering import render_item

        if self.rendered is not None and self._rendered_is_current():
            return self.rendered
        return render_item(self.prompt, self.answer_text, self.options,
                           explanation=self.explanation, prompts=self.prompts)

    def refresh_rendered(self, made: dict[str, object] | None = None) -> bool:
        """Store HTML for the item's fields unless the stored HTML is current; True if
        stored. ``made`` is HTML rendered beforehand (outside the write transaction), used
        when it was made from this content by this renderer."""
        from prep.rendering import RENDERING_VERSION, render_item

        if self._rendered_is_current():
            return False
        if made and made.get("version") == RENDERING_VERSION \
                and made.get("content_hash") == self.content_hash:
            self.rendered = made
        else:
            self.rendered = render_item(self.prompt, self.answer_text, self.options,
                                        self.content_hash, explanation=self.explanation,
                                        prompts=self.prompts)
        return True

    @property
    def is_multiple_response(self) -> bool:
        """Whether the question has more than one correct option."""
        return len(self.correct or ()) > 1


class ItemDomain(Base):
    """Which exam domains an item serves (an item may serve several exams)."""

    __tablename__ = "item_domains"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    domain_id: Mapped[int] = mapped_column(
        ForeignKey("exam_domains.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ContentVersion(Base):
    """A single row counting changes to shared content; caches of question pools key on it."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

