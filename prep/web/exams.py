"""Mock exams in the browser: start, answer with a server-side clock, review, submit, report."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from prep.db import db_session
from prep.exams import attempts as lifecycle
from prep.exams import locks
from prep.exams.generation import (
    CustomQuiz,
    ExamRequest,
    OpenAttemptExists,
    PoolTooSmall,
    generate_exam,
)
from prep.exams.pools import domain_pools
from prep.exams.readiness import attempt_history, pass_fraction, readiness
from prep.exams.vocabulary import ExamUnavailable, FormKinds, Mode, Source
from prep.models import OPEN, AttemptQuestion, Exam, ExamAttempt
from prep.web import current_account, now, parse_int, wants_json
from prep.web.answer_forms import FormRefused, posted_answer
from prep.web.unit_of_work import reads, reads_then_writes, write_phase, writes

blueprint = Blueprint("exams", __name__)
# Why an attempt's pages write when they are opened (GETs write nowhere else): the exam's
# clock is the server's, and what it measures happens as pages are opened.
GRADED_AT_DEADLINE = ("an attempt whose time ran out is graded, as it stood at the deadline, "
                      "when any of its pages is opened")
TIME_ON_SCREEN = ("opening a question books the time spent on the one left and records the "
                  "question on screen (where the attempt resumes), and locks an answered "
                  "yes/no solution left for it; " + GRADED_AT_DEADLINE)
LEFT_FOR_REVIEW = ("opening the review locks an answered yes/no solution left for it (the "
                   "real exam's series allow no return); " + GRADED_AT_DEADLINE)


class CsrfForm(FlaskForm):
    """CSRF only; the fields are parsed by hand and checked by the domain layer."""


def _exam_or_404(exam_id: str) -> Exam:
    exam = db_session().get(Exam, exam_id)
    if exam is None:
        abort(404, "No such exam.")
    return exam


def _attempt_or_404(attempt_id: int) -> ExamAttempt:
    """For a page of the attempt: the user's attempt (NoSuchAttempt, a 404, if it is not),
    graded first if its time ran out (the write lock only then)."""
    attempt = lifecycle.own_attempt(db_session(), current_account(), attempt_id)
    if lifecycle.time_is_up(attempt, now()):
        with write_phase() as session:
            lifecycle.close_if_expired(session, attempt, now())
    return attempt


def _own_attempt(attempt_id: int) -> ExamAttempt:
    """For a change: the user's attempt (each change grades it first if its time ran out)."""
    return lifecycle.own_attempt(db_session(), current_account(), attempt_id)


@blueprint.get("/exams/<exam_id>")
@login_required
@reads
def overview(exam_id: str) -> ResponseReturnValue:
    """The exam: start a mock or a custom quiz, resume, history with trend, readiness."""
    session, user, exam = db_session(), current_account(), _exam_or_404(exam_id)
    open_attempts = session.query(ExamAttempt).filter_by(
        user_id=user.id, exam_id=exam.id, status=OPEN).order_by(ExamAttempt.started_at).all()
    pools = {domain.number: len(pool) for domain, pool in domain_pools(session, exam).items()}
    return render_template(
        "exams/overview.html", exam=exam, form=CsrfForm(), open_attempts=open_attempts,
        history=attempt_history(session, user, exam), pools=pools, sources=tuple(Source),
        readiness=readiness(session, user, exam, now()), pass_fraction=pass_fraction(exam),
    )


@blueprint.post("/exams/<exam_id>/start")
@login_required
@reads_then_writes
def start(exam_id: str) -> ResponseReturnValue:
    """Generate an attempt from the form: full mock or custom quiz, exam or practice mode."""
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    user, exam = current_account(), _exam_or_404(exam_id)
    domains = [n for n in (parse_int(v, low=1, high=99) for v in request.form.getlist("domain"))
               if n is not None]
    try:
        custom = CustomQuiz(
            domains=tuple(domains) or None,
            count=parse_int(request.form.get("count"), low=1, high=500),
            source=Source.parse(request.form.get("source", "all")),
        ) if request.form.get("kind") == "custom" else None
        wanted = ExamRequest(
            exam, user, Mode.parse(request.form.get("mode", "exam")),
            seed=secrets.randbelow(2**31), custom=custom,
            minutes=parse_int(request.form.get("minutes"), low=1, high=600),
            allow_short=request.form.get("allow_short") == "1",
        )
        with write_phase() as session:
            attempt = generate_exam(session, wanted, now())
    except OpenAttemptExists as error:
        flash(str(error), "warning")
        return redirect(url_for("exams.attempt", attempt_id=error.attempt.id), 303)
    except PoolTooSmall as error:
        flash(f"{error} Tick “take a shorter exam” to start one with {error.available} "
              "questions.", "warning")
        return redirect(url_for("exams.overview", exam_id=exam.id), 303)
    except ExamUnavailable as error:
        flash(str(error), "warning")
        return redirect(url_for("exams.overview", exam_id=exam.id), 303)
    for note in attempt.notes:
        flash(note, "info")
    return redirect(url_for("exams.question", attempt_id=attempt.id, position=1), 303)


