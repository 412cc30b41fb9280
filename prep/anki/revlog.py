"""Reading an open Anki collection: its notes, and the answers of each note's first card,
with the revlog rows that are not answers counted by reason (Anki's own FSRS rules).

Everything is read through the ``anki`` package's database handle on the collection that
Anki's backend opened; nothing here parses Anki's files.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.dbproxy import DBProxy



def open_db(col: Collection) -> DBProxy:
    """The collection's database (``Collection.db`` is None only once it is closed)."""
    if col.db is None:
        raise RuntimeError("the Anki collection is closed")
    return col.db


# Anki's revlog review kinds (``type`` column; rslib's RevlogReviewKind).
LEARNING, REVIEW, RELEARNING, FILTERED, MANUAL, RESCHEDULED = range(6)
ANSWER_KINDS = (LEARNING, REVIEW, RELEARNING, FILTERED)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TAGS = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"<br\s*/?>|</(?:div|p|li)>", re.IGNORECASE)


@dataclass(frozen=True)
class AnkiAnswer:
    """One answer row of Anki's revlog: its id is the answer time in ms since the epoch."""

    revlog_id: int
    rating: int
    taken_ms: int
    at: datetime

    @classmethod
    def of(cls, revlog_id: int, rating: int, taken_ms: int) -> AnkiAnswer:
        return cls(revlog_id, rating, taken_ms, _EPOCH + timedelta(milliseconds=revlog_id))


@dataclass
class AnkiNote:
    """A note of the collection: its GUID, fields, deck, and its first card's answers."""

    guid: str
    fields: list[str]
    deck: str
    answers: list[AnkiAnswer] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The first field as plain text (shortened), or the GUID when it is empty."""
        text = " ".join(plain_text(self.fields[0] if self.fields else "").split())
        return (text[:77] + "...") if len(text) > 80 else (text or self.guid)


@dataclass
class CollectionHistory:
    """What an Anki collection holds that prep ingests; rows skipped on reading, by reason."""

    notes: dict[str, AnkiNote]
    skipped: Counter[str] = field(default_factory=Counter)
    rows: int = 0  # revlog rows read, answers or not


def plain_text(field_html: str) -> str:
    """An Anki field's HTML as text (line breaks kept): for labels and own cards."""
    return html.unescape(_TAGS.sub("", _BREAKS.sub("\n", field_html))).strip()


def skip_reason(ease: int, kind: int, factor: int) -> str | None:
    """Why a revlog row is not an answer to learn from, or None.

    The rules of Anki's own FSRS (rslib/src/scheduler/fsrs/params.rs, which drops
    ``manually_rescheduled``: kind Manual or button 0, and ``cram``: kind Filtered with
    ease factor 0, a filtered deck that did not reschedule); kind Rescheduled (5) is
    written by "reschedule cards on change" and carries no answer either.
    """
    if ease == 0:
        return "not_an_answer"
    if kind in (MANUAL, RESCHEDULED) or kind not in ANSWER_KINDS:
        return "manual"
    if kind == FILTERED and factor == 0:
        return "filtered_preview"
    if not 1 <= ease <= 4:
        return "bad_rating"
    return None


def read_collection(col: Collection, known: AbstractSet[int] = frozenset()) -> CollectionHistory:
    """Every note and every answer of an open Anki collection, read through Anki's backend.

    Revlog ids in ``known`` (already in prep) are counted and dropped before any object is
    made for them: an incremental sync reads a whole review log to find a few new rows.
    """
    deck_names = {deck.id: deck.name for deck in col.decks.all_names_and_ids()}
    notes_by_id: dict[int, AnkiNote] = {}
    for note_id, guid, fields in open_db(col).execute("select id, guid, flds from notes"):
        notes_by_id[note_id] = AnkiNote(guid=guid, fields=fields.split("\x1f"), deck="")
    card_note: dict[int, int] = {}
    first_card: dict[int, int] = {}
    for card_id, note_id, deck_id, original_deck_id in open_db(col).execute(
            "select id, nid, did, odid from cards order by nid, ord, id"):
        card_note[card_id] = note_id
        if note_id not in first_card:
            first_card[note_id] = card_id
            notes_by_id[note_id].deck = deck_names.get(original_deck_id or deck_id, "")
    history = CollectionHistory(notes={note.guid: note for note in notes_by_id.values()})
    for revlog_id, card_id, ease, kind, factor, taken in open_db(col).execute(
            "select id, cid, ease, type, factor, time from revlog order by id"):
        history.rows += 1
        if revlog_id in known:
            history.skipped["already_in_prep"] += 1
            continue
        reason = skip_reason(ease, kind, factor)
        note_id = card_note.get(card_id)
        if reason is None and note_id is None:
            reason = "deleted_card"
        elif reason is None and note_id is not None and first_card[note_id] != card_id:
            # prep's notes have one card; a second card (reversed, cloze 2) is another
            # memory that one prep card cannot hold
            reason = "other_card_of_note"
        if reason is not None:
            history.skipped[reason] += 1
            continue
        notes_by_id[note_id].answers.append(AnkiAnswer.of(revlog_id, ease, max(0, taken)))
    return history
