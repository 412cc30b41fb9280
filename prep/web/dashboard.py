"""The dashboard: today's counts, streak, heatmap, forecast, retention and readiness."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from prep.db import db_session
from prep.insight.dashboard import dashboard
from prep.insight.statistics import today
from prep.skills.credentials import credential_statuses
from prep.web import current_account, now
from prep.web.unit_of_work import reads

blueprint = Blueprint("dashboard", __name__)


@blueprint.get("/dashboard")
@login_required
@reads
def show() -> ResponseReturnValue:
    """The user's study at a glance, as charts with their numbers."""
    session, user = db_session(), current_account()
    return render_template("dashboard/index.html", data=dashboard(session, user, now()),
                           held=credential_statuses(session, user, today(user, now())))
