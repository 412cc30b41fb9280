"""Writing the data file: everything of one user's as JSON, a batch of cards at a time.

Items are referred to by their stable ``uid``, never by database ids, so the file moves
between prep installations that load the same decks. Optional values are written only when
set: an answer's Anki revlog id, the Anki GUID of an own card's note, a card's own tags.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prep.export.account_data.schema import (
    ATTEMPT_FIELDS,
    CARD_FIELDS,
    FORMAT,
    OWN_CARD_FIELDS,
    QUESTION_FIELDS,
    REVIEW_FIELDS,
    SETTINGS,
    VERSION,
)
from prep.models import AttemptQuestion, Card, Deck, ExamAttempt, Item, ReviewLog, User
from prep.study.card_tags import tags_by_card

EXPORT_BATCH = 500  # cards (with their reviews) read and written at a time
EXPORT_SPOOL = 8 * 1024 * 1024  # bytes of a data file kept in memory before it spills to disk
# How the file names an own card's fields that the item stores under other names.
_OWN_CARD_COLUMNS = {"front": "prompt", "back": "answer_text"}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _row(obj: object, names: tuple[str, ...],
         columns: dict[str, str] | None = None) -> dict[str, Any]:
    return {name: _plain(getattr(obj, (columns or {}).get(name, name))) for name in names}


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
                {**_row(item, OWN_CARD_FIELDS, _OWN_CARD_COLUMNS),
                 **({"anki_guid": item.anki_guid} if item.anki_guid else {})}
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
                        **({"tags": tags} if tags else {}), "reviews": reviews},
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
                    row["anki_revlog_id"] = log.anki_revlog_id
                reviews.setdefault(log.card_id, []).append(row)
        tags = tags_by_card(session, [card.id for card in cards])
        yield [(card, tags.get(card.id, []), reviews.get(card.id, [])) for card in cards]
