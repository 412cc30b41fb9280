""""Download my data": one JSON document with a user's settings, tracks, own cards, card
states and tags, review log and exam attempts, and its import into a fresh account (all or
nothing).

Items are referred to by their stable ``uid``, never by database ids, so the file moves
between prep installations that load the same decks. Own cards travel with their content and
get new uids on import (a uid is unique per installation).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session, selectinload

from prep.export.anki import note_guid
from prep.models import (
    AttemptQuestion,
    Card,
    CardState,
    Deck,
    Enrollment,
    Exam,
    ExamAttempt,
    Item,
    Rating,
    ReviewLog,
    Track,
    User,
)
from prep.study.card_schedule import CardSchedule
from prep.study.card_tags import MAX_TAGS_PER_CARD, TAG, insert_tags, tags_by_card
from prep.study.own_cards import CardDraft, new_own_item, render_drafts

FORMAT = "prep-account-data"
VERSION = 1
MAX_PROBLEMS = 20

SETTINGS = ("desired_retention", "new_per_day", "reviews_per_day", "learning_steps",
            "relearning_steps", "maximum_interval", "day_start_hour", "timezone",
            "fsrs_parameters")
CARD_FIELDS = (*CardSchedule.FIELDS, "active", "from_exam", "buried_until", "flagged")
REVIEW_FIELDS = ("review_uid", "rating", "reviewed_at", "duration_ms", "previous_state",
                 "last_interval", "state_before")
# Written only when set, and optional on import: an answer's Anki revlog id (so that a later
# Anki import or sync does not count it again), the Anki GUID of an own card's note, and a
# card's own tags (the user's, not its deck's).
ANKI_REVLOG_ID, ANKI_GUID, CARD_TAGS = "anki_revlog_id", "anki_guid", "tags"
ATTEMPT_FIELDS = ("mode", "status", "seed", "started_at", "deadline", "submitted_at",
                  "question_count", "correct_count", "score_scaled", "passed", "notes", "custom",
                  "current_position", "current_since")
QUESTION_FIELDS = ("position", "option_order", "chosen", "flagged", "correct", "answered_at",
                   "time_spent_ms")
# Times that record what happened, so none can lie in the future.
_PAST = {"last_review", "reviewed_at", "started_at", "submitted_at", "answered_at",
         "created_at", "updated_at"}
_TIMES = {"due", "last_review", "buried_until", "reviewed_at", "started_at", "deadline",
          "submitted_at", "current_since", "answered_at", "created_at", "updated_at"}


class DataFileError(ValueError):
    """The file cannot be imported; ``problems`` are ``path: message`` lines."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _row(obj: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


# --- export -------------------------------------------------------------------------------


EXPORT_BATCH = 500  # cards (with their reviews) read and written at a time
EXPORT_SPOOL = 8 * 1024 * 1024  # bytes of a data file kept in memory before it spills to disk


