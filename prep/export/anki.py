"""Anki packages (.apkg) of the decks, made with genanki, that import cleanly into real Anki.

Stable by construction, so that a re-import updates notes instead of duplicating them:
note type and deck ids derive from stable names, note GUIDs from item ids, and a note's
modification time is when its content last changed (kept by the deck loader), so Anki's
"update if newer" import changes edited notes and leaves the rest (and the user's own edits
in Anki) alone. Two exports of unchanged content hold identical collections: ids, order and
times all derive from the content.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import genanki
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prep.models import CARD, Card, CardTag, Deck, ExamDomain, Item, Track, User
from prep.rendering import pygments_css

ROOT_DECK = "ML Certs"
LETTERS = "ABCDEF"
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


class ExportError(ValueError):
    """The export cannot be made as asked (unknown track, nothing to export, bad path)."""


def stable_id(*parts: str) -> int:
    """A positive 31-bit id derived from text (never random at export time)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) | (int.from_bytes(digest[:4], "big") & ((1 << 30) - 1))


CSS = """
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 18px;
        line-height: 1.45; text-align: left; color: #1d1f21; background: #fff;
        max-width: 42em; margin: 0 auto; padding: 0 .5em; }
.nightMode.card, .night_mode .card { color: #e7e9ea; background: #1e2125; }
pre { white-space: pre-wrap; word-wrap: break-word; font-size: 14px; padding: .5em;
      border-radius: 6px; background: rgba(127,127,127,.12); overflow-x: auto; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; }
ol.options { padding-left: 0; list-style: none; }
ol.options li { margin: .35em 0; padding: .35em .5em; border: 1px solid rgba(127,127,127,.35);
                border-radius: 6px; }
.letter { font-weight: 700; margin-right: .4em; }
.choose { font-weight: 600; }
.answer { font-weight: 700; font-size: 1.1em; }
.explanations li { margin: .3em 0; }
.meta { color: #888; font-size: 13px; margin-top: 1em; }
img { max-width: 100%; height: auto; }
""" + pygments_css()

_META = '<div class="meta">{{Track}} · {{Domain}}{{#Source}}<br>{{Source}}{{/Source}}</div>'
BASIC = genanki.Model(
    stable_id("prep", "model", "basic"),
    "prep Basic",
    fields=[{"name": name} for name in ("Front", "Back", "Track", "Domain", "Source")],
    templates=[{
        "name": "Card 1",
        "qfmt": '<div class="front">{{Front}}</div>',
        "afmt": '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>' + _META,
    }],
    css=CSS,
)
MULTIPLE_CHOICE = genanki.Model(
    stable_id("prep", "model", "multiple-choice"),
    "prep Multiple Choice",
    fields=[{"name": name} for name in ("Question", "Options", "Answer", "Explanation", "Track",
                                        "Domain", "Source")],
    templates=[{
        "name": "Card 1",
        "qfmt": '<div class="question">{{Question}}</div>{{Options}}',
        "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">Answer: {{Answer}}</div>'
                "{{Explanation}}" + _META,
    }],
    css=CSS,
)


