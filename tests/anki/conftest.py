"""Fixtures of the Anki sync tests: Anki's own sync server on a loopback port with its data
in a temporary folder, and a phone syncing with it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from prep.anki.sync import SyncSummary, link, login, sync
from prep.models import User
from tests.anki.server import PASSWORD, USERNAME, SyncingPhone, SyncServer
from tests.conftest import FrozenClock
from tests.factories import add_flashcards, enrolled_user


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[SyncServer]:
    """A running ``python -m anki.syncserver`` with one account (lea)."""
    server = SyncServer(tmp_path / "sync-server")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def phone(tmp_path: Path, sync_server: SyncServer) -> Iterator[SyncingPhone]:
    """An Anki collection logged in to the sync server, with nothing synced yet."""
    device = SyncingPhone(tmp_path / "phone", sync_server)
    yield device
    device.close()


@dataclass
class Linked:
    """A prep user linked to the sync server, and how to sync them."""

    app: Flask
    user: User
    clock: FrozenClock
    server: SyncServer

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.app.extensions["prep.sessions"]

    def sync(self) -> SyncSummary:
        return sync(self.sessions, self.user.id, Path(self.app.config["PREP_ANKI_DIR"]),
                    Path(self.app.config["PREP_DECKS_DIR"]), self.clock())


@pytest.fixture
def linked(app: Flask, session: Session, clock: FrozenClock, sync_server: SyncServer) -> Linked:
    """Lea studies track alpha since now (the real time: Anki's scheduler reads the real
    clock), and prep is linked to the sync server."""
    clock.current = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    user = enrolled_user(session, clock())
    add_flashcards(session, user, 40, clock())
    auth = login(sync_server.endpoint, USERNAME, PASSWORD)
    link(session, user, auth, USERNAME, clock())
    session.commit()
    return Linked(app, user, clock, sync_server)
