"""The admin's view: every account, and disabling one. Everyone else gets a 404 here."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from prep import accounts
from prep.db import db_session
from prep.models import User
from prep.web import current_account
from prep.web.unit_of_work import reads, reads_then_writes, write_phase

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


class CsrfForm(FlaskForm):
    """CSRF only."""


def admin_required(view: Any) -> Any:
    """Only admins reach ``view``; to anyone else the page does not exist."""

    @wraps(view)
    @login_required
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_account().is_admin:
            abort(404)
        return view(*args, **kwargs)

    return guarded


@blueprint.get("/users")
@admin_required
@reads
def users() -> ResponseReturnValue:
    """Every account with its counts."""
    return render_template("admin/users.html", accounts=accounts.list_accounts(db_session()),
                           form=CsrfForm(), me=current_account().id)


@blueprint.post("/users/<int:user_id>/disable")
@admin_required
@reads_then_writes
def disable(user_id: int) -> ResponseReturnValue:
    """Disable an account (its logins end at once) or, when disabled, enable it again."""
    try:
        with write_phase() as session:
            user = session.get(User, user_id)
            if user is None:
                abort(404)
            accounts.set_disabled(current_account(), user, not user.is_disabled)
    except accounts.AccountError as error:
        flash(error.message, "warning")
    else:
        flash(f"{user.email} is {'disabled' if user.is_disabled else 'enabled again'}.", "info")
    return redirect(url_for("admin.users"), 303)
