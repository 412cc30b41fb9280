"""What prep writes into a user's Anki collection: content, card states and review rows.

Everything here works on an open ``anki`` Collection (a local file) and plain values read
from the database beforehand; nothing here touches the network or the database.

- Content is prep's .apkg export (same note types, deck names and GUIDs), imported with
  Anki's own importer: a note whose GUID is known is updated when prep's copy is newer,
  never duplicated.
- A card prep has studied gets prep's state: queue and type, due (a day number for review
  cards, as Anki counts days, a time for intraday learning), interval, reps, lapses and the
  FSRS memory state (stability, difficulty) with the last review time.
- A web review becomes one revlog row whose id (milliseconds of the answer, moved on by one
  when taken) prep stores, so it crosses exactly once.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
from anki.cards_pb2 import FsrsMemoryState as FSRSMemoryState
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.consts import CardQueue, CardType
from anki.decks import DeckId
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from sqlalchemy.orm import Session

from prep.anki.revlog import open_db
from prep.export.anki import ROOT_DECK, build_package, note_guid, write_package
from prep.export.anki_notes import note_mtime
from prep.models import CardState, Item, User
from prep.study.card_schedule import CardSchedule
from prep.study.days import study_day

PRESET = "prep (FSRS)"
RETIRED_TAG = "prep::retired"
NOT_STUDIED_TAG = "prep::not-studied"
# Anki's card types and queues (rslib/src/card/mod.rs).
TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN = -1, 1, 2, 3
_CARD_TYPE: dict[int, int] = {CardState.LEARNING: TYPE_LEARN, CardState.REVIEW: TYPE_REVIEW,
              CardState.RELEARNING: TYPE_RELEARN}
# Revlog kinds by the state a card was answered in: learning, review, relearning.
_REVLOG_KIND: dict[int, int] = {CardState.NEW: 0, CardState.LEARNING: 0, CardState.REVIEW: 1,
                CardState.RELEARNING: 2}


@dataclass(frozen=True)
class WebReview:
    """A prep review to write as a revlog row, with the card's state after it."""

    review_id: int
    guid: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    previous_state: int
    last_interval: int | None
    revlog_id: int | None  # the id it was sent under, None if never sent
    after_state: int
    after_due: datetime
    after_difficulty: float | None


@dataclass(frozen=True)
class ContentChange:
    """What a content import did."""

    added: int = 0
    updated: int = 0


class DayClock:
    """Anki's day numbers for prep's times: the collection's "today" is the user's study
    day containing ``now``; other days count from it in the user's time zone."""

    def __init__(self, user: User, now: datetime, today: int):
        self.zone, self.start_hour = ZoneInfo(user.timezone), user.day_start_hour
        self.today, self._start = today, self._date(now)
        self._end = study_day(now, user.timezone, user.day_start_hour).end

    def _date(self, moment: datetime) -> date:
        # prep.study.queue.study_day's rule (a day starts at the local start hour) without
        # building the day: wall-clock arithmetic on the local time
        return (moment.astimezone(self.zone) - timedelta(hours=self.start_hour)).date()

    def day(self, moment: datetime) -> int:
        """The Anki day number of ``moment``."""
        return self.today + (self._date(moment) - self._start).days

    def ends_today(self, moment: datetime) -> bool:
        """Whether ``moment`` falls before the end of today's study day."""
        return moment < self._end


def configure(col: Collection, user: User) -> None:
    """FSRS on, the day's rollover hour, and a deck preset with the user's parameters,
    desired retention, steps and limits on every deck prep writes."""
    col.set_config("fsrs", True)
    col.set_config("rollover", user.day_start_hour)
    config = next((c for c in col.decks.all_config() if c["name"] == PRESET), None)
    if config is None:
        config = col.decks.add_config(PRESET)
    parameters = list(user.fsrs_parameters or fsrs.scheduler.DEFAULT_PARAMETERS)
    config["fsrsParams6"] = parameters
    config["desiredRetention"] = user.desired_retention
    config["new"]["delays"] = [seconds / 60 for seconds in user.learning_steps]
    config["lapse"]["delays"] = [seconds / 60 for seconds in user.relearning_steps]
    config["new"]["perDay"] = user.new_per_day
    config["rev"]["perDay"] = user.reviews_per_day
    config["rev"]["maxIvl"] = user.maximum_interval
    col.decks.update_config(config)
    for deck in col.decks.all_names_and_ids():
        if deck.name == ROOT_DECK or deck.name.startswith(f"{ROOT_DECK}::"):
            legacy = col.decks.get(DeckId(deck.id))
            if legacy and not legacy.get("dyn") and legacy.get("conf") != config["id"]:
                legacy["conf"] = config["id"]
                col.decks.save(legacy)


