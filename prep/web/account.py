"""The account page: change password, download or import my data, import answers from an
Anki export, delete the account."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required, logout_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from prep import accounts
from prep.anki.history import (
    IngestError,
    IngestSummary,
    apply_plan,
    known_revlog_ids,
    plan_ingest,
)
from prep.anki.packages import AnkiImportError, read_package, spooled_upload
from prep.db import db_session
from prep.export import account_data
from prep.web import current_account, now
from prep.web.auth import start_login
from prep.web.cards import over_quota
from prep.web.unit_of_work import (
    end_read_transaction,
    reads,
    reads_then_writes,
    write_phase,
)

blueprint = Blueprint("account", __name__)


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired(), Length(max=1024)])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=1024)],
        description=f"At least {accounts.MIN_PASSWORD_LENGTH} characters, not a common password.")
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired(), EqualTo("new_password", message="The passwords differ.")])


class DeleteForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)])
    understood = BooleanField("I understand that my cards, reviews and exam results are deleted "
                              "for good.", validators=[DataRequired("Tick this box to confirm.")])


class ImportForm(FlaskForm):
    data_file = FileField("prep data file (.json)")


ANKI_HINT = ("In Anki: File → Export, “Anki collection package”, or “Anki deck package” with "
             "scheduling information; without media (up to {limit} MB).")


class AnkiImportForm(FlaskForm):
    package = FileField("Anki export (.colpkg or .apkg)")
    import_unmatched = BooleanField("Also import notes that match nothing in prep, as my own "
                                    "cards")


def _page(status: int = 200, anki_summary: IngestSummary | None = None,
          **forms: FlaskForm) -> ResponseReturnValue:
    forms = {"password_form": PasswordForm(formdata=None), "delete_form": DeleteForm(formdata=None),
             "import_form": ImportForm(formdata=None),
             "anki_form": AnkiImportForm(formdata=None), **forms}
    forms["anki_form"].package.description = ANKI_HINT.format(limit=_upload_limit_mb())
    fresh = account_data.is_fresh(db_session(), current_account())
    return render_template("account/account.html", fresh=fresh, anki_summary=anki_summary,
                           **forms), status


def _upload_limit_mb() -> int:
    return (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 2**20


@blueprint.errorhandler(413)
def _too_large(error: HTTPException) -> ResponseReturnValue:
    """An upload over the request size limit: beside the Anki field, or the error page."""
    if request.endpoint != "account.import_anki":
        return render_template("error.html", code=413, message=error.description), 413
    form = AnkiImportForm(formdata=None)
    form.package.errors = [f"The file is larger than {_upload_limit_mb()} MB. Export it "
                           "from Anki without media."]
    return _page(413, anki_form=form)


@blueprint.get("/account")
@login_required
@reads
def show() -> ResponseReturnValue:
    """The account page."""
    return _page()


@blueprint.post("/account/password")
@login_required
@reads_then_writes
def change_password() -> ResponseReturnValue:
    """Change the password; every other login ends, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_account()
        try:
            new_hash = accounts.new_password_hash(user, form.current_password.data,
                                                  form.new_password.data)  # scrypt: no lock
            with write_phase():
                accounts.set_password_hash(user, new_hash)
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
            if error.field == "current_password":
                return _page(401, password_form=form)  # a wrong guess: counts for the limit
        else:
            start_login(user)
            flash("Password changed. You are logged out everywhere else.", "success")
            return redirect(url_for("account.show"), 303)
    return _page(422, password_form=form)


@blueprint.get("/account/data.json")
@login_required
@reads(snapshot=True)
def download() -> Response:
    """Everything of the user's as a JSON file."""
    moment = now()
    # Written from one snapshot, then sent from the file: the database connection is free
    # (the transaction ends as the view returns) before a slow client has read a byte.
    data = account_data.export_file(db_session(), current_account(), moment)
    return send_file(data, mimetype="application/json", as_attachment=True,
                     download_name=f"prep-data-{moment:%Y-%m-%d}.json", max_age=0)


@blueprint.post("/account/import")
@login_required
@reads_then_writes
def import_data() -> ResponseReturnValue:
    """Load a downloaded data file into this (fresh) account: all of it or nothing."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(422, import_form=form)
    upload = form.data_file.data
    problems: list[str] = []
    try:
        document = json.loads(upload.read(request.max_content_length or 5_000_000)) \
            if upload else None
    except RecursionError:
        document, problems = None, ["The file nests its data too deeply to be a prep file."]
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        document, problems = None, [f"The file is not JSON: {error}"]
    if upload is None or not upload.filename:
        problems = ["Choose the .json file that “Download my data” gave you."]
    if not problems:
        try:
            # Checked and rendered first; the write lock is taken for the writes only.
            plan = account_data.read_account_file(db_session(), current_account(), document,
                                                  now())
            if over_quota([draft for draft, _, _ in plan.own_drafts.values()]):
                raise account_data.DataFileError(["$.own_decks: more than your quota"])
            with write_phase() as session_:
                reviews = account_data.store_account_import(session_, current_account(), plan)
        except account_data.DataFileError as error:
            problems = error.problems
        except IntegrityError:
            problems = ["The file lists a card, review or exam question twice."]
        else:
            flash(f"Imported your data: {reviews} reviews.", "success")
            return redirect(url_for("account.show"), 303)
    form.data_file.errors = problems
    return _page(422, import_form=form)


@blueprint.post("/account/anki")
@login_required
@reads_then_writes
def import_anki() -> ResponseReturnValue:
    """Add the answers of an Anki export to the user's history; show what was added."""
    form = AnkiImportForm()
    if not form.validate_on_submit():
        return _page(422, anki_form=form)
    upload = form.package.data
    if upload is None or not upload.filename:
        form.package.errors = ["Choose the .colpkg or .apkg file that Anki exported."]
        return _page(422, anki_form=form)
    user = current_account()
    known = known_revlog_ids(db_session(), user)
    end_read_transaction()  # no transaction stays open while Anki reads the file
    try:
        with spooled_upload(upload.stream, upload.filename) as path:
            history = read_package(path, upload.filename, known)
    except AnkiImportError as error:
        form.package.errors = [str(error)]
        return _page(422, anki_form=form)
    plan = plan_ingest(db_session(), user, history, import_unmatched=form.import_unmatched.data)
    try:
        with write_phase() as session_:  # the replay is done: the lock is for the writes
            summary = apply_plan(session_, user, plan, now())
    except IngestError as error:
        form.package.errors = [str(error)]
        return _page(409, anki_form=form)
    return _page(anki_summary=summary)


@blueprint.post("/account/delete")
@login_required
@reads_then_writes
def delete() -> ResponseReturnValue:
    """Delete the account and all its data, then log out."""
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            accounts.check_password(current_account(), form.password.data)  # scrypt: no lock
            with write_phase() as session_:
                accounts.remove_account(session_, current_account())
        except accounts.AccountError as error:
            form.password.errors.append(error.message)
            return _page(401, delete_form=form)  # a wrong guess: counts for the limit
        else:
            logout_user()
            session.clear()
            flash("Your account and all its data are deleted.", "info")
            return redirect(url_for("auth.login"), 303)
    return _page(422, delete_form=form)
