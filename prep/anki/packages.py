"""Reading Anki's exported packages (.colpkg, .apkg) with Anki's own backend, and importing
their review history into prep's.

Anki itself opens the file: a collection package (current zstd ``collection.anki21b`` or
legacy) is restored with the backend's ``import_collection_package``, a deck package is
imported with scheduling into a fresh collection with ``import_anki_package``, each in a
temporary folder that is always removed. Nothing of Anki's formats is parsed here. A file
Anki cannot read, or too large, raises ``AnkiImportError`` before prep's database is
touched; the read is done before any write transaction begins.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlalchemy.orm import Session

from prep.anki.history import IngestSummary, apply_plan, known_revlog_ids, plan_ingest
from prep.anki.revlog import CollectionHistory, read_collection
from prep.models import User

if TYPE_CHECKING:
    from anki.collection import Collection

MAX_PACKAGE_BYTES = 200 * 1024 * 1024  # a package larger than this is refused unread
SUFFIXES = (".colpkg", ".apkg")
_COPY_CHUNK = 1024 * 1024


class AnkiImportError(ValueError):
    """The file cannot be imported; the message says why and what to do."""


def _not_a_package(name: str, error: Exception | None = None) -> AnkiImportError:
    detail = f" (Anki said: {error})" if error is not None and str(error).strip() else ""
    return AnkiImportError(
        f"{name} is not an Anki package Anki can read{detail}. In Anki, use File → Export "
        "with “Anki collection package (.colpkg)”, or “Anki deck package (.apkg)” with "
        "“include scheduling information” ticked.")


@contextmanager
def opened_package(path: Path, name: str | None = None) -> Iterator[Collection]:
    """The collection held by a .colpkg or .apkg, opened by Anki in a temporary folder.

    ``name`` (the uploaded file's name; default the path's) decides how Anki reads it:
    as a collection package, or as a deck package imported with scheduling. The
    collection is closed and the folder removed on leaving, whatever happens.
    """
    from anki._backend import RustBackend
    from anki.collection import Collection
    from anki.errors import AnkiException
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise AnkiImportError(f"{name}: choose a .colpkg or .apkg file exported by Anki.")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise AnkiImportError(f"{name}: cannot read the file ({error.strerror}).") from None
    if size > MAX_PACKAGE_BYTES:
        raise AnkiImportError(f"{name} is {size / 2**20:.0f} MB; the limit is "
                              f"{MAX_PACKAGE_BYTES // 2**20} MB. Export without media.")
    folder = Path(tempfile.mkdtemp(prefix="prep-anki-"))
    collection = None
    try:
        target = folder / "collection.anki2"
        try:
            if suffix == ".colpkg":
                RustBackend().import_collection_package(
                    col_path=str(target), backup_path=str(path),
                    media_folder=str(folder / "collection.media"),
                    media_db=str(folder / "collection.media.db"))
                collection = Collection(str(target))
            else:
                collection = Collection(str(target))
                collection.import_anki_package(ImportAnkiPackageRequest(
                    package_path=str(path),
                    options=ImportAnkiPackageOptions(with_scheduling=True,
                                                     with_deck_configs=False)))
        except AnkiException as error:
            raise _not_a_package(name, error) from None
        yield collection
    finally:
        if collection is not None:
            collection.close(downgrade=False)
        shutil.rmtree(folder, ignore_errors=True)


def read_package(path: Path, name: str | None = None,
                 known: AbstractSet[int] = frozenset()) -> CollectionHistory:
    """The notes and answers of a package file (AnkiImportError if Anki cannot read it);
    answers whose revlog ids are in ``known`` are only counted."""
    with opened_package(path, name) as collection:
        history = read_collection(collection, known)
    if not history.notes:
        raise AnkiImportError(f"{name or path.name} holds no notes: nothing to import.")
    return history


@contextmanager
def spooled_upload(stream: IO[bytes], name: str) -> Iterator[Path]:
    """An uploaded file copied to a temporary file (removed after), refused past the limit."""
    folder = Path(tempfile.mkdtemp(prefix="prep-upload-"))
    try:
        target = folder / f"upload{Path(name).suffix.lower()}"
        written = 0
        with target.open("wb") as out:
            while chunk := stream.read(_COPY_CHUNK):
                written += len(chunk)
                if written > MAX_PACKAGE_BYTES:
                    raise AnkiImportError(f"{name} is larger than "
                                          f"{MAX_PACKAGE_BYTES // 2**20} MB. Export without "
                                          "media.")
                out.write(chunk)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_package(session: Session, user: User, path: Path, now: datetime, *,
                   name: str | None = None, import_unmatched: bool = False) -> IngestSummary:
    """Import a package's answers into ``user``'s history (flushes; the caller commits).

    The file is read and the replay planned before the first write; a caller that begins
    write transactions itself uses ``read_package``, ``plan_ingest`` and ``apply_plan``.
    """
    history = read_package(path, name, known_revlog_ids(session, user))
    plan = plan_ingest(session, user, history, import_unmatched=import_unmatched)
    return apply_plan(session, user, plan, now)