class TimedNote(genanki.Note):
    """A note whose modification time is its content's, not the export's."""

    def __init__(self, *args: object, mtime: float, suspended: bool = False, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.mtime = mtime
        self.suspended = suspended

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        for card in self.cards:
            card.suspend = self.suspended
        super().write_to_db(cursor, self.mtime, deck_id, id_gen)


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


def _domain_label(item: Item) -> tuple[str, list[str]]:
    """Readable domains ("MLA-C01 1. Data Preparation") and their tags."""
    labels, tags = [], []
    for domain in sorted(item.domains, key=lambda d: (d.exam_id, d.number)):
        labels.append(f"{domain.exam.code} {domain.number}. {domain.name}")
        tags.append(f"prep::{domain.exam_id}::domain-{domain.number}")
    return "; ".join(labels), tags


def _tag(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_:." else "_" for c in text)


def _media_name(image: str) -> str:
    digest = hashlib.sha1(image.encode()).hexdigest()[:12]
    return f"prep-{digest}-{Path(image).name}"


def _with_image(html_text: str, item: Item) -> str:
    if not item.image:
        return html_text
    return f'{html_text}<div><img src="{html.escape(_media_name(item.image))}"></div>'


def note_guid(uid: str, anki_guid: str | None = None) -> str:
    """The GUID of an item's Anki note: an imported note's own, else derived from the uid."""
    return anki_guid or genanki.guid_for(uid)


def note_for(item: Item, track_name: str, suspended: bool = False,
             card_tags: Iterable[str] = ()) -> TimedNote:
    """The Anki note of one item (Basic for flashcards, Multiple Choice for questions),
    tagged with the deck's tags and ``card_tags`` (the user's own tags on its card)."""
    domain, domain_tags = _domain_label(item)
    scope = f"prep::track::{item.deck.track_id}" if item.deck.track_id else "prep::own"
    tags = [scope, f"prep::kind::{item.kind}",
            *domain_tags, *(_tag(tag) for tag in [*item.tags, *card_tags])]
    source = html.escape(item.reference or "")
    mtime = item.updated_at.timestamp()
    rendered = item.html()
    if item.kind == CARD:
        fields = [_with_image(rendered["prompt"], item), rendered["answer"],
                  html.escape(track_name), html.escape(domain), source]
        model = BASIC
    else:
        item_options, item_correct = item.options or [], item.correct or []  # set on questions
        letters = dict(zip((o["key"] for o in item_options), LETTERS, strict=False))
        correct = [letters[key] for key in item_correct]
        choose = (f'<p class="choose">Choose {_COUNT_WORDS.get(len(correct), len(correct))}.</p>'
                  if len(correct) > 1 else "")
        parts = rendered["options"]
        options = "".join(
            f'<li><span class="letter">{letters[o["key"]]}.</span>{parts[o["key"]]["text"]}</li>'
            for o in item_options)
        explanations = "".join(
            f'<li><span class="letter">{letters[o["key"]]}.</span>'
            f'{"✔ " if o["key"] in item_correct else "✘ "}{parts[o["key"]]["explanation"]}</li>'
            for o in item_options)
        fields = [_with_image(rendered["prompt"], item),
                  f'{choose}<ol class="options">{options}</ol>', ", ".join(correct),
                  f'<ol class="explanations options">{explanations}</ol>',
                  html.escape(track_name), html.escape(domain), source]
        model = MULTIPLE_CHOICE
    return TimedNote(model=model, fields=fields, guid=note_guid(item.uid, item.anki_guid),
                     tags=sorted(set(tags)), mtime=mtime, suspended=suspended)


def _items(session: Session, decks: Iterable[Deck]) -> list[Item]:
    return list(session.scalars(
        select(Item).where(Item.deck_id.in_([d.id for d in decks]), Item.retired_at.is_(None))
        .options(selectinload(Item.domains).selectinload(ExamDomain.exam))
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
    anki_decks, media, newest, notes = [], set(), 0.0, 0
    for name, deck, track_name in groups:
        anki_deck = genanki.Deck(stable_id("prep", "deck", deck.slug), name)
        for item in _items(session, [deck]):
            if wanted is not None and not wanted(item):
                continue
            anki_deck.add_note(note_for(item, track_name, item.id in suspended_items,
                                        tags_of.get(item.id, ())))
            newest = max(newest, item.updated_at.timestamp())
            notes += 1
            if item.image:
                media.add(item.image)
        if anki_deck.notes:
            anki_decks.append(anki_deck)
    if not anki_decks and wanted is None:
        raise ExportError("nothing to export: no notes in the chosen tracks")
    staged = [(decks_root / image, _media_name(image)) for image in sorted(media)
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