def export_account(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Everything of ``user``'s as one JSON-ready dict (the file ``export_json`` writes)."""
    return json.loads("".join(export_json(session, user, now)))


def export_file(session: Session, user: User, now: datetime) -> IO[bytes]:
    """The data file, written to a temporary file (in memory up to EXPORT_SPOOL bytes, then
    on disk) and rewound; the caller closes it (``send_file`` does once it is sent)."""
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL)  # noqa: SIM115 - see above
    try:
        for chunk in export_json(session, user, now):
            spool.write(chunk.encode())
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def export_json(session: Session, user: User, now: datetime) -> Iterator[str]:
    """Everything of ``user``'s as JSON text, piece by piece: cards and their reviews are
    read and converted a batch at a time, so memory stays flat however long the history."""
    uid_of = dict(session.execute(
        select(Item.id, Item.uid).join(Card, Card.item_id == Item.id)
        .where(Card.user_id == user.id)).all())
    uid_of |= dict(session.execute(
        select(Item.id, Item.uid).join(AttemptQuestion, AttemptQuestion.item_id == Item.id)
        .join(ExamAttempt, ExamAttempt.id == AttemptQuestion.attempt_id)
        .where(ExamAttempt.user_id == user.id)).all())
    decks = session.scalars(select(Deck).where(Deck.owner_id == user.id).order_by(Deck.id))
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.isoformat(),
        "account": {"email": user.email, "created_at": user.created_at.isoformat()},
        "settings": _row(user, SETTINGS),
        "tracks": [{"track": e.track_id, "exam_date": _plain(e.exam_date)}
                   for e in sorted(user.enrollments, key=lambda e: e.track_id)],
        "own_decks": [
            {"title": deck.title, "cards": [
                {"uid": item.uid, "front": item.prompt, "back": item.answer_text,
                 "tags": item.tags, "created_at": _plain(item.created_at),
                 "updated_at": _plain(item.updated_at),
                 **({ANKI_GUID: item.anki_guid} if item.anki_guid else {})}
                for item in session.scalars(select(Item).where(Item.deck_id == deck.id)
                                            .order_by(Item.id))]}
            for deck in decks
        ],
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield opening[:-2] + ',\n "cards": [\n'  # the head's closing "\n}" comes last
    separator = ""
    for batch in _card_batches(session, user):
        yield separator + ",\n".join(
            json.dumps({"item": uid_of[card.item_id], **_row(card, CARD_FIELDS),
                        **({CARD_TAGS: tags} if tags else {}), "reviews": reviews},
                       ensure_ascii=False)
            for card, tags, reviews in batch)
        separator = ",\n"
    attempts = session.scalars(select(ExamAttempt).where(ExamAttempt.user_id == user.id)
                               .order_by(ExamAttempt.started_at, ExamAttempt.id)
                               .options(selectinload(ExamAttempt.questions)))
    yield "\n ],\n \"exam_attempts\": " + json.dumps([
        {"exam": attempt.exam_id, **_row(attempt, ATTEMPT_FIELDS), "questions": [
            {"item": uid_of[question.item_id], **_row(question, QUESTION_FIELDS)}
            for question in attempt.questions]}
        for attempt in attempts
    ], ensure_ascii=False, indent=1) + "\n}\n"


_CARD_COLUMNS = (Card.id, Card.item_id, *(getattr(Card, name) for name in CARD_FIELDS))
_REVIEW_COLUMNS = (ReviewLog.card_id, ReviewLog.anki_revlog_id,
                   *(getattr(ReviewLog, name) for name in REVIEW_FIELDS))


def _card_batches(session: Session, user: User
                  ) -> Iterator[list[tuple[Any, list[str], list[dict[str, Any]]]]]:
    """The user's cards in id order, EXPORT_BATCH at a time, each with its tags and
    reviews."""
    after = 0
    while cards := session.execute(
            select(*_CARD_COLUMNS).where(Card.user_id == user.id, Card.id > after)
            .order_by(Card.id).limit(EXPORT_BATCH)).all():
        after = cards[-1].id
        reviews: dict[int, list[dict[str, Any]]] = {}
        # The reviews of these cards, by the (card, time) index (a condition on the user
        # would steer SQLite to the user's whole log); the owner is checked here instead.
        for log in session.execute(
                select(ReviewLog.user_id, *_REVIEW_COLUMNS)
                .where(ReviewLog.card_id.in_([card.id for card in cards]))
                .order_by(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)):
            if log.user_id == user.id:
                row = _row(log, REVIEW_FIELDS)
                if log.anki_revlog_id is not None:
                    row[ANKI_REVLOG_ID] = log.anki_revlog_id
                reviews.setdefault(log.card_id, []).append(row)
        tags = tags_by_card(session, [card.id for card in cards])
        yield [(card, tags.get(card.id, []), reviews.get(card.id, [])) for card in cards]


# --- reading a file -----------------------------------------------------------------------


