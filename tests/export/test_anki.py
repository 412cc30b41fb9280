"""Anki export, checked by importing into real Anki (the ``anki`` package)."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.config import PROJECT_ROOT
from prep.export.anki import ExportError, export_anki
from prep.models import GROUP_KINDS, Card, Item, Track
from prep.rendering import render_markdown
from tests.conftest import FrozenClock
from tests.factories import add_flashcards, load_decks, make_user

DECKS = PROJECT_ROOT / "decks"


def import_into(collection_path: Path, package: Path, *, scheduling: bool = False) -> Collection:
    collection = Collection(str(collection_path))
    collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=scheduling)))
    return collection


def collection_rows(package: Path, folder: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the package's collection file."""
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    connection = sqlite3.connect(folder / "collection.anki2")
    tables = [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    rows = {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables}
    connection.close()
    return rows


@pytest.fixture
def shipped(session: Session, clock: FrozenClock, tmp_path: Path) -> Path:
    """The shipped decks, copied (so a test may edit them) and loaded."""
    root = tmp_path / "decks"
    shutil.copytree(DECKS, root)
    load_decks(session, clock(), root)
    return root


def test_every_track_imports_cleanly_into_anki(session: Session, shipped: Path,
                                               tmp_path: Path) -> None:
    package = tmp_path / "all.apkg"
    report = export_anki(session, package, shipped)
    # Every live item is one note, except the cases and series that group others.
    items = session.scalars(select(Item).where(Item.retired_at.is_(None),
                                               Item.kind.not_in(GROUP_KINDS))).all()
    assert report.notes == len(items)
    collection = import_into(tmp_path / "collection.anki2", package)
    try:
        assert len(collection.find_notes("")) == len(items)
        assert len(collection.find_cards("")) == len(items)
        names = {deck.name for deck in collection.decks.all_names_and_ids()}
        tracks = session.scalars(select(Track.name)).all()
        assert len(tracks) >= 5
        for track in tracks:
            assert f"ML Certs::{track}" in names
        assert "ML Certs::SageMaker::Data preparation for ML" in names
        by_uid = {item.uid: item for item in items}
        import genanki

        guid_to_uid = {genanki.guid_for(uid): uid for uid in by_uid}
        for note_id in collection.find_notes(""):
            note = collection.get_note(note_id)
            item = by_uid[guid_to_uid[note.guid]]
            assert all(field.strip() for field in note.fields[:3]), item.uid
            if item.kind != "question":
                continue
            card = note.cards()[0]
            question, answer = card.question(), card.answer()
            letters = "ABCDEF"
            for position, option in enumerate(item.options):
                assert f"{letters[position]}.</span>{render_markdown(option['text'])}" in question
            assert note["Answer"] == ", ".join(
                letters[[o["key"] for o in item.options].index(k)] for k in item.correct)
            assert f"Answer: {note['Answer']}" in answer
            if len(item.correct) > 1:
                assert "Choose two." in question or "Choose three." in question
            assert f"prep::track::{item.deck.track_id}" in note.tags
    finally:
        collection.close()


def test_reimport_updates_the_edited_note_only(session: Session, shipped: Path,
                                               clock: FrozenClock, tmp_path: Path) -> None:
    first = tmp_path / "first.apkg"
    export_anki(session, first, shipped, ["mlflow"])
    collection = import_into(tmp_path / "collection.anki2", first)
    try:
        before = {collection.get_note(n).guid: (collection.get_note(n).mod,
                                                 collection.get_note(n).fields[0])
                  for n in collection.find_notes("")}
        topic = shipped / "mlflow" / "data-processing.yaml"
        text = topic.read_text()
        anchor = "    front: |\n      "
        start = text.index(anchor) + len(anchor)
        topic.write_text(text[:start] + "EDITED " + text[start:])
        clock.advance(days=2)
        assert load_decks(session, clock(), shipped).updated == 1
        second = tmp_path / "second.apkg"
        export_anki(session, second, shipped, ["mlflow"])
        collection.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(second), options=ImportAnkiPackageOptions()))
        after = {collection.get_note(n).guid: (collection.get_note(n).mod,
                                                collection.get_note(n).fields[0])
                 for n in collection.find_notes("")}
    finally:
        collection.close()
    assert len(after) == len(before)
    changed = [guid for guid in before if before[guid] != after[guid]]
    assert len(changed) == 1
    assert "EDITED" in after[changed[0]][1] and "EDITED" not in before[changed[0]][1]


