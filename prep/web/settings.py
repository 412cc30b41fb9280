"""The settings page: review settings, exam dates, FSRS optimisation and workload."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from zoneinfo import available_timezones

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from prep.db import db_session
from prep.insight.optimisation import (
    NotBetter,
    NotEnoughReviews,
    check_and_plan,
    optimise,
    plan_rescheduling,
    store_parameters,
)
from prep.insight.simulation import simulate_workload
from prep.study.exam_window import set_exam_dates
from prep.study.new_order import NEW_CARD_ORDERS, order_new_cards
from prep.study.settings import FIELDS, SettingsError, current_values, update_settings
from prep.web import current_account, now
from prep.web.unit_of_work import reads, reads_then_writes, write_phase

blueprint = Blueprint("settings", __name__)
TIME_ZONES = sorted(available_timezones() | {"UTC"})
PREVIEW_KEY = "fsrs_preview"  # the last optimiser preview, in the session cookie

LABELS = {
    "desired_retention": ("Desired retention", "0.70–0.99: the chance of recalling a card when "
                          "it is due. Higher means more reviews."),
    "new_per_day": ("New cards per day", "0–9999"),
    "reviews_per_day": ("Maximum reviews per day", "0–99999"),
    "learning_steps": ("Learning steps", "For example 1m 10m"),
    "relearning_steps": ("Relearning steps", "For example 10m (may be empty)"),
    "maximum_interval": ("Maximum interval (days)", "1–36500"),
    "day_start_hour": ("Next day starts at (hour)", "0–23, in your time zone"),
    "timezone": ("Time zone", "Where you study: days start and end in this zone"),
}
# Number inputs (a phone shows its number pad; the server still checks every value).
NUMBERS = {
    "desired_retention": {"min": "0.7", "max": "0.99", "step": "0.01"},
    "new_per_day": {"min": "0", "max": "9999", "step": "1"},
    "reviews_per_day": {"min": "0", "max": "99999", "step": "1"},
    "maximum_interval": {"min": "1", "max": "36500", "step": "1"},
    "day_start_hour": {"min": "0", "max": "23", "step": "1"},
}
CHOICES = {"new_card_order": ("New cards come", NEW_CARD_ORDERS,
                              "Mixed: interleaved across your decks (and so their domains).")}


class SettingsForm(FlaskForm):
    """CSRF only: the fields are validated by prep.study.settings."""


def _page(status: int = 200, **context: object) -> ResponseReturnValue:
    user = current_account()
    context.setdefault("values", current_values(user))
    context.setdefault("errors", {})
    context.setdefault("exam_dates", {f"exam_date_{e.track_id}": (e.exam_date.isoformat()
                                      if e.exam_date else "") for e in user.enrollments})
    context.setdefault("exam_errors", {})
    return render_template("settings/edit.html", form=SettingsForm(), labels=LABELS,
                           choices=CHOICES, numbers=NUMBERS, zones=TIME_ZONES,
                           enrollments=sorted(user.enrollments, key=lambda e: e.track.position),
                           optimised=user.fsrs_parameters is not None, **context), status


@blueprint.route("/settings", methods=["GET", "POST"])
@login_required
@reads_then_writes
def edit() -> ResponseReturnValue:
    """Show and change the review settings."""
    if request.method == "POST" and SettingsForm().validate_on_submit():
        values = {name: request.form.get(name, "") for name in FIELDS}
        user = current_account()
        order = user.new_card_order
        try:
            with write_phase() as session:
                update_settings(user, values)
                if user.new_card_order != order:
                    order_new_cards(session, user)
        except SettingsError as error:
            return _page(422, values=values, errors=error.errors)
        flash("Settings saved.", "success")
        return redirect(url_for("settings.edit"), 303)
    return _page()


@blueprint.post("/settings/exam-dates")
@login_required
@reads_then_writes
def exam_dates() -> ResponseReturnValue:
    """Set or clear the exam date of each studied track."""
    if not SettingsForm().validate_on_submit():
        return redirect(url_for("settings.edit"), 303)
    user = current_account()
    raw = {key: value for key, value in request.form.items() if key.startswith("exam_date_")}
    try:
        with write_phase() as session:
            moved = set_exam_dates(session, user, raw, now())
    except SettingsError as error:
        return _page(422, exam_dates=raw, exam_errors=error.errors)
    flash("Exam dates saved." + (f" {moved} cards were brought forward into the week "
                                 "before the exam." if moved else ""), "success")
    return redirect(url_for("settings.edit"), 303)


@blueprint.post("/settings/fsrs/preview")
@login_required
@reads
def optimise_preview() -> ResponseReturnValue:
    """Train parameters on the user's history, keep a summary, redirect to it (PRG)."""
    if not SettingsForm().validate_on_submit():
        return redirect(url_for("settings.edit"), 303)
    session, user = db_session(), current_account()
    try:
        result = optimise(session, user)
    except NotEnoughReviews as error:
        return _page(422, optimise_error=str(error))
    plan = plan_rescheduling(session, user, result.proposed) if result.better else None
    # A summary of a few hundred bytes in the signed session cookie: the result page is then
    # a GET that a reload or the back button shows again without training a second time.
    flask_session[PREVIEW_KEY] = {
        "user": user.id, "result": asdict(result), "plan": plan and {
            "moved": len(plan.moved), "cards": plan.cards, "earlier": plan.earlier,
            "later": plan.later, "median_shift_days": plan.median_shift_days,
            "largest_shift_days": plan.largest_shift_days}}
    return redirect(url_for("settings.optimise_result"), 303)


@blueprint.get("/settings/fsrs/preview")
@login_required
@reads
def optimise_result() -> ResponseReturnValue:
    """The last preview of this session (or back to the settings if there is none)."""
    preview = flask_session.get(PREVIEW_KEY)
    if not preview or preview.get("user") != current_account().id:
        return redirect(url_for("settings.edit", _anchor="optimise"), 303)
    return render_template("settings/optimise.html", form=SettingsForm(),
                           result=preview["result"], plan=preview["plan"],
                           parameters=json.dumps(preview["result"]["proposed"]))


@blueprint.post("/settings/fsrs/apply")
@login_required
@reads_then_writes
def optimise_apply() -> ResponseReturnValue:
    """Store the previewed parameters (if still better) and reschedule every card."""
    if not SettingsForm().validate_on_submit():
        return redirect(url_for("settings.edit"), 303)
    try:
        parameters = [float(value) for value in json.loads(request.form.get("parameters", ""))]
    except (ValueError, TypeError, RecursionError):
        parameters = []
    user = current_account()
    try:
        if len(parameters) != 21 or not all(map(math.isfinite, parameters)):
            raise NotBetter("The parameters were incomplete; run the optimiser again.")
        # Evaluate and replay outside the write transaction: on SQLite the write lock is
        # then held for the card updates only, not for seconds of computation.
        proposed, plan = check_and_plan(db_session(), user, parameters)
    except NotBetter as error:
        flash(str(error), "warning")
        return redirect(url_for("settings.edit"), 303)
    with write_phase() as session:
        store_parameters(session, user, proposed, plan, now())
    flask_session.pop(PREVIEW_KEY, None)
    flash(f"New FSRS parameters saved; {len(plan.moved)} of {plan.cards} cards moved.",
          "success")
    return redirect(url_for("settings.edit"), 303)


@blueprint.get("/settings/workload")
@login_required
@reads
def workload() -> ResponseReturnValue:
    """Simulated daily reviews at the desired retention and two others."""
    return render_template("settings/workload.html",
                           workloads=simulate_workload(db_session(), current_account()))
