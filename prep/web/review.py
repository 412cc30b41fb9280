"""The daily review: show the head of the queue, answer, undo, bury, suspend, flag.

The review page works as a plain form (POST, 303, GET); with JavaScript it asks for JSON
(``Accept: application/json``) and gets the stored answer's result and the next card in the
same response, so that one request is made per answer.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep.db import db_session
from prep.models import ORDERING, Item, User
from prep.study import review
from prep.study import undo as undo_log
from prep.study.exam_window import keep_exam_plans, plans_need_keeping
from prep.study.queue import build_queue, due_tomorrow
from prep.study.scheduling import SchedulerSettings, format_interval, outcomes
from prep.study.study_more import MAX_AHEAD_DAYS, MAX_EXTRA_NEW, StudyMoreRefused, study_more
from prep.study.undo import ACTION, REVIEW, UndoTarget, record_action, undo_target
from prep.web import current_account, local_path, now, parse_int, wants_json
from prep.web.unit_of_work import reads_then_writes, write_phase, writes

blueprint = Blueprint("review", __name__)
# Why the review page may write when it is opened: an exam window opens with the day, not
# with anything the user sends, and the queue it shows must hold the cards brought forward.
EXAM_WINDOW_OPENS = ("an exam window opens with the day: its cards are brought forward (once) "
                     "before the queue is shown")


def review_screen(session: Session, user: User, moment: datetime,
                  undo: UndoTarget | None) -> dict[str, Any] | None:
    """What the review screen shows now (the template's context), or None when done."""
    queue = build_queue(session, user, moment)
    card = queue.head
    if card is None:
        return None
    buttons = [
        (result.rating, result.rating.name.title(), format_interval(result.due - moment))
        for result in outcomes(card, moment, SchedulerSettings.of(user))
    ]
    return {"card": card, "item": card.item, "html": card.item.html(), "counts": queue.counts,
            "buttons": buttons, "review_uid": uuid.uuid4().hex, "undo": undo,
            "order": first_shown(card.item)}


def first_shown(item: Item) -> list[str]:
    """The order a review card first shows an item's options in: by key. An ordering's keys
    come from a shuffle seeded with its uid, so that order is stable and tells nothing of
    the answer; should it be the answer, it is rotated by one step."""
    keys = sorted(option["key"] for option in item.options or ())
    if item.kind == ORDERING and keys == item.correct:
        keys = keys[1:] + keys[:1]
    return keys


@blueprint.get("/review")
@login_required
@reads_then_writes(reason=EXAM_WINDOW_OPENS)
def study() -> ResponseReturnValue:
    """The card at the head of the queue, or the "done for today" screen."""
    session, user, moment = db_session(), current_account(), now()
    # An exam is near: its track's cards come forward (the write lock only when some move).
    if plans_need_keeping(session, user, moment):
        with write_phase() as writing:
            keep_exam_plans(writing, user, moment)
    undo = undo_target(session, user, moment)
    screen = review_screen(session, user, moment, undo)
    if screen is None and not user.enrollments and not review.has_cards(session, user):
        # Nothing studied yet: choosing a track comes first, not "done for today".
        flash("Choose the tracks you want to study first: tick them and save.", "info")
        return redirect(url_for("tracks.home"))
    if screen is None:
        return render_template("review/done.html", tomorrow=due_tomorrow(session, user, moment),
                               undo=undo, max_new=MAX_EXTRA_NEW, max_ahead=MAX_AHEAD_DAYS)
    return render_template("review/study.html", **screen)


def _next(message: str | None, undo_id: int | None, status: int = 200) -> ResponseReturnValue:
    """After an answer: the next card (JSON for the page's script) or a redirect to it."""
    if not wants_json():
        if message:
            flash(message, "warning")
        return redirect(url_for("review.study"), 303)
    session, user, moment = db_session(), current_account(), now()
    # Just answered: that answer is the latest action (no query needed to find it).
    undo = UndoTarget(REVIEW, undo_id) if undo_id is not None else undo_target(session, user,
                                                                                moment)
    undo_id = undo.id if undo is not None and undo.kind == REVIEW else None
    screen = review_screen(session, user, moment, undo)
    if screen is None:
        return jsonify(message=message, next=None, undo_id=undo_id), status
    card, counts = screen["card"], screen["counts"]
    return jsonify(
        message=message, undo_id=undo_id,
        next={"card_id": card.id, "reps": card.reps, "review_uid": screen["review_uid"],
              "kind": screen["item"].kind,
              "counts": {"new": counts.new, "learning": counts.learning,
                         "review": counts.review},
              "buttons": [{"rating": rating, "name": name, "interval": interval}
                          for rating, name, interval in screen["buttons"]],
              "html": render_template("review/_card.html", **screen)},
    ), status


@blueprint.post("/review/answer")
@login_required
@reads_then_writes
def answer() -> ResponseReturnValue:
    """Store a rating (once per review id) and go on to the next card."""
    card_id = parse_int(request.form.get("card_id"))
    rating = parse_int(request.form.get("rating"))
    shown_reps = parse_int(request.form.get("reps"))
    review_uid = (request.form.get("review_uid") or "").strip()
    duration = parse_int(request.form.get("duration_ms"))
    if card_id is None or rating is None or shown_reps is None \
            or not 8 <= len(review_uid) <= 64:
        abort(400, "The answer was incomplete; reload the page and try again.")
    session, user = db_session(), current_account()
    # The card is read before the write lock is taken, so that the lock is held for less;
    # answer_card finds it in the session (whose identity map holds it while referenced).
    card = review.own_card(session, user, card_id)
    try:
        with write_phase() as writing:  # then the next card is read without the lock
            result = review.answer_card(
                writing, user, card.id, rating, review_uid, shown_reps, now(),
                duration_ms=min(max(duration, 0), 3_600_000) if duration is not None else None,
            )
    except review.ReviewRefused as refusal:
        return _next(str(refusal), None, 409)
    except IntegrityError:  # the same review id committed by a concurrent request
        if review.find_review(session, user, review_uid) is None:
            raise
        return _next(None, None)
    message = None
    if result.became_leech:
        message = (f"This card is a leech: it lapsed {review.LEECH_LAPSES} times or more, so "
                   "it was tagged and suspended. Rewrite it or split it up in the card "
                   "browser.")
    return _next(message, None if result.duplicate else result.log.id)


@blueprint.post("/review/more")
@login_required
@reads_then_writes
def more() -> ResponseReturnValue:
    """Study more today: more new cards or reviews ahead, for today only."""
    extra_new = parse_int(request.form.get("extra_new") or "0")
    ahead_days = parse_int(request.form.get("ahead_days") or "0")
    try:
        with write_phase() as session:
            study_more(session, current_account(), now(),
                       extra_new=extra_new if extra_new is not None else -1,
                       ahead_days=ahead_days if ahead_days is not None else -1)
    except StudyMoreRefused as refusal:
        flash(str(refusal), "warning")
        return redirect(url_for("review.study"), 303)
    flash(f"{extra_new} more new cards today." if extra_new else
          f"Reviews due in the next {ahead_days} day{'s' if ahead_days != 1 else ''} are in "
          "today's queue.", "success")
    return redirect(url_for("review.study"), 303)


@blueprint.post("/review/undo")
@login_required
@reads_then_writes
def undo() -> ResponseReturnValue:
    """Take back the latest action of the day, an answer or a bury, suspend or flag
    (repeatable, back through the day)."""
    log_id = parse_int(request.form.get("log_id"))
    action_id = parse_int(request.form.get("action_id"))
    if log_id is not None and action_id is None:
        target = UndoTarget(REVIEW, log_id)
    elif action_id is not None and log_id is None:
        target = UndoTarget(ACTION, action_id)
    else:
        abort(400, "Nothing to undo.")
    try:
        with write_phase() as session:
            undo_log.undo(session, current_account(), target, now())
    except review.ReviewRefused as refusal:
        flash(str(refusal), "warning")
    else:
        flash("Answer undone." if target.kind == REVIEW else "Action undone.", "info")
    return redirect(url_for("review.study"), 303)


def _card_action(card_id: int) -> tuple:
    session, user = db_session(), current_account()
    return session, user, review.own_card(session, user, card_id)


def _back(default: str) -> ResponseReturnValue:
    return redirect(local_path(request.form.get("next"), url_for(default)), 303)


@blueprint.post("/cards/<int:card_id>/bury")
@login_required
@writes
def bury(card_id: int) -> ResponseReturnValue:
    """Hide a card until tomorrow."""
    session, user, card = _card_action(card_id)
    record_action(session, user, card, "bury", now())
    review.bury(session, user, card, now())
    flash("Card buried until tomorrow.", "info")
    return _back("review.study")


@blueprint.post("/cards/<int:card_id>/suspend")
@login_required
@writes
def suspend(card_id: int) -> ResponseReturnValue:
    """Suspend a card, or unsuspend it with ``suspended=0``."""
    session, user, card = _card_action(card_id)
    suspended = request.form.get("suspended", "1") != "0"
    record_action(session, user, card, "suspend" if suspended else "unsuspend", now())
    review.set_suspended(session, card, suspended)
    flash("Card suspended." if suspended else "Card unsuspended.", "info")
    return _back("review.study")


@blueprint.post("/cards/<int:card_id>/flag")
@login_required
@writes
def flag(card_id: int) -> ResponseReturnValue:
    """Flag or unflag a card."""
    session, user, card = _card_action(card_id)
    record_action(session, user, card, "flag", now())
    review.toggle_flag(session, card)
    flash("Card flagged." if card.flagged else "Flag removed.", "info")
    return _back("review.study")
