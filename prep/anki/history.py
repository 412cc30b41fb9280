"""Anki's review log into prep's: every answer exactly once, each touched card replayed.

Notes are matched to prep items by GUID (``prep.export.anki.note_guid``: what prep's
.apkg export and sync write, or the GUID an own card was imported from); shared items and
the user's own cards match, another user's never do. Each answer row of a matched note's
first card becomes one ``ReviewLog`` keyed by its revlog id (``anki_revlog_id``, unique per
user, and ``review_uid`` ``anki-<id>``), so importing the same or a later export again adds
only what is new, and answers prep sent to Anki (the sync sets their revlog id) never come
back. Each card with new answers is then replayed from new through prep's scheduler over
its whole merged history (web and Anki, in time order): its state, and every log's
``previous_state``, ``last_interval`` and ``state_before`` (undo, statistics), are what
answering in that order under the user's settings gives.

Work is split so that the write transaction is short: ``read_collection``
(``prep.anki.revlog``) reads the Anki collection into plain objects (no database);
``plan_ingest`` reads prep's side and replays every card that exists (reads only);
``apply_plan`` re-checks, under lock, what changed since the plan (a web answer, another
import of the same file) and replays only those cards again, then writes everything in a
few bulk statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep.anki.revlog import (
    AnkiAnswer,
    AnkiNote,
    CollectionHistory,
    plain_text,
    read_collection,
)
from prep.export.anki import note_guid
from prep.insight.optimisation import fresh_copy, replay_answers
from prep.models import GROUP_KINDS, Card, Deck, Item, ReviewLog, User
from prep.study.enrollment import add_cards, refresh_activity
from prep.study.own_cards import CardDraft, new_own_item
from prep.study.review import scheduled_interval, snapshot
from prep.study.scheduling import SchedulerSettings

if TYPE_CHECKING:
    from anki.collection import Collection

REVIEW_UID_PREFIX = "anki-"
IMPORTED_TAG = "anki-import"
DEFAULT_DECK = "From Anki"
MAX_LISTED_NOTES = 1000  # unmatched notes named in a summary (all are counted)
_CHUNK = 900  # ids per IN (...) list: under SQLite's oldest variable limit


class IngestError(RuntimeError):
    """The ingest could not be applied (the database kept changing under it)."""


@dataclass
class IngestSummary:
    """What an ingest did: the notes it matched, the answers it added, what it skipped."""

    notes_matched: int
    reviews_added: int
    skipped: dict[str, int]  # reason -> count
    unmatched_notes: list[str]  # first field text or GUID of notes matching nothing
    cards_replayed: int
    notes_unmatched: int = 0  # all of them (the list names at most MAX_LISTED_NOTES)
    notes_imported: int = 0  # unmatched notes imported as own cards
    revlog_rows: int = 0  # rows in the file's review log, answers or not

    def lines(self) -> list[str]:
        """The summary as short lines of text (CLI and web)."""
        lines = [f"Notes matched: {self.notes_matched}",
                 f"Reviews added: {self.reviews_added}",
                 f"Cards rescheduled from their whole history: {self.cards_replayed}"]
        if self.notes_imported:
            lines.append(f"Notes imported as your own cards: {self.notes_imported}")
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"Skipped ({SKIP_REASONS.get(reason, reason)}): {count}")
        lines.append(f"Notes unmatched: {self.notes_unmatched}")
        if not self.revlog_rows:
            lines.append("The file holds no review history: in Anki, export with scheduling "
                         "information included.")
        return lines


SKIP_REASONS = {
    "not_an_answer": "not an answer: ease 0",
    "manual": "manual or rescheduled entry",
    "filtered_preview": "filtered-deck preview that did not reschedule",
    "bad_rating": "rating out of range",
    "deleted_card": "card deleted in Anki",
    "other_card_of_note": "second card of a note",
    "unmatched_note": "answer to a note matching nothing",
    "already_in_prep": "already in prep",
    "note_not_importable": "note not importable as an own card",
}


@dataclass(frozen=True)
class LoggedRow:
    """A stored review of a card being replayed."""

    id: int
    reviewed_at: datetime
    rating: int
    previous_state: int
    last_interval: int | None
    state_before: Any


@dataclass
class Replayed:
    """A card's replay: the logs to insert, stored logs whose fields change, its new state."""

    card_id: int
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    card: dict[str, Any]


