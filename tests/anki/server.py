"""Anki's own sync server in a subprocess, and "the phone": a second Anki collection that
syncs with it through the ``anki`` package and answers cards with Anki's own scheduler
(the Rust backend AnkiDroid and AnkiMobile run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from anki.collection import Card as AnkiCard
from anki.sync import SyncOutput

from tests.anki.phone import Phone

USERNAME, PASSWORD = "lea", "phone-secret"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SyncServer:
    """``python -m anki.syncserver`` on a loopback port, with its data in ``base``."""

    def __init__(self, base: Path, users: dict[str, str] | None = None):
        self.base, self.port = base, free_port()
        self.users = users or {USERNAME: PASSWORD}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Start the server and wait until it answers (its health URL)."""
        env = {**os.environ, "SYNC_BASE": str(self.base), "SYNC_HOST": "127.0.0.1",
               "SYNC_PORT": str(self.port), "RUST_LOG": "warn"}
        for n, (name, password) in enumerate(self.users.items(), start=1):
            env[f"SYNC_USER{n}"] = f"{name}:{password}"
        self.process = subprocess.Popen([sys.executable, "-m", "anki.syncserver"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.endpoint}health", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the Anki sync server did not start")

    def stop(self) -> None:
        """Stop the server (its data stays in ``base``)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class SyncingPhone(Phone):
    """The test phone, logged in to the sync server and syncing as AnkiDroid would."""

    def __init__(self, folder: Path, server: SyncServer, username: str = USERNAME,
                 password: str = PASSWORD):
        super().__init__(folder)
        self.auth = self.col.sync_login(username, password, server.endpoint)

    def sync(self) -> int:
        """A sync as the phone's button does it: a full upload when the server has nothing,
        a full download when it asks for a full sync; returns ``required``."""
        out = self.col.sync_collection(self.auth, False)
        if out.required in (SyncOutput.FULL_DOWNLOAD, SyncOutput.FULL_SYNC,
                            SyncOutput.FULL_UPLOAD):
            self.col.close_for_full_sync()
            self.col.full_upload_or_download(auth=self.auth, server_usn=None,
                                             upload=out.required == SyncOutput.FULL_UPLOAD)
            self.col.reopen(after_full_sync=True)
        self.col.sync_media(self.auth)
        while self.col.media_sync_status().active:
            time.sleep(0.05)
        return out.required

    def card(self, guid: str) -> AnkiCard:
        """The (first) card of the note with ``guid``."""
        return self.col.get_card(self.col.db.scalar(
            "select c.id from cards c join notes n on n.id = c.nid where n.guid = ?", guid))

    def guids(self) -> set[str]:
        return set(self.col.db.list("select guid from notes"))

    def revlog(self) -> list[tuple[int, int, int, int, int]]:
        """(id, card id, ease, time, type) of every revlog row, oldest first."""
        return [tuple(row) for row in self.col.db.all(
            "select id, cid, ease, time, type from revlog order by id")]
