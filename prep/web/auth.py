"""Registration, login and logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from prep import accounts
from prep.db import db_session, write_session
from prep.models import User
from prep.web import local_path, now

blueprint = Blueprint("auth", __name__)


class LoginUser(UserMixin):
    """Flask-Login's view of a user: the id plus the token that logout rotates."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_token}"


def load_user(login_id: str) -> LoginUser | None:
    """Find the user of a login cookie, refusing stale tokens and disabled accounts."""
    user_id, _, token = login_id.partition(":")
    if not user_id.isdigit():
        return None
    # The read transaction this opens stays open: a request that then writes calls
    # write_session(), which ends it first on SQLite (and keeps it on PostgreSQL).
    user = db_session().get(User, int(user_id))
    if user is None or user.is_disabled or user.session_token != token:
        return None
    return LoginUser(user)


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
def register() -> ResponseReturnValue:
    """Create an account and log in."""
    form = RegisterForm()
    if form.validate_on_submit():
        session_ = write_session()
        try:
            user = accounts.register_user(session_, form.email.data, form.password.data, now())
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            session_.commit()
            session.clear()
            login_user(LoginUser(user))
            flash("Welcome to prep. Pick the tracks you want to study.", "success")
            return redirect(url_for("tracks.home"))
    status = 200 if request.method != "POST" else 422
    return render_template("auth/register.html", form=form), status


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db_session(), form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(LoginUser(user))
            return redirect(local_path(request.args.get("next"), url_for("today.show")))
        form.password.errors.append("Wrong e-mail or password.")
    status = 200 if request.method != "POST" else 401
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Log out everywhere: the login token is rotated, so old cookies stop working."""
    session_ = write_session()
    user = session_.get_one(User, current_user.user.id)
    accounts.end_sessions(user)
    session_.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
