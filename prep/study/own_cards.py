"""A user's own flashcards: create, edit, and import from CSV/TSV (all or nothing)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep.models import CARD, Card, Deck, Item, User
from prep.rendering import highlight_budget, render_item
from prep.study.card_tags import TAG

OWN_PREFIX = "own-"
MAX_FIELD = 20_000
MAX_IMPORT_ROWS = 5_000
# Seconds of code highlighting one import may spend in all; later code blocks are plain.
IMPORT_HIGHLIGHT_BUDGET = 2.0
QUOTE_LENGTH = 120  # characters of a refused line quoted back to the user


@dataclass
class CardDraft:
    """What a user writes for a flashcard."""

    deck: str
    front: str
    back: str
    tags: list[str] = field(default_factory=list)
    _html: dict[str, object] | None = field(default=None, repr=False, compare=False)

    def rendered(self) -> dict[str, object]:
        """The card's HTML, rendered once: callers render before taking the write lock."""
        if self._html is None:
            self._html = render_item(self.front.strip(), self.back.strip(), None,
                                     _content_hash(self))
        return self._html

    def stored_size(self) -> int:
        """Characters this card stores: its Markdown and its rendered HTML."""
        return len(self.front.strip()) + len(self.back.strip()) \
            + len(json.dumps(self.rendered()))

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
        if bad := [tag for tag in self.tags if not TAG.match(tag)]:
            problems["tags"] = f"Tags are words without spaces (not {bad[0][:30]!r})."
        return problems


@dataclass(frozen=True)
class Quota:
    """What one user's own cards may hold: how many, and how many characters of Markdown
    and rendered HTML in all (so storage and export time stay bounded per user)."""

    cards: int
    characters: int


def _stored_size(prompt: Any, answer: Any, rendered: Any) -> Any:
    return func.length(prompt) + func.coalesce(func.length(answer), 0) \
        + func.coalesce(func.length(cast(rendered, Text)), 0)


def quota_problem(session: Session, user: User, quota: Quota, drafts: list[CardDraft],
                  replacing: Item | None = None) -> str | None:
    """Why adding ``drafts`` (rendered, or instead of ``replacing``) would exceed the user's
    quota, or None. Read before the write lock: concurrent requests may overshoot it by
    their own size, which the rate limits keep small."""
    count, size = session.execute(
        select(func.count(Item.id), func.coalesce(func.sum(
            _stored_size(Item.prompt, Item.answer_text, Item.rendered)), 0))
        .join(Deck, Item.deck_id == Deck.id).where(Deck.owner_id == user.id)).one()
    if replacing is not None:
        count -= 1
        size -= len(replacing.prompt) + len(replacing.answer_text or "") \
            + len(json.dumps(replacing.rendered or {}))
    count += len(drafts)
    size += sum(draft.stored_size() for draft in drafts)
    if count > quota.cards:
        return (f"You can keep up to {quota.cards:,} cards of your own; this would make "
                f"{count:,}.")
    if size > quota.characters:
        return (f"Your own cards can hold up to {quota.characters:,} characters (text and its "
                f"formatted version); this would make {size:,}.")
    return None


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
        try:  # in a savepoint: a concurrent request of the user's may create it first
            with session.begin_nested():
                deck = Deck(slug=slug, owner_id=user.id, title=title)
                session.add(deck)
        except IntegrityError:
            deck = session.scalars(select(Deck).where(Deck.slug == slug)).one()
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
        updated_at=updated_at, rendered=draft.rendered(),
    )
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
    item.rendered = draft.rendered()
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
    """Parse CSV or TSV: front, back[, tags[, deck]]; an optional header row is skipped.
    The cards of a clean file are rendered too (see ``render_drafts``)."""
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
    if not report.errors:
        render_drafts(report.drafts)
    return report


def render_drafts(drafts: Iterable[CardDraft]) -> None:
    """Render every draft now (within one import's highlighting budget), so that the write
    transaction that stores them does no rendering."""
    with highlight_budget(IMPORT_HIGHLIGHT_BUDGET):
        for draft in drafts:
            draft.rendered()


def import_cards(session: Session, user: User, report: ImportReport, now: datetime) -> int:
    """Create every parsed card; refuses if any line had an error (nothing half-imported)."""
    if report.errors:
        raise ValueError("the file has errors; nothing was imported")
    for draft in report.drafts:
        create_own_card(session, user, draft, now)
    return len(report.drafts)
