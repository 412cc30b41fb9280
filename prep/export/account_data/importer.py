"""Reading a data file into a fresh account: every record checked (``schema``), then what
only the installation can tell (do its items, tracks and exams exist?), then all of it
written, or nothing.

Own cards travel with their content and get new uids on import (a uid is unique per
installation); another user's own cards are never reachable by uid.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from prep.export.account_data.schema import (
    ATTEMPT_FIELDS,
    CARD_FIELDS,
    FORMAT,
    QUESTION_FIELDS,
    REVIEW_FIELDS,
    SETTINGS,
    VERSION,
    Attempt,
    CardEntry,
    DataFileError,
    OwnCard,
    OwnDeck,
    Problems,
    Sections,
    Settings,
    TrackEntry,
)
from prep.export.anki import note_guid
from prep.models import (
    ANSWERABLE_KINDS,
    CARD,
    MATCHING,
    ORDERING,
    QUESTION,
    YESNO,
    AttemptQuestion,
    Card,
    Deck,
    Enrollment,
    Exam,
    ExamAttempt,
    Item,
    ReviewLog,
    Track,
    User,
)
from prep.study.card_tags import insert_tags
from prep.study.own_cards import CardDraft, new_own_item, render_drafts

ItemRef = int | str | None  # a shared item's id, an own card's uid in the file, or unknown


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
    cards: list[tuple[ItemRef, dict[str, Any], list[dict[str, Any]], list[str]]]
    attempts: list[tuple[str, dict[str, Any], list[tuple[ItemRef, dict[str, Any]]]]]
    own_guids: dict[str, str | None]  # the Anki note GUID each own card had, where it had one


def import_account(session: Session, user: User, document: Any, now: datetime) -> int:
    """Check and load an exported document into the fresh account ``user`` (the two steps
    below in one); returns the review count."""
    return store_account_import(session, user, read_account_file(session, user, document, now))


def _refuse_unreadable(document: Any) -> None:
    """A document that is no prep data file at all, or holds text no database can store."""
    if not isinstance(document, dict) or document.get("format") != FORMAT \
            or document.get("version") != VERSION:
        raise DataFileError([f"$: not a {FORMAT} file of version {VERSION}"])
    text = json.dumps(document, ensure_ascii=False)
    if "\\u0000" in text:  # no text field can hold one (PostgreSQL refuses)
        raise DataFileError(["$: the file contains a NUL character"])
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800"): no database can store it
        raise DataFileError(["$: the file contains a lone surrogate (an invalid character)"]) \
            from None


def read_account_file(session: Session, user: User, document: Any,
                      now: datetime) -> AccountImport:
    """Check the whole document and render its own cards, writing nothing (so the caller
    does this before taking the write lock); DataFileError lists the problems."""
    _refuse_unreadable(document)
    _refuse_unless_fresh(session, user)
    problems = Problems(now)
    sections = problems.check(Sections, document, "$")
    if sections is None:
        raise DataFileError(problems.lines)
    settings = problems.check(Settings, sections.settings, "$.settings")
    enrollments = _enrollments(session, user, problems, sections.tracks, now)
    own_drafts, own_guids, own_refused = _own_cards(problems, sections.own_decks)
    entries = problems.each(CardEntry, sections.cards, "$.cards")
    attempts = problems.each(Attempt, sections.exam_attempts, "$.exam_attempts")

    wanted = {entry.item for _, entry in entries}
    wanted |= {question.item for _, attempt in attempts for question in attempt.questions}
    wanted -= set(own_drafts)
    # Only the shared decks' items: another user's own cards are never reachable by uid.
    shared = {row.uid: row for row in session.execute(
        select(Item.uid, Item.id, Item.kind, Item.options, Item.prompts).join(Deck)
        .where(Item.uid.in_(wanted), Deck.owner_id.is_(None)))}

    def item_of(uid: str, path: str) -> ItemRef:
        if uid in own_drafts:
            return uid  # resolved once the own items exist
        if uid in own_refused:
            return None  # the own card's problems are reported already
        if uid not in shared:
            problems.fail(path, f"no item {str(uid)[:80]!r} in this prep's decks")
            return None
        return shared[uid].id

    cards, review_uids, spellings = [], set(), dict[str, str]()
    for path, entry in entries:
        item = item_of(entry.item, f"{path}.item")
        reviews = []
        for r, review in enumerate(entry.reviews):
            if review.review_uid in review_uids:
                problems.fail(f"{path}.reviews[{r}].review_uid", "appears twice")
            review_uids.add(review.review_uid)
            stored = _fields(review, REVIEW_FIELDS)
            if review.anki_revlog_id is not None:
                stored["anki_revlog_id"] = review.anki_revlog_id
            reviews.append(stored)
        # one spelling per tag, whatever the case (as the browser keeps them)
        tags = sorted({spellings.setdefault(tag.casefold(), tag) for tag in entry.tags})
        cards.append((item, _fields(entry, CARD_FIELDS), reviews, tags))

    known_exams = set(session.scalars(select(Exam.id)))
    planned = []
    for path, attempt in attempts:
        if attempt.exam not in known_exams:
            problems.fail(f"{path}.exam", f"no exam {str(attempt.exam)[:60]!r}")
        questions = []
        for q, question in enumerate(attempt.questions):
            where = f"{path}.questions[{q}]"
            if question.item in own_drafts:  # own cards are flashcards (the report would fail)
                problems.fail(f"{where}.item", "this item is a flashcard, not a question")
            _check_options(problems, shared.get(question.item), question.option_order,
                           question.chosen, where)
            fields = _fields(question, QUESTION_FIELDS)
            if fields["score"] is None and fields["correct"] is not None:
                fields["score"] = float(fields["correct"])  # a file from before the scores
            questions.append((item_of(question.item, f"{where}.item"), fields))
        attempt_fields = _fields(attempt, ATTEMPT_FIELDS)
        if attempt_fields["points"] is None and attempt_fields["correct_count"] is not None:
            attempt_fields["points"] = float(attempt_fields["correct_count"])
        planned.append((attempt.exam, attempt_fields, questions))

    parsed_settings = _parsed_settings(problems, settings) if settings else {}
    if problems.lines:
        raise DataFileError(problems.lines)
    render_drafts(draft for draft, _created, _updated in own_drafts.values())
    return AccountImport(parsed_settings, settings.fsrs_parameters if settings else None,
                         enrollments, own_drafts, cards, planned, own_guids)


def _fields(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _enrollments(session: Session, user: User, problems: Problems, tracks: list[Any],
                 now: datetime) -> list[Enrollment]:
    """The studied tracks: each must exist here, with a valid exam date."""
    from prep.study.exam_window import parse_exam_date

    known = set(session.scalars(select(Track.id)))
    enrollments = []
    for path, entry in problems.each(TrackEntry, tracks, "$.tracks"):
        if entry.track not in known:
            problems.fail(f"{path}.track", f"no track {str(entry.track)[:60]!r}")
            continue
        try:
            exam_date = parse_exam_date(str(entry.exam_date or ""))
        except ValueError as error:
            problems.fail(f"{path}.exam_date", str(error))
            continue
        enrollments.append(Enrollment(user_id=user.id, track_id=entry.track,
                                      exam_date=exam_date, created_at=now))
    return enrollments


def _own_cards(problems: Problems, decks: list[Any]) -> tuple[
        dict[str, tuple[CardDraft, datetime, datetime]], dict[str, str | None], set[Any]]:
    """The own cards as drafts (checked as the card form checks them) by their uid in the
    file, the Anki GUID each had, and the uids of the own cards refused (reported)."""
    drafts: dict[str, tuple[CardDraft, datetime, datetime]] = {}
    guids: dict[str, str | None] = {}
    refused: set[Any] = set()
    for path, deck in problems.each(OwnDeck, decks, "$.own_decks"):
        for card_path, card in problems.each(OwnCard, deck.cards, f"{path}.cards"):
            draft = CardDraft(deck.title, card.front, card.back, [str(t) for t in card.tags])
            for name, message in draft.problems().items():
                problems.fail(f"{card_path}.{name}", message)
            drafts[card.uid] = (draft, card.created_at, card.updated_at)
            guids[card.uid] = card.anki_guid
        refused |= {raw.get("uid") for raw in deck.cards
                    if isinstance(raw, dict) and isinstance(raw.get("uid"), str)} - set(drafts)
    return drafts, guids, refused


def _parsed_settings(problems: Problems, settings: Settings) -> dict[str, Any]:
    """The review settings, read by the settings form's parsers (their messages too)."""
    from prep.study.settings import SettingsError, format_steps, parse_settings

    def as_typed(name: str, value: Any) -> str:
        if name in ("learning_steps", "relearning_steps") and isinstance(value, list) and all(
                isinstance(step, int) and not isinstance(step, bool) for step in value):
            return format_steps(value)
        return "" if value is None or isinstance(value, dict | list) else str(value)

    try:
        return parse_settings({name: as_typed(name, getattr(settings, name))
                               for name in SETTINGS if name != "fsrs_parameters"})
    except SettingsError as error:
        for name, message in error.errors.items():
            problems.fail(f"$.settings.{name}", message)
        return {}