@dataclass
class CardWork:
    """One card to bring up to date: the note, its item and card (None: to create), the
    card's ``reps`` when planned, the answers to add, and the replay made at planning."""

    note: AnkiNote
    item_id: int | None
    card_id: int | None
    reps: int
    answers: list[AnkiAnswer]
    replayed: Replayed | None = None


@dataclass
class IngestPlan:
    """Everything ``apply_plan`` writes, as planned from a consistent read."""

    user_id: int
    work: list[CardWork]
    notes_matched: int
    unmatched: list[AnkiNote]
    skipped: Counter[str]
    import_unmatched: bool
    revlog_rows: int = 0


def replay_card(user_id: int, card_id: int, flags: tuple[bool, bool],
                logged: Sequence[LoggedRow], answers: Iterable[AnkiAnswer],
                settings: SchedulerSettings) -> Replayed:
    """Replay a card's stored and new answers in time order (stored first on a tie)."""
    entries: list[tuple[datetime, int, int, LoggedRow | AnkiAnswer]] = [
        (row.reviewed_at, 0, row.id, row) for row in logged]
    entries += [(answer.at, 1, answer.revlog_id, answer) for answer in answers]
    entries.sort(key=lambda entry: entry[:3])
    copy = fresh_copy(card_id, entries[0][0])
    copy.suspended, copy.leech = flags
    history = [(at, entry.rating) for at, _, _, entry in entries]
    inserts, updates = [], []
    for (at, _, _, entry), before in zip(entries, replay_answers(copy, history, settings),
                                         strict=True):
        interval = scheduled_interval(before)  # type: ignore[arg-type]  # reads state, due, last_review
        recorded = {"previous_state": before.state, "last_interval": interval,
                    "state_before": snapshot(before)}
        if isinstance(entry, AnkiAnswer):
            inserts.append({"user_id": user_id, "card_id": card_id, "rating": entry.rating,
                            "review_uid": f"{REVIEW_UID_PREFIX}{entry.revlog_id}",
                            "anki_revlog_id": entry.revlog_id, "reviewed_at": at,
                            "duration_ms": entry.taken_ms, **recorded})
        elif (entry.previous_state, entry.last_interval, entry.state_before) != tuple(
                recorded.values()):
            updates.append({"log_id": entry.id, **{f"new_{k}": v for k, v in recorded.items()}})
    card = {name: getattr(copy, name) for name in (
        "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")}
    return Replayed(card_id, inserts, updates, card)


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _logged_rows(session: Session, card_ids: Sequence[int]) -> dict[int, list[LoggedRow]]:
    rows: dict[int, list[LoggedRow]] = {card_id: [] for card_id in card_ids}
    for chunk in _chunks(card_ids):
        for row in session.execute(
                select(ReviewLog.card_id, ReviewLog.id, ReviewLog.reviewed_at, ReviewLog.rating,
                       ReviewLog.previous_state, ReviewLog.last_interval,
                       ReviewLog.state_before)
                .where(ReviewLog.card_id.in_(chunk))):
            rows[row.card_id].append(LoggedRow(*row[1:]))
    return rows


def known_revlog_ids(session: Session, user: User) -> set[int]:
    """The Anki revlog ids of the user's reviews (ingested, or sent to Anki by the sync).

    Review ids ``anki-<id>`` count too: a data file written before revlog ids were kept, or
    a client-chosen review id, must not make an insert clash with the unique review id.
    """
    known = {revlog_id for revlog_id in session.scalars(select(ReviewLog.anki_revlog_id).where(
        ReviewLog.user_id == user.id, ReviewLog.anki_revlog_id.is_not(None)))
        if revlog_id is not None}
    for uid in session.scalars(select(ReviewLog.review_uid).where(
            ReviewLog.user_id == user.id, ReviewLog.anki_revlog_id.is_(None),
            ReviewLog.review_uid.like(f"{REVIEW_UID_PREFIX}%"))):
        if (number := uid[len(REVIEW_UID_PREFIX):]).isascii() and number.isdigit():
            known.add(int(number))
    return known


