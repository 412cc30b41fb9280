"""Media: an item's image travels with its note, through the sync server to the phone."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.export.anki import note_guid
from prep.models import Item
from tests.anki.conftest import Linked
from tests.anki.server import SyncingPhone
from tests.conftest import FIXTURE_DECKS


def tiny_png() -> bytes:
    """A valid one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict[str, object]:
    """The fixture decks, copied so that one of them can hold an image."""
    decks = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, decks)
    (decks / "alpha" / "confusion.png").write_bytes(tiny_png())
    return {"PREP_DECKS_DIR": str(decks)}


def test_an_items_image_reaches_the_phone(linked: Linked, session: Session,
                                          phone: SyncingPhone) -> None:
    item = session.scalars(select(Item).where(Item.uid == "al-c001")).one()
    item.image = "alpha/confusion.png"
    session.commit()
    linked.sync()
    phone.sync()
    media = Path(phone.col.media.dir())
    names = [path.name for path in media.iterdir() if path.name.endswith("confusion.png")]
    assert len(names) == 1 and (media / names[0]).read_bytes() == tiny_png()
    note = phone.card(note_guid(item.uid, item.anki_guid)).note()
    assert f'src="{names[0]}"' in note["Front"]
