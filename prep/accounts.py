"""Accounts: registration and authentication (domain logic, no Flask)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from prep.models import User

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Checked against a password for timing parity when the e-mail is unknown.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """Invalid account input; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Raise AccountError when ``password`` is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("password", f"Use at most {MAX_PASSWORD_LENGTH} characters.")


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def register_user(
    session: Session, email: str, password: str, now: datetime, *, is_admin: bool = False
) -> User:
    """Create an account with a slow (scrypt) password hash; the caller commits."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise AccountError("email", "Enter a valid e-mail address.")
    check_password_rules(password)
    if find_user(session, email) is not None:
        raise AccountError("email", "An account with this e-mail address already exists.")
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        session_token=secrets.token_hex(16),
        is_admin=is_admin,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user if the e-mail and password match an enabled account, else None."""
    user = find_user(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if user.is_disabled or not check_password_hash(user.password_hash, password):
        return None
    return user


def end_sessions(user: User) -> None:
    """Invalidate every login cookie of ``user`` (logout)."""
    user.session_token = secrets.token_hex(16)
