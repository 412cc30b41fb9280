"""Registration, login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from prep import accounts
from prep.db import db_session
from prep.models import User
from prep.web import current_account, local_path, now
from prep.web.limits import remember_device
from prep.web.unit_of_work import reads, reads_then_writes, write_phase, writes

blueprint = Blueprint("auth", __name__)


class LoginUser(UserMixin):
    """Flask-Login's view of a user: the id plus the token that logout rotates."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_token}"


def load_user(login_id: str) -> LoginUser | None:
    """Find the user of a login cookie, refusing stale tokens, disabled accounts and logins
    past their lifetime (or, for admins, idle for too long)."""
    user_id, _, token = login_id.partition(":")
    if not user_id.isdigit():
        return None
    # The read transaction this opens stays open: the unit of work of a view that writes
    # ends it first on SQLite (and goes on in it on PostgreSQL).
    user = db_session().get(User, int(user_id))
    if user is None or user.is_disabled or user.session_token != token:
        return None
    moment, config = now().timestamp(), current_app.config
    logged_in_at, seen_at = session.get("login_at"), session.get("seen_at")
    if not isinstance(logged_in_at, float) \
            or moment - logged_in_at > config["PREP_SESSION_LIFETIME_DAYS"] * 86400:
        return None  # the signed cookie carries the times, so they cannot be moved on
    if user.is_admin:
        if not isinstance(seen_at, float) \
                or moment - seen_at > config["PREP_ADMIN_IDLE_MINUTES"] * 60:
            return None
        if moment - seen_at >= 60:  # a new cookie at most once a minute
            session["seen_at"] = moment
    return LoginUser(user)


def start_login(user: User) -> None:
    """Log ``user`` in on a fresh session (no fixation) that records when, for the limits."""
    session.clear()
    login_user(LoginUser(user))
    session["login_at"] = session["seen_at"] = now().timestamp()


class RegisterForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password",
        validators=[DataRequired()],  # the rules live in prep.accounts
        description=f"At least {accounts.MIN_PASSWORD_LENGTH} characters, not a common "
                    "password.",
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


@blueprint.route("/register", methods=["GET", "POST"])
@reads_then_writes
def register() -> ResponseReturnValue:
    """Create an account and log in."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            email, password_hash = accounts.checked_registration(  # scrypt: before the lock
                form.email.data, form.password.data)
            with write_phase() as session_:
                user = accounts.create_user(session_, email, password_hash, now())
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            start_login(user)
            flash("Welcome to prep. Pick the tracks you want to study.", "success")
            return redirect(url_for("tracks.home"))
    status = 200 if request.method != "POST" else 422
    return render_template("auth/register.html", form=form), status


@blueprint.route("/login", methods=["GET", "POST"])
@reads
def login() -> ResponseReturnValue:
    """Log in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db_session(), form.email.data, form.password.data)
        if user is not None:
            start_login(user)
            response = redirect(local_path(request.args.get("next"), url_for("today.show")))
            remember_device(response, user.email)
            return response
        form.password.errors.append("Wrong e-mail or password.")
    status = 200 if request.method != "POST" else 401
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
@login_required
@writes
def logout() -> ResponseReturnValue:
    """Log out everywhere: the login token is rotated, so old cookies stop working."""
    accounts.end_sessions(current_account())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
