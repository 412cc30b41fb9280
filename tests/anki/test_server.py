"""``prep anki server``: Anki's own sync server with the accounts of a file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from prep.anki.server import ServerSetupError, read_accounts
from prep.anki.sync import login
from tests.anki.server import free_port

PREP = str(Path(sys.executable).with_name("prep"))


def test_the_server_starts_with_the_accounts_of_the_file(tmp_path: Path) -> None:
    accounts = tmp_path / "anki-accounts"
    accounts.write_text("# one line per prep user\nlea:first-secret\n\nmax:second-secret\n")
    port = free_port()
    env = {**os.environ, "PREP_INSTANCE_PATH": str(tmp_path / "instance")}
    server = subprocess.Popen([PREP, "anki", "server", "--accounts", str(accounts),
                               "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{endpoint}health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert login(endpoint, "max", "second-secret").hkey
        assert (tmp_path / "instance" / "anki-server").is_dir()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_bad_accounts_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ServerSetupError, match="no sync accounts file"):
        read_accounts(tmp_path / "missing")
    broken = tmp_path / "broken"
    broken.write_text("lea:secret\nmax\n")
    with pytest.raises(ServerSetupError, match="broken:2: expected name:password"):
        read_accounts(broken)
    result = subprocess.run([PREP, "anki", "server", "--accounts", str(broken)],
                            capture_output=True, text=True,
                            env={**os.environ, "PREP_INSTANCE_PATH": str(tmp_path)})
    assert result.returncode == 1 and "expected name:password" in result.stderr