def _items_by_guid(session: Session, user: User) -> dict[str, int]:
    """GUID -> item id of every item the user may have studied (shared ones and own; not a
    case study or series itself, which is never a note nor a card)."""
    rows = session.execute(
        select(Item.id, Item.uid, Item.anki_guid).join(Deck, Deck.id == Item.deck_id)
        .where(or_(Deck.owner_id.is_(None), Deck.owner_id == user.id),
               Item.kind.not_in(GROUP_KINDS)))
    return {note_guid(uid, anki_guid): item_id for item_id, uid, anki_guid in rows}


def plan_ingest(session: Session, user: User, history: CollectionHistory, *,
                import_unmatched: bool = False) -> IngestPlan:
    """Match notes to items and cards and replay every existing card (reads only)."""
    items = _items_by_guid(session, user)
    cards = {row.item_id: row for row in session.execute(
        select(Card.item_id, Card.id, Card.reps, Card.suspended, Card.leech)
        .where(Card.user_id == user.id))}
    known = known_revlog_ids(session, user)
    skipped = Counter(history.skipped)
    work, unmatched, matched = [], [], 0
    for note in history.notes.values():
        new = [answer for answer in note.answers if answer.revlog_id not in known]
        skipped["already_in_prep"] += len(note.answers) - len(new)
        item_id = items.get(note.guid)
        if item_id is None:
            unmatched.append(note)
            if import_unmatched:
                work.append(CardWork(note, None, None, 0, new))
            else:
                skipped["unmatched_note"] += len(new)
            continue
        matched += 1
        card = cards.get(item_id)
        if new:
            work.append(CardWork(note, item_id, card.id if card else None,
                                 card.reps if card else 0, new))
    settings = SchedulerSettings.of(user)
    ready = [(w, w.card_id) for w in work if w.card_id is not None]
    logged = _logged_rows(session, [card_id for _, card_id in ready])
    for w, _ in ready:
        card = cards[w.item_id]
        w.replayed = replay_card(user.id, card.id, (card.suspended, card.leech),
                                 logged[card.id], w.answers, settings)
    return IngestPlan(user.id, work, matched, unmatched, +skipped, import_unmatched,
                      history.rows)


_INSERT_LOG = insert(ReviewLog.__table__)  # executemany: psycopg pipelines it (measured
# faster than multi-row INSERTs, whose 10,000-parameter queries psycopg converts slowly)
_UPDATE_LOG = (
    update(ReviewLog.__table__).where(ReviewLog.id == bindparam("log_id"))
    .values(previous_state=bindparam("new_previous_state"),
            last_interval=bindparam("new_last_interval"),
            state_before=bindparam("new_state_before"))
)
_CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
                "lapses")
_UPDATE_CARD = (
    update(Card.__table__).where(Card.id == bindparam("card_id"))
    .values({name: bindparam(f"new_{name}") for name in _CARD_FIELDS})
)


def _own_card_for(session: Session, user: User, note: AnkiNote, now: datetime) -> int | None:
    """The user's own item for an unmatched note, made now (None: the note cannot be one)."""
    existing = session.scalar(
        select(Item.id).join(Deck, Deck.id == Item.deck_id)
        .where(Deck.owner_id == user.id, Item.anki_guid == note.guid))
    if existing is not None:
        return existing
    texts = [plain_text(text) for text in note.fields]
    deck = note.deck.rsplit("::", 1)[-1].strip()[:100] or DEFAULT_DECK
    draft = CardDraft(deck=deck, front=texts[0] if texts else "",
                      back="\n\n".join(t for t in texts[1:] if t), tags=[IMPORTED_TAG])
    if draft.problems():
        return None
    item = new_own_item(session, user, draft, now, now)
    item.anki_guid = note.guid
    return item.id


