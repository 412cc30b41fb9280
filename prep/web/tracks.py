"""Home page (the tracks and which ones the user studies) and the track pages."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from prep.db import db_session
from prep.decks.catalog import track_summaries
from prep.exams.readiness import pass_fraction, readiness
from prep.export.anki import ExportError
from prep.export.anki import export_anki as export_anki_package
from prep.models import User
from prep.study.enrollment import set_tracks
from prep.web import now
from prep.web.unit_of_work import reads, writes

blueprint = Blueprint("tracks", __name__)


class StudyTracksForm(FlaskForm):
    """Only the CSRF token: the chosen track ids come as repeated ``track`` fields."""


def _user_id() -> int | None:
    return current_user.user.id if current_user.is_authenticated else None


@blueprint.get("/")
@reads
def home() -> ResponseReturnValue:
    """The five tracks with their exam status; logged-in users choose what to study."""
    tracks = track_summaries(db_session(), _user_id())
    return render_template("tracks/home.html", tracks=tracks, form=StudyTracksForm())


@blueprint.post("/tracks")
@login_required
@writes
def choose_tracks() -> ResponseReturnValue:
    """Set the tracks the user studies (only these enter the review queue); an unknown one
    is a 400 (no page of prep offers it)."""
    form = StudyTracksForm()
    if not form.validate_on_submit():
        abort(400, "The form was incomplete; reload the page and try again.")
    session = db_session()
    user = session.get_one(User, current_user.user.id)
    set_tracks(session, user, request.form.getlist("track"), now())
    count = len(user.enrollments)
    flash(f"You now study {count} track{'s' if count != 1 else ''}." if count
          else "You study no track at the moment.", "success")
    return redirect(url_for("tracks.home"))


@blueprint.get("/tracks/<track_id>")
@reads
def track(track_id: str) -> ResponseReturnValue:
    """A track: its exam blueprints (with status notices) and its decks."""
    summary = next(iter(track_summaries(db_session(), _user_id(), track_id)), None)
    if summary is None:
        abort(404, "No such track.")
    ready = None
    exam = summary.primary_exam
    if current_user.is_authenticated and exam is not None:
        ready = readiness(db_session(), current_user.user, exam, now())
    return render_template("tracks/track.html", summary=summary, readiness=ready,
                           pass_fraction=pass_fraction(exam) if exam else None)


@blueprint.get("/export/anki.apkg")
@login_required
@reads
def export_anki() -> ResponseReturnValue:
    """Download an Anki package: ``?track=ID`` (repeatable) or every track plus own cards."""
    tracks = request.args.getlist("track") or None
    user = current_user.user
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "prep.apkg"
        try:
            export_anki_package(db_session(), out, Path(current_app.config["PREP_DECKS_DIR"]),
                                tracks, user=None if tracks else user,
                                include_suspended=request.args.get("suspended") == "1")
        except ExportError as error:
            abort(404 if "unknown track" in str(error) else 400, str(error))
        data = out.read_bytes()
    name = f"prep-{'-'.join(tracks) if tracks else 'all'}.apkg"
    return send_file(io.BytesIO(data), mimetype="application/octet-stream",
                     as_attachment=True, download_name=name)

