"""Certifications held: record, list with expiry and warnings, remove."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from prep.db import db_session
from prep.insight.statistics import today
from prep.models import Exam
from prep.skills import credentials as held
from prep.web import current_account, now
from prep.web.unit_of_work import reads, reads_then_writes, write_phase, writes

blueprint = Blueprint("credentials", __name__)


class CsrfForm(FlaskForm):
    """CSRF only; the fields are parsed by hand and checked by the domain layer."""


def _page(status: int = 200, error: str | None = None) -> ResponseReturnValue:
    session, user = db_session(), current_account()
    exams = session.scalars(select(Exam).where(Exam.status != "practice")
                            .order_by(Exam.vendor, Exam.code)).all()
    return render_template("credentials/overview.html", form=CsrfForm(), exams=exams,
                           held=held.credential_statuses(session, user, today(user, now())),
                           warn_days=held.WARN_DAYS, error=error, values=request.form), status


@blueprint.get("/credentials")
@login_required
@reads
def overview() -> ResponseReturnValue:
    """The user's certifications with expiry, warnings and the next one; the add form."""
    return _page()


@blueprint.post("/credentials")
@login_required
@reads_then_writes
def add() -> ResponseReturnValue:
    """Record a certification; a bad field re-shows the form with the reason (422)."""
    if not CsrfForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    user = current_account()
    try:
        with write_phase() as session:
            credential = held.add_credential(
                session, user, request.form.get("exam", ""), request.form.get("passed_on", ""),
                request.form.get("expires_on", ""), today(user, now()), now())
    except held.CredentialError as refusal:
        return _page(422, str(refusal))
    flash(f"Recorded {credential.exam.code}.", "success")
    return redirect(url_for("credentials.overview"), 303)


@blueprint.post("/credentials/<int:credential_id>/delete")
@login_required
@writes
def remove(credential_id: int) -> ResponseReturnValue:
    """Remove a recorded certification."""
    if not CsrfForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    held.remove_credential(db_session(), current_account(), credential_id)
    flash("Removed.", "success")
    return redirect(url_for("credentials.overview"), 303)
