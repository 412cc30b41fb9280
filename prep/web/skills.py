"""The skills check in the browser: start or resume, one question at a time, the result."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from prep.db import db_session
from prep.models import Item
from prep.skills import check as skills
from prep.web import current_account, now, parse_int
from prep.web.unit_of_work import reads, reads_then_writes, write_phase

blueprint = Blueprint("skills", __name__)


class CsrfForm(FlaskForm):
    """CSRF only; the answer is parsed by hand and checked by the domain layer."""


def _check_or_404(check_id: int):
    return skills.own_check(db_session(), current_account(), check_id)  # NoSuchCheck: a 404


@blueprint.get("/skills")
@login_required
@reads
def overview() -> ResponseReturnValue:
    """What the check is, the user's past results (progress), start or resume."""
    session, user = db_session(), current_account()
    return render_template("skills/overview.html", form=CsrfForm(),
                           checks=skills.history(session, user),
                           areas=skills.check_areas(session))


@blueprint.post("/skills/start")
@login_required
@reads_then_writes
def start() -> ResponseReturnValue:
    """Start a new check, or resume the unfinished one."""
    if not CsrfForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    try:
        with write_phase() as session:
            check = skills.start_check(session, current_account(), now(),
                                       secrets.randbelow(2**31))
    except skills.NoQuestions as error:
        flash(str(error), "warning")
        return redirect(url_for("skills.overview"), 303)
    return redirect(url_for("skills.show", check_id=check.id), 303)


@blueprint.get("/skills/<int:check_id>")
@login_required
@reads
def show(check_id: int) -> ResponseReturnValue:
    """The next question of an unfinished check, or the result with its evidence."""
    check = _check_or_404(check_id)
    upcoming = skills.next_question(check) if check.finished_at is None else None
    if upcoming is None:
        return render_template("skills/result.html", check=check,
                               grouped=skills.answers_by_area(check))
    area, item_id = upcoming
    item = db_session().get(Item, item_id)
    if item is None:
        abort(404)
    return render_template("skills/question.html", check=check, area=area, item=item,
                           options=skills.option_order(check, item), form=CsrfForm(),
                           asked=len(check.answers))


@blueprint.post("/skills/<int:check_id>/answer")
@login_required
@reads_then_writes
def answer(check_id: int) -> ResponseReturnValue:
    """Store the answer (an option or "I don't know") and show the next question."""
    if not CsrfForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    item_id = parse_int(request.form.get("item"), low=1)
    try:
        with write_phase() as session:
            check = _check_or_404(check_id)
            if check.finished_at is not None:
                flash("This skills check is finished; here is its result.", "info")
                return redirect(url_for("skills.show", check_id=check_id), 303)
            skills.record_answer(session, check, item_id or 0,
                                 (request.form.get("choice") or "")[:16], now())
    except skills.BadAnswer as refusal:
        flash(str(refusal), "warning")
        return redirect(url_for("skills.show", check_id=check_id), 303)
    except IntegrityError:
        pass  # the same answer sent twice at once: the other one counted
    return redirect(url_for("skills.show", check_id=check_id), 303)