def test_two_exports_of_unchanged_content_are_identical(session: Session, shipped: Path,
                                                        tmp_path: Path) -> None:
    export_anki(session, tmp_path / "a.apkg", shipped, ["tensorflow", "azure-ai"])
    export_anki(session, tmp_path / "b.apkg", shipped, ["tensorflow", "azure-ai"])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert collection_rows(tmp_path / "a.apkg", tmp_path / "a") == collection_rows(
        tmp_path / "b.apkg", tmp_path / "b")


def test_own_cards_and_suspended_flags(session: Session, clock: FrozenClock,
                                       tmp_path: Path) -> None:
    load_decks(session, clock())
    user = make_user(session, clock(), "anki@example.com")
    card_id = add_flashcards(session, user, 3, clock())[0]
    session.get(Card, card_id).suspended = True
    session.commit()
    package = tmp_path / "mine.apkg"
    export_anki(session, package, DECKS, None, user=user, include_suspended=True)
    # Suspension is scheduling data: Anki keeps it when "import scheduling" is ticked.
    collection = import_into(tmp_path / "collection.anki2", package, scheduling=True)
    try:
        assert len(collection.find_notes('"deck:ML Certs::My cards::Bulk"')) == 3
        assert len(collection.find_cards("is:suspended")) == 1
        assert len(collection.find_notes("tag:bulk")) == 3
    finally:
        collection.close()


def test_bad_input_is_one_line_and_exit_1(runner: FlaskCliRunner, session: Session,
                                          clock: FrozenClock, tmp_path: Path) -> None:
    load_decks(session, clock())
    unknown = runner.invoke(args=["export", "anki", "--track", "nope", "--out",
                                  str(tmp_path / "x.apkg")])
    assert unknown.exit_code == 1 and unknown.output.strip() == "Error: unknown track: nope"
    unwritable = runner.invoke(args=["export", "anki", "--track", "alpha", "--out",
                                     str(tmp_path / "missing" / "x.apkg")])
    assert unwritable.exit_code == 1
    assert unwritable.output.count("\n") == 1 and "no such directory" in unwritable.output
    ok = runner.invoke(args=["export", "anki", "--all", "--out", str(tmp_path / "ok.apkg")])
    assert ok.exit_code == 0 and "wrote" in ok.output
    with pytest.raises(ExportError):
        export_anki(session, tmp_path / "y.apkg", DECKS, ["nope"])


def test_download_from_the_web(user_client, session: Session, clock: FrozenClock,  # type: ignore[no-untyped-def]
                               tmp_path: Path) -> None:
    load_decks(session, clock())
    response = user_client.get("/export/anki.apkg?track=alpha")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("prep-alpha.apkg")
    package = tmp_path / "web.apkg"
    package.write_bytes(response.data)
    collection = import_into(tmp_path / "collection.anki2", package)
    try:
        count = session.scalar(select(func.count(Item.id)).join(Item.deck)
                               .where(Item.deck.has(track_id="alpha")))
        assert len(collection.find_notes("")) == count
    finally:
        collection.close()
    assert user_client.get("/export/anki.apkg?track=nope").status_code == 404


def test_deck_titles_cannot_carry_markup_or_nest_decks(session: Session, clock: FrozenClock,
                                                       tmp_path: Path) -> None:
    load_decks(session, clock())
    user = make_user(session, clock(), "markup@example.com")
    add_flashcards(session, user, 1, clock(), deck_title='<img src=x onerror="alert(1)">::Sub')
    package = tmp_path / "markup.apkg"
    export_anki(session, package, DECKS, None, user=user)
    collection = import_into(tmp_path / "collection.anki2", package)
    try:
        names = {deck.name for deck in collection.decks.all_names_and_ids()}
    finally:
        collection.close()
    mine = [name for name in names if name.startswith("ML Certs::My cards::")]
    assert mine == ["ML Certs::My cards::img src=x onerror= alert(1) Sub"], names
    assert not any(character in name for name in names for character in '<>"')