@blueprint.get("/attempts/<int:attempt_id>")
@login_required
@reads_then_writes(reason=GRADED_AT_DEADLINE)
def attempt(attempt_id: int) -> ResponseReturnValue:
    """Resume: the question last on screen, or the report of a graded attempt."""
    found = _attempt_or_404(attempt_id)
    if found.status != OPEN:
        return redirect(url_for("exams.report", attempt_id=found.id))
    return redirect(url_for("exams.question", attempt_id=found.id,
                            position=found.current_position or 1))


def _seconds_left(attempt: ExamAttempt) -> int | None:
    left = lifecycle.remaining(attempt, now())
    return int(left.total_seconds()) if left is not None else None


def _question_page(attempt: ExamAttempt, shown: AttemptQuestion, *, status: int = 200,
                   error: str | None = None, draft: dict[str, str] | None = None) -> Response:
    """The question screen: the question of its kind (or its locked notice), navigation."""
    position = shown.position
    page = render_template(
        "exams/question.html", attempt=attempt, question=shown, item=shown.item,
        form=CsrfForm(), remaining=_seconds_left(attempt), error=error, draft=draft or {},
        rules=FormKinds.of(attempt.exam),
        group=shown.item.group, section=locks.section(attempt, position),
        locking=locks.locking_section(attempt, position), flaggable=locks.flaggable(shown),
        prev_position=locks.nearest_open(attempt, position - 1, -1),
        next_position=locks.nearest_open(attempt, position + 1, +1))
    return make_response(page, status)


def _leave_page(attempt: ExamAttempt, crossing: locks.LeaveUnconfirmed,
                to: str) -> ResponseReturnValue:
    """Leaving a case-study section that locks: what it locks, and the confirmation."""
    return render_template("exams/leave.html", attempt=attempt, form=CsrfForm(), to=to,
                           section=crossing.section, warning=str(crossing),
                           remaining=_seconds_left(attempt))


@blueprint.get("/attempts/<int:attempt_id>/q/<int:position>")
@login_required
@reads_then_writes(reason=TIME_ON_SCREEN)
def question(attempt_id: int, position: int) -> ResponseReturnValue:
    """One question with the navigation grid and the server's remaining time (a locked one:
    its notice; leaving a case study that locks: the confirmation first)."""
    try:
        with write_phase() as session:  # the lock is given back before the page is rendered
            found = lifecycle.own_attempt(session, current_account(), attempt_id)
            if lifecycle.close_if_expired(session, found, now()):
                flash("This attempt is finished; here is its report.", "info")
                return redirect(url_for("exams.report", attempt_id=found.id))
            shown = lifecycle.question_at(found, position)
            if not shown.locked:
                locks.leave(session, found, position)  # an answered yes/no solution left
                lifecycle.visit(found, position, now())
    except locks.LeaveUnconfirmed as crossing:  # asked first; nothing was written
        return _leave_page(found, crossing, str(position))
    return _question_page(found, shown)


@blueprint.post("/attempts/<int:attempt_id>/leave")
@login_required
@writes
def leave(attempt_id: int) -> ResponseReturnValue:
    """Leave a case-study section that locks, as confirmed, for a question or the review."""
    found = _own_attempt(attempt_id)
    to = request.form.get("to", "")
    position = parse_int(to, low=1, high=found.question_count) if to != "review" else None
    if to != "review" and position is None:
        abort(422, "Say where to go: a question of this attempt or the review.")
    if not lifecycle.close_if_expired(db_session(), found, now()):
        locks.leave(db_session(), found, position, confirmed=True)
    if position is None:
        return redirect(url_for("exams.review", attempt_id=found.id), 303)
    return redirect(url_for("exams.question", attempt_id=found.id, position=position), 303)


def _refused(found: ExamAttempt, position: int, refusal: Exception, status: int,
             ) -> ResponseReturnValue:
    """An answer or flag refused: JSON for the page's script, else a message and the page."""
    if wants_json():
        return jsonify(saved=False, error=str(refusal)), status
    flash(str(refusal), "warning")
    target = (url_for("exams.report", attempt_id=found.id) if found.status != OPEN
              else url_for("exams.question", attempt_id=found.id, position=position))
    return redirect(target, 303)


@blueprint.post("/attempts/<int:attempt_id>/q/<int:position>/answer")
@login_required
@writes
def answer(attempt_id: int, position: int) -> ResponseReturnValue:
    """Save the answer (autosaved by the page as it is made; a button without script)."""
    found = _own_attempt(attempt_id)
    session = db_session()
    shown = lifecycle.question_at(found, position)
    try:
        # Left before the form is read: a malformed answer must not show a question outside
        # a locking case study unasked. Only an open attempt in time is left (a closed one:
        # record_answer says why).
        if found.status == OPEN and not shown.locked and not lifecycle.time_is_up(found, now()):
            locks.leave(session, found, position)  # say, answered in a second tab
        keys = posted_answer(shown.item, request.form)
        saved = lifecycle.record_answer(session, found, position, keys, now())
    except (FormRefused, lifecycle.BadAnswer) as refusal:
        if wants_json() or found.status != OPEN:
            return _refused(found, position, refusal, 422)
        return _question_page(found, shown, status=422, error=str(refusal),
                              draft=request.form.to_dict())
    except (lifecycle.AttemptClosed, locks.LeaveUnconfirmed) as refusal:
        # Nothing of the answer was written; a grading at the deadline is kept.
        return _refused(found, position, refusal, 409)
    if wants_json():
        return jsonify(saved=True, chosen=saved.chosen)
    if found.mode == Mode.PRACTICE or request.form.get("stay"):
        next_position = position  # show the feedback (practice) or stay put
    else:
        next_position = min(position + 1, found.question_count)
    return redirect(url_for("exams.question", attempt_id=attempt_id, position=next_position), 303)