def _write(session: Session, user: User, plan: IngestPlan, now: datetime) -> IngestSummary:
    """Re-check the plan under lock, redo what changed since, and write it in bulk."""
    skipped = Counter(plan.skipped)
    planned = [w.card_id for w in plan.work if w.card_id is not None]
    reps: dict[int, int] = {}
    for chunk in _chunks(planned):  # lock the cards: a web answer now waits for this import
        reps.update(session.execute(select(Card.id, Card.reps).where(Card.id.in_(chunk))
                                    .with_for_update()).all())
    known = known_revlog_ids(session, user)
    settings = SchedulerSettings.of(user)
    results: list[Replayed] = []
    imported = 0
    for w in plan.work:
        answers = [answer for answer in w.answers if answer.revlog_id not in known]
        skipped["already_in_prep"] += len(w.answers) - len(answers)
        if w.replayed is not None and w.card_id is not None and reps.get(w.card_id) == w.reps \
                and len(answers) == len(w.answers):
            results.append(w.replayed)
            continue
        item_id = w.item_id
        if item_id is None:
            item_id = _own_card_for(session, user, w.note, now)
            if item_id is None:
                skipped["note_not_importable"] += 1
                continue
            imported += 1
        card = session.scalar(select(Card).where(Card.user_id == user.id,
                                                 Card.item_id == item_id).with_for_update())
        if card is None:
            add_cards(session, [user.id], [session.get_one(Item, item_id)], now)
            refresh_activity(session, item_ids=[item_id], user_id=user.id)
            card = session.scalars(select(Card).where(Card.user_id == user.id,
                                                      Card.item_id == item_id)).one()
        if answers:
            results.append(replay_card(user.id, card.id, (card.suspended, card.leech),
                                       _logged_rows(session, [card.id])[card.id], answers,
                                       settings))
    connection = session.connection()
    inserts = [row for result in results for row in result.inserts]
    updates = [row for result in results for row in result.updates]
    if inserts:
        connection.execute(_INSERT_LOG, inserts)
    if updates:
        connection.execute(_UPDATE_LOG, updates)
    if results:
        connection.execute(_UPDATE_CARD, [
            {"card_id": result.card_id,
             **{f"new_{name}": result.card[name] for name in _CARD_FIELDS}}
            for result in results])
    session.flush()
    session.expire_all()
    return IngestSummary(
        notes_matched=plan.notes_matched, reviews_added=len(inserts), skipped=dict(+skipped),
        unmatched_notes=[note.label for note in plan.unmatched[:MAX_LISTED_NOTES]],
        cards_replayed=len(results), notes_unmatched=len(plan.unmatched),
        notes_imported=imported, revlog_rows=plan.revlog_rows)


def apply_plan(session: Session, user: User, plan: IngestPlan, now: datetime) -> IngestSummary:
    """Write a plan (flushes; the caller commits): answers added since the plan by a web
    answer or a concurrent import of the same file are re-checked, never counted twice."""
    for _ in range(3):
        try:
            with session.begin_nested():
                return _write(session, user, plan, now)
        except IntegrityError:
            # another import committed the same answers or cards between our check and
            # insert (PostgreSQL): the unique indexes refused ours; check again
            session.expire_all()
    raise IngestError("The import kept meeting another import of the same answers; "
                      "nothing was changed. Try again.")


def ingest_collection(session: Session, user: User, col: Collection, now: datetime, *,
                      import_unmatched: bool = False) -> IngestSummary:
    """Add every new answer of an open Anki collection to ``user``'s history (flushes).

    Reads the collection and replays first (``read_collection``, ``plan_ingest``: reads
    only), then writes in one short step (``apply_plan``). A caller that holds SQLite's
    write lock for a whole request should call the three itself, reading before it begins
    the write transaction (as ``prep.anki.packages.import_package`` does).
    """
    history = read_collection(col, known_revlog_ids(session, user))
    plan = plan_ingest(session, user, history, import_unmatched=import_unmatched)
    return apply_plan(session, user, plan, now)