def _check_options(problems: Problems, item: Any, order: list[Any], chosen: list[Any] | None,
                   path: str) -> None:
    """An attempt question must be an answerable item, shown in an order of its own options
    (steps, answers), with an answer of its kind's form (docs: issue 16's design)."""
    if item is None:
        return  # an unknown item is reported already
    keys = sorted(option["key"] for option in item.options or ())
    answer = None if chosen is None else list(map(str, chosen))
    if item.kind not in ANSWERABLE_KINDS:
        what = "a flashcard" if item.kind == CARD else "a case study or series"
        problems.fail(f"{path}.item", f"this item is {what}, not a question")
    elif sorted(map(str, order)) != keys:
        problems.fail(f"{path}.option_order", "expected an order of the question's options")
    elif answer is None:
        return
    elif item.kind == ORDERING and sorted(answer) != keys:
        problems.fail(f"{path}.chosen", "expected an order of all the steps")
    elif item.kind == MATCHING and (len(answer) != len(item.prompts or ())
                                    or not set(answer) <= {*keys, ""}):
        problems.fail(f"{path}.chosen", "expected an answer key (or \"\") for each prompt")
    elif item.kind in (QUESTION, YESNO) and not set(answer) <= set(keys):
        problems.fail(f"{path}.chosen", "expected some of the question's options")


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

    def resolve(item: ItemRef) -> int:
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
