"""The "Sync with Anki" page: link to an Anki sync server, sync, unlink, phone setup.

A sync runs in a background thread, so no request waits on the sync server; the request
only claims the user's lease (the database row that keeps two syncs of one user apart on
every worker and machine). The page shows what the database holds, so any worker can show
a sync another worker started.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from prep.anki.sync import AnkiSyncError, claim, link, link_status, login, sync, unlink
from prep.db import db_session
from prep.web import current_account, now
from prep.web.unit_of_work import (
    after_commit,
    end_read_transaction,
    reads,
    reads_then_writes,
    write_phase,
    writes,
)

blueprint = Blueprint("anki", __name__)


class LinkForm(FlaskForm):
    endpoint = StringField("Sync server address", validators=[DataRequired(), Length(max=500)],
                           description="The address your phone uses too, e.g. "
                                       "https://prep.example.org/anki/")
    username = StringField("Sync server username", validators=[DataRequired(),
                                                               Length(max=254)])
    password = PasswordField("Sync server password",
                             validators=[DataRequired(), Length(max=1024)],
                             description="Used once to log in; prep keeps only the key the "
                                         "server returns.")


class ActionForm(FlaskForm):
    """CSRF only (sync, unlink)."""


def _page(status: int = 200, form: LinkForm | None = None) -> ResponseReturnValue:
    user, moment = current_account(), now()
    status_row = link_status(db_session(), user.id)
    running = bool(status_row and status_row.lease_until and status_row.lease_until > moment)
    if form is None:
        form = LinkForm(formdata=None)
        form.endpoint.data = current_app.config["PREP_ANKI_SYNC_URL"] or None
    # The address phones use may differ from prep's (behind the TLS proxy vs loopback).
    phone_endpoint = current_app.config["PREP_ANKI_SYNC_URL"] or \
        (status_row.endpoint if status_row else "")
    return render_template("anki/sync.html", link=status_row, running=running, form=form,
                           action=ActionForm(), phone_endpoint=phone_endpoint), status


@blueprint.route("/anki")
@login_required
@reads
def show() -> ResponseReturnValue:
    return _page()


@blueprint.route("/anki/link", methods=["POST"])
@login_required
@reads_then_writes
def link_account() -> ResponseReturnValue:
    form = LinkForm()
    if not form.validate():
        return _page(422, form)
    end_read_transaction()  # no transaction open while the sync server answers
    try:
        auth = login(form.endpoint.data, form.username.data, form.password.data)
    except AnkiSyncError as error:
        form.password.errors = [str(error)]
        return _page(422, form)
    with write_phase() as session:
        link(session, current_account(), auth, form.username.data, now())
    flash("Linked. Sync now to send your cards to the sync server, then set up the phone.")
    return redirect(url_for("anki.show"), 303)


@blueprint.route("/anki/sync", methods=["POST"])
@login_required
@writes
def start_sync() -> ResponseReturnValue:
    if not ActionForm().validate():
        return _page(400)
    session = db_session()
    user, moment = current_account(), now()
    if link_status(session, user.id) is None:
        return _page(409)
    token = claim(session, user.id, moment)
    if token is None:
        flash("A sync is already running; this page shows its result when it ends.")
        return _page(409)
    thread = threading.Thread(target=_run_sync, name=f"anki-sync-{user.id}", daemon=True,
                              args=(current_app._get_current_object(),  # type: ignore[attr-defined]  # the app behind the proxy: the thread outlives the request
                                    user.id, token, moment))
    after_commit(lambda: _start(thread))  # once committed: the sync must find its lease
    flash("Sync started; it runs in the background.")
    return redirect(url_for("anki.show"), 303)


def _start(thread: threading.Thread) -> None:
    thread.start()
    current_app.extensions.setdefault("prep.anki_syncs", []).append(thread)


def _run_sync(app: Flask, user_id: int, token: str, moment: datetime) -> None:
    """The background sync: its result (or error) is stored on the link by ``sync``."""
    try:
        sync(app.extensions["prep.sessions"], user_id, Path(app.config["PREP_ANKI_DIR"]),
             Path(app.config["PREP_DECKS_DIR"]), moment, token=token)
    except Exception:  # stored on the link for the page; logged for the operator
        app.logger.exception("Anki sync of user %s failed", user_id)


@blueprint.route("/anki/unlink", methods=["POST"])
@login_required
@writes
def unlink_account() -> ResponseReturnValue:
    if not ActionForm().validate():
        return _page(400)
    unlink(db_session(), current_account(), Path(current_app.config["PREP_ANKI_DIR"]))
    flash("Unlinked. Your reviews stay in prep; the collection stays on the sync server.")
    return redirect(url_for("anki.show"), 303)