@blueprint.post("/attempts/<int:attempt_id>/q/<int:position>/flag")
@login_required
@writes
def flag(attempt_id: int, position: int) -> ResponseReturnValue:
    """Flag a question for review, or clear the flag (never a yes/no solution or a locked
    question)."""
    found = _own_attempt(attempt_id)
    try:
        flagged = lifecycle.toggle_flag(db_session(), found, position, now())
    except lifecycle.AttemptClosed as refusal:  # closed, or a locked question (409)
        return _refused(found, position, refusal, 409)  # a grading at the deadline is kept
    if wants_json():
        return jsonify(flagged=flagged)
    return redirect(url_for("exams.question", attempt_id=attempt_id, position=position), 303)


@blueprint.get("/attempts/<int:attempt_id>/review")
@login_required
@reads_then_writes(reason=LEFT_FOR_REVIEW)
def review(attempt_id: int) -> ResponseReturnValue:
    """Before submitting: every question's status, locks, and the final confirmation
    (reached from a case-study section that locks: the confirmation to leave it first)."""
    found = _attempt_or_404(attempt_id)
    if found.status != OPEN:
        return redirect(url_for("exams.report", attempt_id=found.id))
    if locks.locked_by_leaving(found, found.current_position, None):
        try:
            with write_phase() as session:
                locks.leave(session, found, None)  # an answered yes/no solution left behind
        except locks.LeaveUnconfirmed as crossing:  # asked first; nothing was written
            return _leave_page(found, crossing, "review")
    return render_template("exams/review.html", attempt=found, form=CsrfForm(),
                           miscounted=lifecycle.miscounted(found),
                           back_position=locks.nearest_open(
                               found, found.current_position or 1, +1)
                           or locks.nearest_open(found, found.question_count, -1),
                           sections=locks.locking_sections(found),
                           remaining=_seconds_left(found))


@blueprint.post("/attempts/<int:attempt_id>/submit")
@login_required
@writes
def submit(attempt_id: int) -> ResponseReturnValue:
    """Grade the attempt (confirmed on the review screen, or sent by the page at 0:00)."""
    found = _own_attempt(attempt_id)
    if request.form.get("confirm") not in ("yes", "timeout"):
        flash("Confirm that you want to submit.", "warning")
        return redirect(url_for("exams.review", attempt_id=attempt_id), 303)
    lifecycle.submit(db_session(), found, now())
    return redirect(url_for("exams.report", attempt_id=attempt_id), 303)


@blueprint.get("/attempts/<int:attempt_id>/clock")
@login_required
@reads_then_writes(reason=GRADED_AT_DEADLINE)
def clock(attempt_id: int) -> ResponseReturnValue:
    """The server's remaining time, for the page's countdown to resync."""
    found = _attempt_or_404(attempt_id)
    return jsonify(status=found.status, remaining=_seconds_left(found))


# The report's question filters (?show=...), each a test on one question, in menu order.
REPORT_FILTERS: dict[str, Callable[[AttemptQuestion], bool]] = {
    "all": lambda q: True,
    "wrong": lambda q: bool(q.chosen) and not q.correct,
    "unanswered": lambda q: not q.chosen,
    "flagged": lambda q: q.flagged,
    "correct": lambda q: bool(q.correct),
}


@blueprint.get("/attempts/<int:attempt_id>/report")
@login_required
@reads_then_writes(reason=GRADED_AT_DEADLINE)
def report(attempt_id: int) -> ResponseReturnValue:
    """Score, pass/fail, per-domain breakdown, time per question, every explanation."""
    found = _attempt_or_404(attempt_id)
    if found.status == OPEN:
        return redirect(url_for("exams.question", attempt_id=found.id,
                                position=found.current_position or 1))
    domains = lifecycle.question_domains(db_session(), found)
    show = request.args.get("show", "all")
    show = show if show in REPORT_FILTERS else "all"
    domain = request.args.get("domain", type=int)
    shown = [q for q in found.questions if REPORT_FILTERS[show](q)
             and (domain is None or getattr(domains.get(q.position), "number", None) == domain)]
    return render_template("exams/report.html", attempt=found, exam=found.exam,
                           results=lifecycle.domain_results(db_session(), found),
                           domains=domains, shown=shown, show=show, domain=domain,
                           rules=FormKinds.of(found.exam),
                           filters={name: sum(map(test, found.questions))
                                    for name, test in REPORT_FILTERS.items()})
