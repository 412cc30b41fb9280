"""Anki packages (.apkg) of the decks, made with genanki, that import cleanly into real Anki.

Stable by construction, so that a re-import updates notes instead of duplicating them:
note type and deck ids derive from stable names, note GUIDs from item ids, and a note's
modification time is when its content last changed (kept by the deck loader; a case
study's or series' change counts for its members), so Anki's
"update if newer" import changes edited notes and leaves the rest (and the user's own edits
in Anki) alone. Two exports of unchanged content hold identical collections: ids, order and
times all derive from the content. The note types are in ``prep.export.anki_note_types``;
what each item kind's note holds is in ``prep.export.anki_notes``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import genanki
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prep.export.anki_note_types import stable_id
from prep.export.anki_notes import media_name, note_for
from prep.export.anki_notes import note_guid as note_guid  # imported from here by the sync
from prep.models import GROUP_KINDS, Card, CardTag, Deck, ExamDomain, Item, Track, User

ROOT_DECK = "ML Certs"


class ExportError(ValueError):
    """The export cannot be made as asked (unknown track, nothing to export, bad path)."""


@dataclass
class ExportReport:
    """What a package holds."""

    path: Path
    notes: int = 0
    decks: int = 0
    media: int = 0


@dataclass
class BuiltPackage:
    """A package ready to write: its timestamp (the newest content change, so that unchanged
    content gives an identical collection) and its media as (source file, name in Anki)."""

    package: genanki.Package
    timestamp: float
    notes: int
    media: list[tuple[Path, str]]


def _items(session: Session, decks: Iterable[Deck]) -> list[Item]:
    """The live items of ``decks`` that are notes: not the cases and series themselves."""
    return list(session.scalars(
        select(Item).where(Item.deck_id.in_([d.id for d in decks]), Item.retired_at.is_(None),
                           Item.kind.not_in(GROUP_KINDS))
        .options(selectinload(Item.domains).selectinload(ExamDomain.exam),
                 selectinload(Item.group))
        .order_by(Item.uid)))


def build_package(
    session: Session,
    track_ids: list[str] | None,
    decks_root: Path,
    *,
    user: User | None = None,
    include_suspended: bool = False,
    with_card_tags: bool = False,
    wanted: Callable[[Item], bool] | None = None,
) -> BuiltPackage:
    """The package for ``track_ids`` (None: every track), plus the user's own cards if given
    (and, ``with_card_tags``, the user's tags on their cards as Anki tags).

    ``wanted`` keeps only some notes (the Anki sync sends the new and changed ones); such a
    package may be empty.
    """
    tracks = session.scalars(select(Track).order_by(Track.position, Track.id)).all()
    if track_ids is not None:
        unknown = set(track_ids) - {t.id for t in tracks}
        if unknown:
            raise ExportError(f"unknown track: {', '.join(sorted(unknown))}")
        tracks = [t for t in tracks if t.id in track_ids]
    suspended_items: set[int] = set()
    if user is not None and include_suspended:
        suspended_items = set(session.scalars(
            select(Card.item_id).where(Card.user_id == user.id, Card.suspended.is_(True))))
    tags_of: dict[int, list[str]] = {}
    if user is not None and with_card_tags:
        for item_id, tag in session.execute(
                select(Card.item_id, CardTag.tag).join(CardTag, CardTag.card_id == Card.id)
                .where(CardTag.user_id == user.id)):
            tags_of.setdefault(item_id, []).append(tag)
    groups: list[tuple[str, Deck, str]] = []
    for track in tracks:
        decks = session.scalars(select(Deck).where(Deck.track_id == track.id,
                                                   Deck.owner_id.is_(None),
                                                   Deck.retired_at.is_(None))
                                .order_by(Deck.slug)).all()
        groups += [(f"{ROOT_DECK}::{deck_name_part(track.name)}::{deck_name_part(deck.title)}",
                    deck, track.name) for deck in decks]
    if user is not None:
        own = session.scalars(select(Deck).where(Deck.owner_id == user.id)
                              .order_by(Deck.title)).all()
        groups += [(f"{ROOT_DECK}::My cards::{deck_name_part(deck.title)}", deck, "My cards")
                   for deck in own]
    anki_decks, newest, notes = [], 0.0, 0
    media: set[str] = set()
    for name, deck, track_name in groups:
        anki_deck = genanki.Deck(stable_id("prep", "deck", deck.slug), name)
        for item in _items(session, [deck]):
            if wanted is not None and not wanted(item):
                continue
            note = note_for(item, track_name, item.id in suspended_items,
                            tags_of.get(item.id, ()))
            anki_deck.add_note(note)
            newest = max(newest, note.mtime)
            notes += 1
            media.update(image for image in (item.image, item.group and item.group.image)
                         if image)
        if anki_deck.notes:
            anki_decks.append(anki_deck)
    if not anki_decks and wanted is None:
        raise ExportError("nothing to export: no notes in the chosen tracks")
    staged = [(decks_root / image, media_name(image)) for image in sorted(media)
              if (decks_root / image).is_file()]
    return BuiltPackage(genanki.Package(anki_decks), newest, notes, staged)


_NOT_IN_DECK_NAMES = re.compile(r'[<>&"\x00-\x1f\x7f]|::')


def deck_name_part(title: str) -> str:
    """A title as one level of an Anki deck name: no markup characters (Anki shows deck
    names as HTML in places) and no ``::`` (which would nest decks)."""
    return " ".join(_NOT_IN_DECK_NAMES.sub(" ", title).split()) or "Untitled"


def write_package(built: BuiltPackage, out: Path) -> None:
    """Write the package to ``out`` atomically (a failed export leaves no half file)."""
    target = out.resolve()
    if target.is_dir() or not target.parent.is_dir():
        raise ExportError(f"cannot write {out}: no such directory")
    if not os.access(target.parent, os.W_OK):
        raise ExportError(f"cannot write {out}: permission denied")
    with tempfile.TemporaryDirectory() as folder:
        media = []
        for source, name in built.media:  # copies under the names the notes use
            copy = Path(folder) / name
            copy.write_bytes(source.read_bytes())
            media.append(str(copy))
        built.package.media_files = media
        partial = target.with_name(f".{target.name}.partial")
        try:
            built.package.write_to_file(str(partial), timestamp=built.timestamp)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise ExportError(f"cannot write {out}: {error.strerror}") from error


def export_anki(
    session: Session,
    out: Path,
    decks_root: Path,
    track_ids: list[str] | None = None,
    *,
    user: User | None = None,
    include_suspended: bool = False,
) -> ExportReport:
    """Build and write the package; the one function the CLI and the web both call."""
    built = build_package(session, track_ids, decks_root, user=user,
                          include_suspended=include_suspended, with_card_tags=True)
    write_package(built, out)
    return ExportReport(path=out, notes=built.notes, decks=len(built.package.decks),
                        media=len(built.media))
