"""``prep anki``: import Anki's exports, and link and sync with Anki's own sync server.

The commands call the same domain functions as the /anki and account pages and declare
whether they read or write as the views do (``prep.web.unit_of_work``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from prep import accounts
from prep.cli import _now
from prep.db import db_session
from prep.web.unit_of_work import (
    end_read_transaction,
    reads,
    reads_then_writes,
    write_phase,
    writes,
)

anki_cli = AppGroup("anki", help="One study history with Anki: import its exports, sync.")


@anki_cli.command("import")
@click.option("--user", "email", required=True, help="Whose history the answers join.")
@click.option("--import-unmatched", is_flag=True,
              help="Import notes that match no prep item as the user's own cards.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@reads_then_writes
def anki_import(email: str, import_unmatched: bool, file: Path) -> None:
    """Add the answers of a .colpkg or .apkg (exported with scheduling) to a user's history."""
    from prep.anki.history import apply_plan, known_revlog_ids, plan_ingest
    from prep.anki.packages import AnkiImportError, read_package

    session = db_session()
    user = accounts.find_user(session, email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    try:
        history = read_package(file, known=known_revlog_ids(session, user))
    except AnkiImportError as error:
        raise click.ClickException(str(error)) from error
    plan = plan_ingest(session, user, history, import_unmatched=import_unmatched)
    with write_phase() as writing:  # the replay is done: the lock is for the writes
        summary = apply_plan(writing, user, plan, _now())
    for line in summary.lines():
        click.echo(line)
    for label in summary.unmatched_notes:
        click.echo(f"  unmatched: {label}")


def _linked_user(email: str):
    user = accounts.find_user(db_session(), email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


@anki_cli.command("link")
@click.option("--user", "email", required=True, help="The prep account to link.")
@click.option("--endpoint", required=True, help="The sync server, e.g. http://127.0.0.1:8080/")
@click.option("--username", required=True, help="The account on the sync server.")
@reads_then_writes
def anki_link(email: str, endpoint: str, username: str) -> None:
    """Link a user to an Anki sync server (the password is read from standard input and
    only the key the server returns is kept)."""
    from prep.anki.sync import AnkiSyncError, link, login

    user = _linked_user(email)
    password = sys.stdin.readline().rstrip("\r\n")
    end_read_transaction()  # no transaction open while the server is asked
    try:
        auth = login(endpoint, username, password)
    except AnkiSyncError as error:
        raise click.ClickException(str(error)) from error
    with write_phase() as session:
        link(session, user, auth, username, _now())
    click.echo(f"{email} is linked to {auth.endpoint} as {username}")


@anki_cli.command("sync")
@click.option("--user", "email", required=True, help="Whose history to sync.")
@reads
def anki_sync(email: str) -> None:
    """Sync a user's history with the linked Anki sync server; prints one summary line."""
    from prep.anki.sync import AnkiSyncError, sync

    user = _linked_user(email)
    end_read_transaction()  # the sync writes in sessions of its own
    try:
        summary = sync(current_app.extensions["prep.sessions"], user.id,
                       Path(current_app.config["PREP_ANKI_DIR"]),
                       Path(current_app.config["PREP_DECKS_DIR"]), _now())
    except AnkiSyncError as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.line())


@anki_cli.command("unlink")
@click.option("--user", "email", required=True, help="Whose link to remove.")
@writes
def anki_unlink(email: str) -> None:
    """Forget a user's sync server link and delete the cached collection."""
    from prep.anki.sync import unlink

    removed = unlink(db_session(), _linked_user(email),
                     Path(current_app.config["PREP_ANKI_DIR"]))
    click.echo(f"{email} is unlinked" if removed else f"{email} was not linked")


@anki_cli.command("server", with_appcontext=False)
@click.option("--accounts", "accounts_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="name:password per line (default: PREP_ANKI_ACCOUNTS or "
              "instance/anki-accounts).")
@click.option("--base", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where the server keeps collections (default: PREP_ANKI_SERVER_DIR or "
              "instance/anki-server).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
def anki_server(accounts_file: Path | None, base: Path | None, host: str, port: int) -> None:
    """Run Anki's own sync server (python -m anki.syncserver) with the accounts file."""
    from prep.anki.server import ServerSetupError, run_server
    from prep.config import PROJECT_ROOT

    instance = Path(os.environ.get("PREP_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    accounts_file = accounts_file or Path(os.environ.get("PREP_ANKI_ACCOUNTS")
                                          or instance / "anki-accounts")
    base = base or Path(os.environ.get("PREP_ANKI_SERVER_DIR") or instance / "anki-server")
    click.echo(f"Anki sync server on http://{host}:{port}/ (data in {base})")
    try:
        run_server(accounts_file, base, host, port)
    except ServerSetupError as error:
        raise click.ClickException(str(error)) from error