class _Reader:
    """Walks the document, collecting ``path: message`` problems instead of failing early."""

    def __init__(self, now: datetime) -> None:
        self.problems: list[str] = []
        self.now = now

    def fail(self, path: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(path, "expected an object")
        return {}

    def listing(self, value: Any, path: str) -> list[Any]:
        if isinstance(value, list):
            return value
        self.fail(path, "expected a list")
        return []

    def fields(self, source: dict[str, Any], names: tuple[str, ...],
               path: str) -> dict[str, Any]:
        """The named fields, times parsed, each checked; problems recorded."""
        values = {}
        for name in names:
            if name not in source:
                self.fail(f"{path}.{name}", "missing")
                continue
            value = source[name]
            if name in _TIMES and value is not None:
                value = self.time(value, f"{path}.{name}", past=name in _PAST)
            elif (message := _problem(name, value)) is not None:
                self.fail(f"{path}.{name}", message)
            elif name == "state_before":
                try:
                    CardSchedule.from_dict(value)
                except ValueError as error:
                    self.fail(f"{path}.{name}", str(error))
            values[name] = value
        return values

    def time(self, value: Any, path: str, *, past: bool = False) -> datetime | None:
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment.astimezone(UTC)  # overflows at the ends of the calendar
        except (TypeError, ValueError, OverflowError):
            self.fail(path, "expected an ISO 8601 time")
            return None
        if moment.tzinfo is None:
            self.fail(path, "the time needs a UTC offset")
            return None
        if not 2000 <= moment.year <= 2200:
            self.fail(path, "expected a time between the years 2000 and 2200")
            return None
        if past and moment > self.now:
            self.fail(path, "this time is in the future")
            return None
        return moment


_NONE = type(None)
# The JSON types each field may have.
_KINDS: dict[str, tuple[type, ...]] = {
    "state": (int,), "step": (int, _NONE), "stability": (float, int, _NONE),
    "difficulty": (float, int, _NONE), "reps": (int,), "lapses": (int,), "active": (bool,),
    "from_exam": (bool,), "suspended": (bool,), "flagged": (bool,), "leech": (bool,),
    "review_uid": (str,), "rating": (int,), "duration_ms": (int, _NONE),
    "previous_state": (int,), "last_interval": (int, _NONE), "state_before": (dict,),
    "mode": (str,), "status": (str,),
    "seed": (int,), "question_count": (int,), "correct_count": (int, _NONE),
    "score_scaled": (float, int, _NONE), "passed": (bool, _NONE), "notes": (list,),
    "custom": (dict, _NONE), "current_position": (int, _NONE), "position": (int,),
    "option_order": (list,), "chosen": (list, _NONE), "correct": (bool, _NONE),
    "time_spent_ms": (int,), "front": (str,), "back": (str,), "tags": (list,), "uid": (str,),
}
_CHOICES: dict[str, set[Any]] = {
    "state": set(map(int, CardState)), "previous_state": set(map(int, CardState)),
    "rating": set(map(int, Rating)),
    "mode": {"exam", "practice"}, "status": {"open", "graded"},
}


def _problem(name: str, value: Any) -> str | None:
    """What is wrong with one field's value (its type, choice or range), or None."""
    kinds = _KINDS.get(name, (object,))
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        return f"expected {' or '.join('null' if k is _NONE else k.__name__ for k in kinds)}"
    if name in _CHOICES and value not in _CHOICES[name]:
        return f"expected one of {sorted(_CHOICES[name])}"
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and not -(2**31) <= value <= 2**31 - 1:
        return "out of range"
    return None


# --- import -------------------------------------------------------------------------------


def is_fresh(session: Session, user: User) -> bool:
    """Whether the account holds no study data yet (only such an account takes an import)."""
    return not session.scalar(select(
        exists().where(Card.user_id == user.id)
        | exists().where(ExamAttempt.user_id == user.id)
        | exists().where(Deck.owner_id == user.id)))


@dataclass
class AccountImport:
    """A checked data file, ready to be written (its own cards rendered already)."""

    settings: dict[str, Any]
    parameters: list[float] | None
    enrollments: list[Enrollment]
    own_drafts: dict[str, tuple[CardDraft, datetime, datetime]]
    cards: list[tuple[int | str | None, dict[str, Any], list[dict[str, Any]], list[str]]]
    attempts: list[tuple[str, dict[str, Any], list[tuple[int | str | None, dict[str, Any]]]]]
    own_guids: dict[str, str | None]  # the Anki note GUID each own card had, where it had one


def import_account(session: Session, user: User, document: Any, now: datetime) -> int:
    """Check and load an exported document into the fresh account ``user`` (the two steps
    below in one); returns the review count."""
    return store_account_import(session, user, read_account_file(session, user, document, now))


def read_account_file(session: Session, user: User, document: Any,
                      now: datetime) -> AccountImport:
    """Check the whole document and render its own cards, writing nothing (so the caller
    does this before taking the write lock); DataFileError lists the problems."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    from prep.study.exam_window import parse_exam_date
    from prep.study.settings import SettingsError, parse_settings

    reader = _Reader(now)
    root = reader.mapping(document, "$")
    if root.get("format") != FORMAT or root.get("version") != VERSION:
        raise DataFileError([f"$: not a {FORMAT} file of version {VERSION}"])
    text = json.dumps(document, ensure_ascii=False)
    if "\\u0000" in text:  # no text field can hold one (PostgreSQL refuses)
        raise DataFileError(["$: the file contains a NUL character"])
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800"): no database can store it
        raise DataFileError(["$: the file contains a lone surrogate (an invalid character)"]) \
            from None
    _refuse_unless_fresh(session, user)
    settings = reader.mapping(root.get("settings"), "$.settings")
    tracks = reader.listing(root.get("tracks"), "$.tracks")
    known_tracks = set(session.scalars(select(Track.id)))
    known_exams = set(session.scalars(select(Exam.id)))
    enrollments = []
    for n, entry in enumerate(tracks):
        entry = reader.mapping(entry, f"$.tracks[{n}]")
        if entry.get("track") not in known_tracks:
            reader.fail(f"$.tracks[{n}].track", f"no track {str(entry.get('track'))[:60]!r}")
            continue
        try:
            exam_date = parse_exam_date(str(entry.get("exam_date") or ""))
        except ValueError as error:
            reader.fail(f"$.tracks[{n}].exam_date", str(error))
            continue
        enrollments.append(Enrollment(user_id=user.id, track_id=entry["track"],
                                      exam_date=exam_date, created_at=now))

    own_drafts: dict[str, tuple[CardDraft, datetime, datetime]] = {}
    own_guids: dict[str, str | None] = {}
    for d, deck_entry in enumerate(reader.listing(root.get("own_decks", []), "$.own_decks")):
        path = f"$.own_decks[{d}]"
        deck_entry = reader.mapping(deck_entry, path)
        title = deck_entry.get("title")
        if not isinstance(title, str):
            reader.fail(f"{path}.title", "expected a deck name")
            continue
        for c, raw in enumerate(reader.listing(deck_entry.get("cards"), f"{path}.cards")):
            card_path = f"{path}.cards[{c}]"
            values = reader.fields(reader.mapping(raw, card_path),
                                   ("uid", "front", "back", "tags", "created_at", "updated_at"),
                                   card_path)
            if len(values) < 6 or reader.problems:
                continue
            draft = CardDraft(title, values["front"], values["back"],
                              [str(tag) for tag in values["tags"]])
            for name, message in draft.problems().items():
                reader.fail(f"{card_path}.{name}", message)
            guid = raw.get(ANKI_GUID)
            if guid is not None and not (isinstance(guid, str) and 1 <= len(guid) <= 64):
                reader.fail(f"{card_path}.{ANKI_GUID}", "expected 1 to 64 characters")
            own_drafts[values["uid"]] = (draft, values["created_at"], values["updated_at"])
            own_guids[values["uid"]] = guid

    raw_cards = reader.listing(root.get("cards"), "$.cards")
    raw_attempts = reader.listing(root.get("exam_attempts"), "$.exam_attempts")
    wanted = {entry.get("item") for entry in raw_cards if isinstance(entry, dict)}
    for attempt in raw_attempts:
        if isinstance(attempt, dict) and isinstance(attempt.get("questions"), list):
            wanted |= {q.get("item") for q in attempt["questions"] if isinstance(q, dict)}
    wanted = {uid for uid in wanted if isinstance(uid, str) and uid not in own_drafts}
    # Only the shared decks' items: another user's own cards are never reachable by uid.
    shared = {row.uid: row for row in session.execute(
        select(Item.uid, Item.id, Item.kind, Item.options).join(Deck)
        .where(Item.uid.in_(wanted), Deck.owner_id.is_(None)))}
    item_ids = {uid: row.id for uid, row in shared.items()}

    def item_of(uid: Any, path: str) -> int | str | None:
        if uid in own_drafts:
            return uid  # resolved once the own items exist
        if uid not in item_ids:
            reader.fail(path, f"no item {str(uid)[:80]!r} in this prep's decks")
            return None
        return item_ids[uid]

    cards, review_uids, spellings = [], set(), dict[str, str]()
    for n, raw in enumerate(raw_cards):
        path = f"$.cards[{n}]"
        raw = reader.mapping(raw, path)
        item = item_of(raw.get("item"), f"{path}.item")
        values = reader.fields(raw, CARD_FIELDS, path)
        reviews = []
        for r, entry in enumerate(reader.listing(raw.get("reviews"), f"{path}.reviews")):
            review = reader.fields(reader.mapping(entry, f"{path}.reviews[{r}]"), REVIEW_FIELDS,
                                   f"{path}.reviews[{r}]")
            if review.get("review_uid") in review_uids:
                reader.fail(f"{path}.reviews[{r}].review_uid", "appears twice")
            elif not 1 <= len(str(review.get("review_uid", ""))) <= 64:
                reader.fail(f"{path}.reviews[{r}].review_uid", "expected 1 to 64 characters")
            review_uids.add(review.get("review_uid"))
            revlog_id = entry.get(ANKI_REVLOG_ID) if isinstance(entry, dict) else None
            if revlog_id is not None:
                if isinstance(revlog_id, bool) or not isinstance(revlog_id, int) \
                        or not 0 < revlog_id < 2**63:
                    reader.fail(f"{path}.reviews[{r}].{ANKI_REVLOG_ID}",
                                "expected a positive whole number")
                review[ANKI_REVLOG_ID] = revlog_id
            reviews.append(review)
        tags = raw.get(CARD_TAGS, [])
        if not (isinstance(tags, list) and len(tags) <= MAX_TAGS_PER_CARD
                and all(isinstance(tag, str) and TAG.match(tag) for tag in tags)):
            reader.fail(f"{path}.{CARD_TAGS}", f"expected up to {MAX_TAGS_PER_CARD} tags, each "
                                               "one word of letters, digits and _ : . -")
            tags = []
        # one spelling per tag, whatever the case (as the browser keeps them)
        tags = sorted({spellings.setdefault(tag.casefold(), tag) for tag in tags})
        cards.append((item, values, reviews, tags))

    attempts = []
    for n, raw in enumerate(raw_attempts):
        path = f"$.exam_attempts[{n}]"
        raw = reader.mapping(raw, path)
        if raw.get("exam") not in known_exams:
            reader.fail(f"{path}.exam", f"no exam {str(raw.get('exam'))[:60]!r}")
        values = reader.fields(raw, ATTEMPT_FIELDS, path)
        questions = []
        for q, entry in enumerate(reader.listing(raw.get("questions"), f"{path}.questions")):
            entry = reader.mapping(entry, f"{path}.questions[{q}]")
            item = item_of(entry.get("item"), f"{path}.questions[{q}].item")
            question = reader.fields(entry, QUESTION_FIELDS, f"{path}.questions[{q}]")
            _check_options(reader, shared.get(entry.get("item")), question,
                           f"{path}.questions[{q}]")
            questions.append((item, question))
        attempts.append((raw.get("exam", ""), values, questions))

    parsed_settings: dict[str, Any] = {}
    try:
        parsed_settings = parse_settings({name: _setting_text(name, settings.get(name))
                                          for name in SETTINGS if name != "fsrs_parameters"})
    except SettingsError as error:
        for name, message in error.errors.items():
            reader.fail(f"$.settings.{name}", message)
    parameters = settings.get("fsrs_parameters")
    if parameters is not None and not (
            isinstance(parameters, list) and len(parameters) == len(LOWER_BOUNDS_PARAMETERS)
            and all(isinstance(p, float | int) and not isinstance(p, bool) and math.isfinite(p)
                    and low <= p <= high for p, low, high in zip(
                        parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS,
                        strict=True))):
        reader.fail("$.settings.fsrs_parameters",
                    f"expected null or {len(LOWER_BOUNDS_PARAMETERS)} numbers within FSRS's "
                    "bounds")
    if reader.problems:
        raise DataFileError(reader.problems)
    render_drafts(draft for draft, _created, _updated in own_drafts.values())
    return AccountImport(parsed_settings, parameters, enrollments, own_drafts, cards, attempts,
                         own_guids)


def store_account_import(session: Session, user: User, plan: AccountImport) -> int:
    """Write a checked file into ``user``'s account, still fresh (checked again: the caller
    holds the write lock now); returns the review count."""
    _refuse_unless_fresh(session, user)
    for name, value in plan.settings.items():
        if value is not None:  # a setting the file leaves out keeps the account's default
            setattr(user, name, value)
    user.fsrs_parameters = plan.parameters
    session.add_all(plan.enrollments)
    resolved = {}
    for uid, own_draft in plan.own_drafts.items():
        own_item = new_own_item(session, user, *own_draft)
        # the new item keeps its note's GUID in Anki, so Anki imports and syncs still match it
        own_item.anki_guid = plan.own_guids[uid] or note_guid(uid)
        resolved[uid] = own_item.id

    def resolve(item: int | str | None) -> int:
        return resolved[item] if isinstance(item, str) else item  # type: ignore[return-value]  # an int or None (no item) passes through

    count = 0
    for item, values, reviews, tags in plan.cards:
        card = Card(user_id=user.id, item_id=resolve(item), **values)
        session.add(card)
        session.flush()
        insert_tags(session, [(card.id, tag) for tag in tags], user)
        if reviews:
            session.execute(insert(ReviewLog), [
                {"user_id": user.id, "card_id": card.id, **review} for review in reviews])
            count += len(reviews)
    for exam_id, values, questions in plan.attempts:
        attempt = ExamAttempt(user_id=user.id, exam_id=exam_id, **values)
        session.add(attempt)
        session.flush()
        if questions:
            session.execute(insert(AttemptQuestion), [
                {"attempt_id": attempt.id, "item_id": resolve(item), **question}
                for item, question in questions])
    session.flush()
    return count


def _refuse_unless_fresh(session: Session, user: User) -> None:
    if not is_fresh(session, user):
        raise DataFileError(["$: this account already has cards or exam attempts; import "
                             "into a new account"])


def _check_options(reader: _Reader, item: Any, question: dict[str, Any], path: str) -> None:
    """An attempt question must be a question, shown in an order of its own options."""
    if item is None:
        return  # an unknown item is reported already
    keys = sorted(option["key"] for option in item.options or ())
    if item.kind != "question":
        reader.fail(f"{path}.item", "this item is a flashcard, not a question")
    elif sorted(map(str, question.get("option_order") or [])) != keys:
        reader.fail(f"{path}.option_order", "expected an order of the question's options")
    elif question.get("chosen") is not None and not set(map(str, question["chosen"])) <= set(
            keys):
        reader.fail(f"{path}.chosen", "expected some of the question's options")


def _setting_text(name: str, value: Any) -> str:
    """A stored setting as the settings form would show it (the form's parser checks it)."""
    from prep.study.settings import format_steps

    if name in ("learning_steps", "relearning_steps") and isinstance(value, list) and all(
            isinstance(step, int) and not isinstance(step, bool) for step in value):
        return format_steps(value)
    return "" if value is None or isinstance(value, dict | list) else str(value)


def review_count(session: Session, user: User) -> int:
    """How many reviews the user has logged."""
    return session.scalar(select(func.count()).where(ReviewLog.user_id == user.id)) or 0
