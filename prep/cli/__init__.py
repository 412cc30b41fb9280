"""The ``prep`` command line: a Flask CLI group bound to the factory.

``prep run`` serves the app for development, ``prep serve`` with gunicorn for production;
``prep db upgrade``, ``prep decks check|load``, ``prep user create``, ``prep export anki``,
``prep fsrs optimize`` and ``prep anki import|link|sync|unlink`` call the same domain
functions as the web views, and declare whether they read or write as the views do
(``prep.web.unit_of_work``): the declaration begins, commits and rolls back.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, run_command

from prep import accounts
from prep.db import db_session
from prep.decks.check import check_decks
from prep.decks.lint import lint_report
from prep.decks.reader import MONTH_PATTERN
from prep.decks.stamp import StampError, stamp_file, topic_files
from prep.decks.sync import render_bundle, sync_decks
from prep.web.unit_of_work import (
    reads,
    reads_then_writes,
    write_phase,
    writes,
)


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


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _run(**_params: object) -> None:
    """Flask's development server, after checking that its port is free."""
    context = click.get_current_context()
    host, port = context.params["host"], context.params["port"]
    if port_taken(host, port):
        raise click.ClickException(
            f"port {port} on {host} is already in use (another prep, or another program). "
            f"Serve on a free port: make run PORT={port + 1}  (or: prep run --port {port + 1})")
    context.forward(run_command)


# ``prep run`` is Flask's, with a clear message when the port is taken (Flask's own says
# "Address already in use" and names no way out).
main.add_command(click.Command("run", callback=_run, params=run_command.params,
                               help=run_command.help, short_help=run_command.short_help))


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
    bundle = check_decks(_decks_path(path), today=_now().date())
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
@click.option("--stale", is_flag=True, help="List every item not checked in the last 12 months.")
def decks_lint(path: str | None, stale: bool) -> None:
    """Check content quality under PATH (after validity); print each finding, exit 1 if any.

    Figures per track and exam go to stdout; warnings (items not checked in the last 12
    months, never failing) and findings to stderr.
    """
    bundle = _valid_bundle(path, "fix them before linting")
    report = lint_report(bundle, today=_now().date())
    for figure in report.figures:
        click.echo(figure)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for item in report.stale if stale else ():
        click.echo(f"warning: {item}", err=True)
    findings = report.findings
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        click.echo(f"{len(findings)} findings in {bundle.root}", err=True)
        sys.exit(1)
    click.echo(f"lint clean: {bundle.summary()}")


@decks_cli.command("load")
@click.argument("path", required=False)
@reads_then_writes
def decks_load(path: str | None) -> None:
    """Validate, then sync PATH into the database (nothing is loaded if any fault is found)."""
    bundle = _valid_bundle(path, "nothing loaded")
    rendered = render_bundle(db_session(), bundle)  # before the write lock is taken
    with write_phase() as session:
        report = sync_decks(session, bundle, _now(), rendered)
    click.echo(f"loaded {bundle.summary()}: {report.summary()}")


@decks_cli.command("stamp-checked")
@click.option("--month", help="Fallback month YYYY-MM for uncommitted items (default: now).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def decks_stamp_checked(month: str | None, paths: tuple[Path, ...]) -> None:
    """Add 'checked: YYYY-MM' to items without one: the month of the last commit that
    touched the item (git blame), else --month. Topic files or folders; idempotent."""
    fallback = month or f"{_now():%Y-%m}"
    if not MONTH_PATTERN.match(fallback):
        raise click.BadParameter(f"{fallback!r} is not a month YYYY-MM", param_hint="--month")
    total = 0
    for path in topic_files(list(paths)):
        try:
            count = stamp_file(path, fallback)
        except StampError as error:
            raise click.ClickException(str(error)) from error
        if count:
            click.echo(f"{path}: {count} items stamped")
        total += count
    click.echo(f"{total} items stamped")


# --- users --------------------------------------------------------------------------------

user_cli = AppGroup("user", help="User accounts.")


@user_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Give the account the admin role.")
@click.password_option(envvar="PREP_PASSWORD", help="Password (prompted when not given).")
@writes
def user_create(email: str, admin: bool, password: str) -> None:
    """Create an account for EMAIL."""
    try:
        user = accounts.register_user(db_session(), email, password, _now(), is_admin=admin)
    except accounts.AccountError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
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
@reads
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
@reads_then_writes
def fsrs_optimize(email: str, yes: bool) -> None:
    """Train FSRS parameters, show log loss / RMSE and the cards that move, then apply."""
    from prep.insight.optimisation import (
        NotBetter,
        NotEnoughReviews,
        check_and_plan,
        optimise,
        plan_rescheduling,
        store_parameters,
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
    try:  # evaluated and replayed before the write lock, as the web view does
        proposed, checked = check_and_plan(session, user, result.proposed)
    except NotBetter as error:
        raise click.ClickException(str(error)) from error
    with write_phase() as writing:
        applied = store_parameters(writing, user, proposed, checked, _now())
    click.echo(f"saved; {len(applied.moved)} cards rescheduled")


from prep.cli.anki import anki_cli  # noqa: E402 - its commands use _now defined above

__all__ = ["anki_cli", "db_cli", "decks_cli", "export_cli", "fsrs_cli", "main", "user_cli"]
