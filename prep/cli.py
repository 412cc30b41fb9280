"""The ``prep`` command line: a Flask CLI group bound to the factory.

``prep run`` serves the app for development, ``prep serve`` with gunicorn for production;
``prep db upgrade``, ``prep decks check|load``, ``prep user create``, ``prep export anki``
and ``prep fsrs optimize`` call the same domain functions as the web views.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup

from prep import accounts
from prep.db import db_session
from prep.decks.check import check_decks
from prep.decks.lint import lint_bundle
from prep.decks.sync import sync_decks


def _create_app():
    from prep import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """prep: spaced repetition and mock exams for ML certifications."""


@main.command("serve", with_appcontext=False,
              context_settings={"ignore_unknown_options": True})
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(gunicorn_args: tuple[str, ...]) -> None:
    """Serve with gunicorn for production (settings: prep.serving and the environment).

    Extra arguments go to gunicorn (e.g. ``prep serve --bind 0.0.0.0:8000``). gunicorn
    replaces this process, so signals (SIGTERM: finish in-flight requests, then stop) reach
    its master directly.
    """
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "-c", "python:prep.serving",
                              *gunicorn_args, "prep:create_app()"])


def _now():
    return current_app.config["PREP_CLOCK"]()


# --- db -----------------------------------------------------------------------------------

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


def alembic_config(database_url: str):
    """An Alembic config pointing at prep's migrations and the given database."""
    from alembic.config import Config

    from prep.config import PROJECT_ROOT

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database schema to REVISION (default: head)."""
    from alembic import command

    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database upgraded to {revision}")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    from alembic import command

    command.current(alembic_config(current_app.config["DATABASE_URL"]))


# --- decks --------------------------------------------------------------------------------

decks_cli = AppGroup("decks", help="Deck files: validate and load.")


def _decks_path(path: str | None) -> Path:
    return Path(path or current_app.config["PREP_DECKS_DIR"])


def _valid_bundle(path: str | None, outcome: str):
    """The checked bundle; on any fault, print each one and exit 1 saying ``outcome``."""
    bundle = check_decks(_decks_path(path))
    for fault in bundle.faults:
        click.echo(str(fault), err=True)
    if bundle.faults:
        click.echo(f"{len(bundle.faults)} faults in {bundle.root}: {outcome}", err=True)
        sys.exit(1)
    return bundle


@decks_cli.command("check")
@click.argument("path", required=False)
def decks_check(path: str | None) -> None:
    """Validate every deck file under PATH; print each fault as path:line: message."""
    bundle = _valid_bundle(path, "fix them")
    click.echo(f"ok: {bundle.summary()}")


@decks_cli.command("lint")
@click.argument("path", required=False)
def decks_lint(path: str | None) -> None:
    """Check content quality under PATH (after validity); print each finding, exit 1 if any."""
    bundle = _valid_bundle(path, "fix them before linting")
    findings = lint_bundle(bundle)
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        click.echo(f"{len(findings)} findings in {bundle.root}", err=True)
        sys.exit(1)
    click.echo(f"lint clean: {bundle.summary()}")


@decks_cli.command("load")
@click.argument("path", required=False)
def decks_load(path: str | None) -> None:
    """Validate, then sync PATH into the database (nothing is loaded if any fault is found)."""
    bundle = _valid_bundle(path, "nothing loaded")
    session = db_session()
    report = sync_decks(session, bundle, _now())
    session.commit()
    click.echo(f"loaded {bundle.summary()}: {report.summary()}")


# --- users --------------------------------------------------------------------------------

user_cli = AppGroup("user", help="User accounts.")


@user_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Give the account the admin role.")
@click.password_option(envvar="PREP_PASSWORD", help="Password (prompted when not given).")
def user_create(email: str, admin: bool, password: str) -> None:
    """Create an account for EMAIL."""
    session = db_session()
    try:
        user = accounts.register_user(session, email, password, _now(), is_admin=admin)
    except accounts.AccountError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    session.commit()
    click.echo(f"created {'admin ' if admin else ''}user {user.email}")


# --- export -------------------------------------------------------------------------------

export_cli = AppGroup("export", help="Exports of the decks.")


@export_cli.command("anki")
@click.option("--track", "tracks", multiple=True, help="Track id (repeatable).")
@click.option("--all", "all_tracks", is_flag=True, help="Every track.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="The .apkg file to write.")
@click.option("--user", "email", help="Also the user's own cards (and suspended flags).")
@click.option("--suspended", is_flag=True, help="Mark the user's suspended cards suspended.")
def export_anki_command(tracks: tuple[str, ...], all_tracks: bool, out: Path,
                        email: str | None, suspended: bool) -> None:
    """Write an Anki package of one or more tracks (or all) that imports into Anki."""
    from prep.export.anki import ExportError, export_anki

    if bool(tracks) == all_tracks:
        raise click.UsageError("give --track ID (one or more) or --all")
    session = db_session()
    user = None
    if email:
        user = accounts.find_user(session, email)
        if user is None:
            raise click.ClickException(f"no user {email}")
    try:
        report = export_anki(session, out, Path(current_app.config["PREP_DECKS_DIR"]),
                             None if all_tracks else list(tracks), user=user,
                             include_suspended=suspended)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {report.path}: {report.notes} notes in {report.decks} decks, "
               f"{report.media} media files")



# --- fsrs ---------------------------------------------------------------------------------

fsrs_cli = AppGroup("fsrs", help="FSRS parameters from a user's own history.")


@fsrs_cli.command("optimize")
@click.option("--user", "email", required=True, help="Whose history to train on.")
@click.option("--yes", is_flag=True, help="Apply without asking when the new ones are better.")
def fsrs_optimize(email: str, yes: bool) -> None:
    """Train FSRS parameters, show log loss / RMSE and the cards that move, then apply."""
    from prep.insight.optimisation import (
        NotBetter,
        NotEnoughReviews,
        apply_parameters,
        optimise,
        plan_rescheduling,
    )

    session = db_session()
    user = accounts.find_user(session, email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    try:
        result = optimise(session, user)
    except NotEnoughReviews as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{result.reviews} answers, {result.items} training items")
    click.echo(f"log loss   {result.before.log_loss:.4f} -> {result.after.log_loss:.4f}")
    click.echo(f"RMSE(bins) {result.before.rmse_bins:.4f} -> {result.after.rmse_bins:.4f}")
    if not result.better:
        click.echo("the current parameters predict the history as well or better: unchanged")
        return
    plan = plan_rescheduling(session, user, result.proposed)
    click.echo(f"{len(plan.moved)} of {plan.cards} cards would move by a day or more "
               f"({plan.earlier} earlier, {plan.later} later, median "
               f"{plan.median_shift_days:.1f} days)")
    if not yes and not click.confirm("apply the new parameters and reschedule?"):
        click.echo("unchanged")
        return
    session.rollback()  # the write transaction starts afresh (IMMEDIATE on SQLite)
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        applied = apply_parameters(session, user, result.proposed, _now())
    except NotBetter as error:
        raise click.ClickException(str(error)) from error
    session.commit()
    click.echo(f"saved; {len(applied.moved)} cards rescheduled")
