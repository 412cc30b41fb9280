"""Fixtures of the Anki sync tests: Anki's own sync server on a loopback port with its data
in a temporary folder, and a phone syncing with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.anki.server import SyncingPhone, SyncServer


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
