"""Starting Anki's own sync server (``python -m anki.syncserver``) next to prep.

The server takes its accounts from environment variables (``SYNC_USER1=name:password``,
``SYNC_USER2=...``; hashed passwords with ``PASSWORDS_HASHED=1``); prep reads them from a
file the operator keeps, one ``name:password`` per line, so that accounts are not typed on
command lines. Its data (one folder per account: collection and media) lives in
``SYNC_BASE``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


class ServerSetupError(ValueError):
    """The accounts file is missing or malformed."""


def read_accounts(path: Path) -> list[str]:
    """The ``name:password`` lines of an accounts file (blank lines and # comments skipped)."""
    if not path.is_file():
        raise ServerSetupError(f"no sync accounts file at {path}: create it with one "
                               "name:password per line (one line per prep user)")
    accounts = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, password = line.partition(":")
        if not name or not password:
            raise ServerSetupError(f"{path}:{number}: expected name:password")
        accounts.append(line)
    if not accounts:
        raise ServerSetupError(f"{path}: no accounts")
    return accounts


def server_environment(accounts: list[str], base: Path, host: str, port: int) -> dict[str, str]:
    """The environment Anki's sync server reads its settings and accounts from."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SYNC_USER")}
    env |= {"SYNC_BASE": str(base), "SYNC_HOST": host, "SYNC_PORT": str(port)}
    env |= {f"SYNC_USER{n}": account for n, account in enumerate(accounts, start=1)}
    return env


def run_server(accounts_file: Path, base: Path, host: str, port: int) -> None:
    """Replace this process with Anki's sync server (signals then reach it directly)."""
    env = server_environment(read_accounts(accounts_file), base, host, port)
    base.mkdir(parents=True, exist_ok=True)
    os.execve(sys.executable, [sys.executable, "-m", "anki.syncserver"], env)