def note_times(col: Collection) -> dict[str, int]:
    """Every note's GUID and modification time (seconds)."""
    return {guid: mod for guid, mod in open_db(col).all("select guid, mod from notes")}


def import_content(col: Collection, session: Session, user: User, track_ids: list[str],
                   decks_root: Path, known: dict[str, int]) -> ContentChange:
    """Import the notes of ``track_ids`` and the user's own cards that the collection lacks
    or holds an older copy of (prep's .apkg, through Anki's importer); a note of a case
    study's question or a yes/no solution is older when its case or series changed since."""

    def wanted(item: Item) -> bool:
        mod = known.get(note_guid(item.uid, item.anki_guid))
        return mod is None or int(note_mtime(item).timestamp()) > mod

    built = build_package(session, track_ids, decks_root, user=user, wanted=wanted)
    if not built.notes:
        return ContentChange()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "content.apkg"
        write_package(built, path)
        options = ImportAnkiPackageOptions(
            merge_notetypes=True, with_scheduling=False, with_deck_configs=False,
            update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER)
        result = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=options))
    return ContentChange(added=len(result.log.new), updated=len(result.log.updated))


def mark_notes(col: Collection, tag: str, guids: Iterable[str]) -> int:
    """Suspend and tag exactly the notes of ``guids``: notes newly among them are tagged
    and suspended, tagged notes no longer among them untagged and unsuspended; returns how
    many notes changed."""
    guids = set(guids)
    rows = open_db(col).all("select id, guid, tags from notes")
    mark = [nid for nid, guid, tags in rows if guid in guids and tag not in tags.split()]
    clear = [nid for nid, guid, tags in rows if guid not in guids and tag in tags.split()]
    for notes, tags, cards in ((mark, col.tags.bulk_add, col.sched.suspend_cards),
                               (clear, col.tags.bulk_remove, col.sched.unsuspend_cards)):
        if notes:
            tags(notes, tag)
            in_notes = ",".join(map(str, notes))
            cards(open_db(col).list(f"select id from cards where nid in ({in_notes})"))
    return len(mark) + len(clear)


def _memory(card: CardSchedule) -> FSRSMemoryState | None:
    if card.stability is None or card.difficulty is None:
        return None
    return FSRSMemoryState(stability=card.stability, difficulty=card.difficulty)


@dataclass(frozen=True)
class Placement:
    """Where prep's state puts a card in Anki's queues (Anki's column values)."""

    type: int
    queue: int
    due: int
    ivl: int
    left: int


def placement(card: CardSchedule, clock: DayClock, learning_steps: int,
              relearning_steps: int) -> Placement:
    """Anki's type, queue, due, interval and remaining steps for prep's state of a card:
    review cards are due on a day number, learning cards at a time today or on a day."""
    interval = 0
    if card.last_review is not None and card.state in (CardState.REVIEW, CardState.RELEARNING):
        interval = max(1, clock.day(card.due) - clock.day(card.last_review))
    if card.state == CardState.REVIEW:
        return Placement(TYPE_REVIEW, QUEUE_REVIEW, clock.day(card.due), interval, 0)
    steps = learning_steps if card.state == CardState.LEARNING else relearning_steps
    left = max(1, steps - (card.step or 0))
    if clock.ends_today(card.due):
        return Placement(_CARD_TYPE[card.state], QUEUE_LEARN, int(card.due.timestamp()),
                         interval, left)
    return Placement(_CARD_TYPE[card.state], QUEUE_DAY_LEARN, clock.day(card.due), interval,
                     left)


