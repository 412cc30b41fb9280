"""The Today page: where a logged-in user lands to start the day's study."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from prep.db import db_session
from prep.insight.today import today_view
from prep.web import current_account, now, parse_int
from prep.web.unit_of_work import reads, writes

blueprint = Blueprint("today", __name__)


@blueprint.get("/today")
@login_required
@reads
def show() -> ResponseReturnValue:
    """Per studied track: due cards, the exam countdown and plan, the next mock, the last score."""
    user = current_account()
    if not user.enrollments:
        flash("Choose the tracks you want to study first: tick them and save.", "info")
        return redirect(url_for("tracks.home"))
    return render_template("today/index.html", data=today_view(db_session(), user, now()))


@blueprint.post("/today/new-limit")
@login_required
@writes
def apply_plan() -> ResponseReturnValue:
    """Set the new-card limit to the rate the exam plan asks for."""
    limit = parse_int(request.form.get("new_per_day"), low=0, high=9999)
    if limit is None:
        abort(400, "The new-card limit must be a whole number from 0 to 9999.")
    current_account().new_per_day = limit
    flash(f"Your new-card limit is now {limit} a day.", "success")
    return redirect(url_for("today.show"), 303)
