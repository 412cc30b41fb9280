"""The web layer: Flask extensions, one blueprint per feature, errors and security headers."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, render_template, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from prep.exams import attempts
from prep.models import User
from prep.rendering import render_markdown
from prep.skills.check import NoSuchCheck
from prep.skills.credentials import NoSuchCredential
from prep.study.bulk_actions import BulkRefused, NoSuchDeck
from prep.study.enrollment import UnknownTrack
from prep.study.own_cards import Quota
from prep.study.queue import COUNT_LIMIT
from prep.study.review import NoSuchCard, NoSuchReview
from prep.web.unit_of_work import register_unit_of_work, roll_back

login_manager = LoginManager()
csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def now() -> datetime:
    """The current time from the app's clock (frozen in tests)."""
    return current_app.config["PREP_CLOCK"]()


def own_card_quota() -> Quota:
    """What each user's own cards may hold, from the app's configuration."""
    return Quota(current_app.config["PREP_OWN_CARDS_MAX"],
                 current_app.config["PREP_OWN_CARDS_MAX_CHARS"])


def current_account() -> User:
    """The logged-in user's row, attached to this request's session."""
    return current_user.user


def wants_json() -> bool:
    """Whether the client (a page's script) asked for JSON rather than a page."""
    return request.accept_mimetypes.best == "application/json"


def local_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback`` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return fallback


def parse_int(value: str | None, *, low: int = -(2**31), high: int = 2**31 - 1) -> int | None:
    """A form value as a bounded int, or None when absent or malformed."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def register_extensions(app: Flask) -> None:
    """Login sessions, CSRF protection on every form, read-only sessions for reading views."""
    from prep.web.auth import load_user

    register_unit_of_work(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."
    login_manager.user_loader(load_user)
    csrf.init_app(app)
    if hops := app.config["PREP_PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]  # the WSGI middleware wraps the app, as Flask documents
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["queue_count"] = lambda n: f"{n}+" if n >= COUNT_LIMIT else str(n)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature."""
    from prep.web.account import blueprint as account
    from prep.web.admin import blueprint as admin
    from prep.web.advisor import blueprint as advisor
    from prep.web.anki import blueprint as anki
    from prep.web.auth import blueprint as auth
    from prep.web.cards import blueprint as cards
    from prep.web.credentials import blueprint as credentials
    from prep.web.dashboard import blueprint as dashboard
    from prep.web.exams import blueprint as exams
    from prep.web.health import blueprint as health
    from prep.web.limits import register_rate_limits
    from prep.web.reports import blueprint as reports
    from prep.web.review import blueprint as review
    from prep.web.settings import blueprint as settings
    from prep.web.skills import blueprint as skills
    from prep.web.today import blueprint as today
    from prep.web.tracks import blueprint as tracks

    for blueprint in (auth, account, admin, tracks, today, review, dashboard, cards, exams,
                      settings, reports, skills, advisor, credentials, health, anki):
        app.register_blueprint(blueprint)
    register_rate_limits(app)


# What a user gets for each refusal of the domain that a view leaves to the app (a view that
# shows one beside a form field, or flashes it on the page it redirects to, catches it): a
# missing object, or another user's, is a 404 whose message names it; a request at odds with
# the state of things (an attempt closed) a 409; input that does not fit a 422 (400 for a
# form no page of prep sends). The message is the exception's own unless one is given here.
DOMAIN_ERRORS: dict[type[Exception], tuple[int, str | None]] = {
    attempts.NoSuchAttempt: (404, "No such attempt."),
    attempts.NoSuchQuestion: (404, "No such question in this attempt."),
    NoSuchCard: (404, "No such card."),
    NoSuchDeck: (404, "No such deck."),
    NoSuchReview: (404, "Nothing to undo: that answer is not yours or was already undone."),
    NoSuchCheck: (404, "No such skills check."),
    NoSuchCredential: (404, "No such credential."),
    attempts.AttemptClosed: (409, None),
    attempts.BadAnswer: (422, None),
    BulkRefused: (422, None),
    UnknownTrack: (400, None),
}


def register_errorhandlers(app: Flask) -> None:
    """Friendly error pages; the domain's refusals as 4xx (``DOMAIN_ERRORS``); a missing or
    bad CSRF token is a 403; a database out of reach is a 503 with Retry-After."""

    def _domain_error(error: Exception):
        status, message = next(DOMAIN_ERRORS[kind] for kind in type(error).__mro__
                               if kind in DOMAIN_ERRORS)
        message = message or str(error)
        roll_back()  # the unit of work has; not so a view without a declaration (tests')
        if wants_json():
            return jsonify(error=message), status
        return render_template("error.html", code=status, message=message), status

    for kind in DOMAIN_ERRORS:
        app.register_error_handler(kind, _domain_error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        message = "The form expired or was not sent from prep. Reload the page and try again."
        return render_template("error.html", code=403, message=message), 403

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        # A lost or refused database connection is a 503 the client may retry; the pool
        # pre-pings, so requests succeed again once the database is back. Other database
        # errors (constraint, data) are bugs: a 500.
        if not (error.connection_invalidated or isinstance(error, OperationalError)):
            raise error
        current_app.logger.warning("database unavailable: %s", error.orig)
        roll_back()
        message = "The database is unavailable for a moment. Try again in a few seconds."
        if wants_json():
            response = jsonify(error=message)
        else:
            response = current_app.make_response(render_template("unavailable.html",
                                                                 message=message))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        roll_back()  # the page reads the user (its menu): not in a failed transaction
        code = error.code or 500
        return render_template("error.html", code=code, message=error.description), code


def register_security_headers(app: Flask) -> None:
    """Security headers on every response."""

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            # Pages and downloads hold study data and CSRF tokens: a shared computer's back
            # button or disk cache must not keep them after logout; this replaces the
            # "no-cache" that send_file sets. (Decided per endpoint, not per login: looking
            # the user up here would query the database after the view, even on the 503 page.)
            response.headers["Cache-Control"] = "no-store"
        return response


# A NUL, or a lone UTF-16 surrogate (as a JSON escape "\\ud800" makes), fits no text column:
# PostgreSQL refuses the first, and neither database can encode the second.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: object) -> bool:
    """Whether a string anywhere in ``value`` (keys included) holds an unstorable character."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(key) or _unstorable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_unstorable(item) for item in value)
    return False


def register_request_guards(app: Flask) -> None:
    """Refuse input no field can hold before any view sees it: NUL characters and lone
    surrogates in the path, the query, the form or a JSON body, and ids out of range."""

    @app.before_request
    def _storable_input() -> None:
        # An id in the path beyond the databases' 32-bit integers names nothing there.
        if any(isinstance(value, int) and not -(2**31) <= value < 2**31
               for value in (request.view_args or {}).values()):
            abort(404, "No such page.")
        body: object = None
        if request.is_json:  # Flask-WTF reads a JSON body as the form: it must be an object
            try:
                body = request.get_json(silent=True)
            except RecursionError:
                body = None
            if not isinstance(body, dict):
                abort(400, "The request body must be a JSON object.")
        else:
            body = list(request.form.items(multi=True))
        try:
            refused = _unstorable(request.path) or _unstorable(
                list(request.args.items(multi=True))) or _unstorable(body)
        except RecursionError:  # nested deeper than any form of prep's
            refused = True
        if refused:
            abort(400, "The request contains a NUL character or an invalid (surrogate) "
                       "character, which no field accepts.")