def _close(stored: float | None, wanted: float | None) -> bool:
    if stored is None or wanted is None:
        return stored is wanted
    return math.isclose(stored, wanted, rel_tol=1e-3, abs_tol=1e-3)  # Anki rounds them


def reconcile_cards(col: Collection, cards: Mapping[str, CardSchedule], user: User,
                    clock: DayClock) -> int:
    """Give each studied card in the collection prep's state; returns how many changed.

    Compared on the card rows first, so that only cards that differ are loaded and saved.
    A card suspended on either side stays suspended; new cards (never studied in prep)
    keep Anki's new-card position.
    """
    by_guid = {guid: card for guid, card in cards.items() if card.state != CardState.NEW}
    steps = (len(user.learning_steps), len(user.relearning_steps))
    changed = []
    for card_id, guid, *stored, data in open_db(col).all(
            "select c.id, n.guid, c.type, c.queue, c.due, c.ivl, c.left, c.reps, c.lapses, "
            "c.data from cards c join notes n on n.id = c.nid"):
        if (card := by_guid.get(guid)) is None:
            continue
        want = placement(card, clock, *steps)
        queue = QUEUE_SUSPENDED if card.suspended or stored[1] == QUEUE_SUSPENDED \
            else want.queue
        memory = json.loads(data or "{}")
        if stored != [want.type, queue, want.due, want.ivl, want.left, card.reps,
                      card.lapses] or not (_close(memory.get("s"), card.stability)
                                           and _close(memory.get("d"), card.difficulty)):
            changed.append((card_id, card, want, queue))
    updates = []
    for card_id, card, want, queue in changed:
        anki = col.get_card(card_id)
        anki.type, anki.queue = CardType(want.type), CardQueue(queue)
        anki.due, anki.ivl, anki.left = want.due, want.ivl, want.left
        anki.reps, anki.lapses = card.reps, card.lapses
        anki.memory_state = _memory(card)
        anki.desired_retention = user.desired_retention
        if card.last_review is not None:
            anki.last_review_time = int(card.last_review.timestamp())
        updates.append(anki)
    if updates:
        col.update_cards(updates, skip_undo_entry=True)
    return len(updates)


def revlog_ids(col: Collection) -> set[int]:
    """The ids of every revlog row of the collection."""
    return set(open_db(col).list("select id from revlog"))


def assign_revlog_ids(reviews: Sequence[WebReview], taken: set[int]) -> dict[int, int]:
    """A free revlog id for each review: its answer time in milliseconds, moved on by one
    while taken (Anki's own rule for ids). ``taken`` grows with the ids handed out."""
    assigned = {}
    for review in reviews:
        revlog_id = int(review.reviewed_at.timestamp() * 1000)
        while revlog_id in taken:
            revlog_id += 1
        taken.add(revlog_id)
        assigned[review.review_id] = revlog_id
    return assigned


def write_reviews(col: Collection, reviews: Sequence[WebReview], ids: dict[int, int],
                  now: datetime) -> int:
    """Insert one revlog row per review (pending upload, usn -1) for cards in the
    collection; returns how many were written."""
    card_of = {guid: card_id for guid, card_id in open_db(col).all(
        "select n.guid, c.id from cards c join notes n on n.id = c.nid")}
    rows = []
    for review in reviews:
        if (card_id := card_of.get(review.guid)) is None:
            continue
        seconds = (review.after_due - review.reviewed_at).total_seconds()
        interval = (round(seconds / 86400) if review.after_state == CardState.REVIEW
                    else -round(seconds))
        rows.append((ids[review.review_id], card_id, review.rating, interval,
                     review.last_interval or 0, round((review.after_difficulty or 0) * 100),
                     min(review.duration_ms or 0, 2**31 - 1),
                     _REVLOG_KIND[review.previous_state]))
    if not rows:
        return 0

    def insert() -> None:
        open_db(col).executemany(
            "insert or ignore into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " values (?, ?, -1, ?, ?, ?, ?, ?, ?)", rows)
        # Rows written directly: mark the collection changed, so that a sync sends them.
        open_db(col).execute("update col set mod = max(mod + 1, ?)", int(now.timestamp() * 1000))

    open_db(col).transact(insert)  # one transaction: a commit per row took 0.3 ms each
    return len(rows)
