"""The certification advisor: the user's profile in, a goal with reasons and a plan out."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from prep.db import db_session
from prep.insight.statistics import today
from prep.skills.advisor import CLOUDS, LEANS, Profile
from prep.skills.check import history
from prep.skills.plan import advise, apply_plan
from prep.web import current_account, now, parse_int
from prep.web.unit_of_work import reads, reads_then_writes, write_phase

blueprint = Blueprint("advisor", __name__)
DEFAULT_MINUTES = 30


class CsrfForm(FlaskForm):
    """CSRF only; the profile is parsed by hand and checked by the domain layer."""


def _profile(values: dict[str, str]) -> tuple[Profile, int]:
    """The profile and daily minutes from form or query values; ValueError with a message."""
    try:
        years = float((values.get("years") or "").strip()[:8])
    except ValueError:
        raise ValueError("Enter your years of hands-on experience as a number.") from None
    minutes = parse_int(values.get("minutes"), low=5, high=600)
    if minutes is None:
        raise ValueError("Enter the minutes a day you can study (5 to 600).")
    return Profile(values.get("cloud", ""), years, values.get("lean", "")), minutes


@blueprint.get("/advisor")
@login_required
@reads
def show() -> ResponseReturnValue:
    """The questions; with answers given, the recommendation, its reasons and the plan."""
    session, user = db_session(), current_account()
    answered = "cloud" in request.args
    recommendation, error = None, None
    if answered:
        try:
            profile, minutes = _profile(request.args)
            recommendation = advise(session, user, profile, minutes, today(user, now()))
        except ValueError as refusal:
            error = str(refusal)
    checks = history(session, user)
    return render_template("advisor/show.html", form=CsrfForm(), clouds=CLOUDS, leans=LEANS,
                           values=request.args, recommendation=recommendation, error=error,
                           latest=checks[0] if checks else None, minutes=DEFAULT_MINUTES), \
        (422 if error else 200)


@blueprint.post("/advisor/apply")
@login_required
@reads_then_writes
def apply() -> ResponseReturnValue:
    """Study the plan's tracks and set the goal's exam date, in one click."""
    if not CsrfForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    user = current_account()
    try:
        profile, minutes = _profile(request.form)
    except ValueError as refusal:
        flash(str(refusal), "warning")
        return redirect(url_for("advisor.show"), 303)
    # The plan is simulated before the write transaction begins (SQLite's lock stays short).
    recommendation = advise(db_session(), user, profile, minutes, today(user, now()))
    advice, plan = recommendation.advice, recommendation.plan
    if advice.goal is None:
        flash("No certification to plan for: load the decks first.", "warning")
        return redirect(url_for("advisor.show"), 303)
    with write_phase() as session:
        apply_plan(session, user, advice.tracks, advice.goal.track_id,
                   plan.exam_date if plan else None, now())
    flash(f"You now study {', '.join(advice.tracks)}; exam date for {advice.goal.code}: "
          f"{plan.exam_date if plan else 'none'}.", "success")
    return redirect(url_for("dashboard.show"), 303)
