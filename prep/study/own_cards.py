"""A user's own flashcards: create, edit, and import from CSV/TSV (all or nothing)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import CARD, Card, Deck, Item, User

OWN_PREFIX = "own-"
MAX_FIELD = 20_000
MAX_IMPORT_ROWS = 5_000
QUOTE_LENGTH = 120  # characters of a refused line quoted back to the user
_TAG = re.compile(r"^[\w:.-]{1,60}$")


@dataclass
class CardDraft:
    """What a user writes for a flashcard."""

    deck: str
    front: str
    back: str
    tags: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, str]:
        """Field -> message for every invalid field (empty when the draft is fine)."""
        problems = {}
        if not self.deck.strip() or len(self.deck) > 100:
            problems["deck"] = "Give the deck a name of 1 to 100 characters."
        for name in ("front", "back"):
            value = getattr(self, name)
            if not value.strip():
                problems[name] = f"The {name} cannot be empty."
            elif len(value) > MAX_FIELD or "\x00" in value:
                problems[name] = f"The {name} is too long or contains a NUL character."
        if bad := [tag for tag in self.tags if not _TAG.match(tag)]:
            problems["tags"] = f"Tags are words without spaces (not {bad[0][:30]!r})."
        return problems


def parse_tags(text: str) -> list[str]:
    """Tags typed as words separated by spaces or commas."""
    return sorted({tag for tag in re.split(r"[\s,]+", text.strip()) if tag})


def _content_hash(draft: CardDraft) -> str:
    blob = json.dumps([draft.front, draft.back, sorted(draft.tags)], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def own_deck(session: Session, user: User, title: str) -> Deck:
    """The user's deck with this title, created on first use."""
    title = " ".join(title.split())
    slug = f"user-{user.id}/{hashlib.sha1(title.casefold().encode()).hexdigest()[:16]}"
    deck = session.scalar(select(Deck).where(Deck.slug == slug))
    if deck is None:
        deck = Deck(slug=slug, owner_id=user.id, title=title)
        session.add(deck)
        session.flush()
    return deck


def new_own_item(session: Session, user: User, draft: CardDraft, created_at: datetime,
                 updated_at: datetime) -> Item:
    """A new flashcard item in one of the user's decks (no card row); ValueError if invalid."""
    if problems := draft.problems():
        raise ValueError(problems)
    item = Item(
        uid=f"{OWN_PREFIX}{secrets.token_hex(12)}", deck=own_deck(session, user, draft.deck),
        kind=CARD, prompt=draft.front.strip(), answer_text=draft.back.strip(),
        tags=sorted(set(draft.tags)), content_hash=_content_hash(draft), created_at=created_at,
        updated_at=updated_at,
    )
    item.refresh_rendered()
    session.add(item)
    session.flush()
    return item


def create_own_card(session: Session, user: User, draft: CardDraft, now: datetime) -> Card:
    """A new flashcard of the user's, with its card row (new, due now)."""
    item = new_own_item(session, user, draft, now, now)
    card = Card(user_id=user.id, item_id=item.id, due=now)
    session.add(card)
    session.flush()
    return card


def edit_own_card(session: Session, user: User, item: Item, draft: CardDraft,
                  now: datetime) -> None:
    """Change one of the user's own flashcards (its schedule and history are kept)."""
    if item.deck.owner_id != user.id:
        raise PermissionError("only your own cards can be edited")
    if problems := draft.problems():
        raise ValueError(problems)
    content_hash = _content_hash(draft)
    if content_hash != item.content_hash:
        item.updated_at = now
    item.deck = own_deck(session, user, draft.deck)
    item.prompt, item.answer_text = draft.front.strip(), draft.back.strip()
    item.tags, item.content_hash = sorted(set(draft.tags)), content_hash
    item.refresh_rendered()
    session.flush()


@dataclass
class ImportReport:
    """Parsed rows, or the reason each bad line was refused."""

    drafts: list[CardDraft] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    quotes: dict[int, str] = field(default_factory=dict)  # a refused line's text, by number

    def refuse(self, number: int, message: str, source: str | None = None) -> None:
        """Record a refused line, with the start of its text when known."""
        self.errors.append((number, message))
        if source is not None:
            self.quotes[number] = source if len(source) <= QUOTE_LENGTH else (
                source[:QUOTE_LENGTH] + "…")


def parse_card_table(text: str, filename: str, default_deck: str) -> ImportReport:
    """Parse CSV or TSV: front, back[, tags[, deck]]; an optional header row is skipped."""
    report = ImportReport()
    if "\x00" in text:
        report.errors.append((1, "the file contains NUL bytes; is it a text file?"))
        return report
    first = text.split("\n", 1)[0]
    tab = filename.lower().endswith((".tsv", ".tab", ".txt")) or "\t" in first
    rows = csv.reader(io.StringIO(text), delimiter="\t" if tab else ",")
    lines, read = text.splitlines(), 0
    try:
        for number, row in enumerate(rows, start=1):
            source = "\n".join(lines[read:rows.line_num]).strip()  # what the reader consumed
            read = rows.line_num
            if number == 1 and [c.strip().lower() for c in row[:2]] == ["front", "back"]:
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(report.drafts) + len(report.errors) >= MAX_IMPORT_ROWS:
                report.errors.append((number, f"more than {MAX_IMPORT_ROWS} rows; split the file"))
                break
            if not 2 <= len(row) <= 4:
                report.refuse(number, f"expected 2 to 4 columns (front, back, tags, deck),"
                                      f" found {len(row)}", source)
                continue
            front, back, *rest = row
            draft = CardDraft(deck=(rest[1] if len(rest) > 1 else "").strip() or default_deck,
                              front=front, back=back,
                              tags=parse_tags(rest[0]) if rest else [])
            if problems := draft.problems():
                report.refuse(number, "; ".join(problems.values()), source)
            else:
                report.drafts.append(draft)
    except csv.Error as error:
        report.errors.append((rows.line_num, f"unreadable row: {error}"))
    if not report.drafts and not report.errors:
        report.errors.append((1, "the file holds no cards"))
    return report


def import_cards(session: Session, user: User, report: ImportReport, now: datetime) -> int:
    """Create every parsed card; refuses if any line had an error (nothing half-imported)."""
    if report.errors:
        raise ValueError("the file has errors; nothing was imported")
    for draft in report.drafts:
        create_own_card(session, user, draft, now)
    return len(report.drafts)
