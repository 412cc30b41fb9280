"""The settings page: review settings, each error next to its field."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from prep.db import write_session
from prep.study.settings import FIELDS, SettingsError, current_values, update_settings
from prep.web import current_account

blueprint = Blueprint("settings", __name__)

LABELS = {
    "desired_retention": ("Desired retention", "0.70–0.99: the chance of recalling a card when "
                          "it is due. Higher means more reviews."),
    "new_per_day": ("New cards per day", "0–9999"),
    "reviews_per_day": ("Maximum reviews per day", "0–99999"),
    "learning_steps": ("Learning steps", "For example 1m 10m"),
    "relearning_steps": ("Relearning steps", "For example 10m (may be empty)"),
    "maximum_interval": ("Maximum interval (days)", "1–36500"),
    "day_start_hour": ("Next day starts at (hour)", "0–23, in your time zone"),
    "timezone": ("Time zone", "For example Europe/Berlin"),
}


class SettingsForm(FlaskForm):
    """CSRF only: the fields are validated by prep.study.settings."""


@blueprint.route("/settings", methods=["GET", "POST"])
@login_required
def edit() -> ResponseReturnValue:
    """Show and change the review settings."""
    user = current_account()
    form = SettingsForm()
    values, errors = current_values(user), {}
    if request.method == "POST" and form.validate_on_submit():
        values = {name: request.form.get(name, "") for name in FIELDS}
        session = write_session()
        try:
            update_settings(user, values)
        except SettingsError as error:
            session.rollback()
            errors = error.errors
        else:
            session.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("settings.edit"), 303)
    status = 422 if errors else 200
    return render_template("settings/edit.html", form=form, values=values, errors=errors,
                           labels=LABELS), status
