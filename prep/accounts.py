"""Accounts: registration, authentication, password change, deletion and the admin view
(domain logic, no Flask)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from prep.models import (
    AnkiLink,
    AttemptQuestion,
    Card,
    CardAction,
    CardTag,
    Deck,
    Enrollment,
    ExamAttempt,
    Item,
    ItemReport,
    ReviewLog,
    User,
)

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


def checked_email(email: str) -> str:
    """The address normalised, if it is a valid one (RFC 5321/5322 syntax, as WTForms checks
    it; no DNS lookup): else AccountError saying what is wrong."""
    try:
        valid = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError("email", f"Enter a valid e-mail address: {error}") from None
    return normalise_email(valid.normalized)


COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common_passwords.txt"
# What may follow a common stem and still count as that stem ("Password2024!").
_DECORATION = re.compile(r"[\d\W_]*$")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords and password stems, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()
                     and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """Whether ``password`` is listed, is a listed stem plus digits/symbols, or one repeated
    character."""
    lowered = password.lower()
    stem = _DECORATION.sub("", lowered)
    return lowered in common_passwords() or stem in common_passwords() or len(set(lowered)) == 1


def check_password_rules(password: str, email: str = "", field: str = "password") -> None:
    """Raise AccountError (on ``field``) unless ``password`` is long and not easily guessed."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(field, f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(field, f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if "\x00" in password:
        raise AccountError(field, "The password cannot contain a NUL character.")
    local_part = normalise_email(email).partition("@")[0]
    if is_common_password(password) or (len(local_part) >= 4 and local_part in password.lower()):
        raise AccountError(field, "This password is too easy to guess: it is a common "
                                  "password or contains your e-mail name. Choose another.")


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def checked_registration(email: str, password: str) -> tuple[str, str]:
    """The e-mail address as stored and the password's slow (scrypt) hash, once both pass
    the rules: the slow part of registering, which callers do before the write lock."""
    email = checked_email(email)
    check_password_rules(password, email)
    return email, generate_password_hash(password)


def create_user(session: Session, email: str, password_hash: str, now: datetime, *,
                is_admin: bool = False) -> User:
    """An account for a registration checked by ``checked_registration``; flushes."""
    if find_user(session, email) is not None:
        raise AccountError("email", "An account with this e-mail address already exists.")
    user = User(
        email=email,
        password_hash=password_hash,
        session_token=secrets.token_hex(16),
        is_admin=is_admin,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def register_user(
    session: Session, email: str, password: str, now: datetime, *, is_admin: bool = False
) -> User:
    """Create an account with a slow (scrypt) password hash; the caller commits."""
    return create_user(session, *checked_registration(email, password), now, is_admin=is_admin)


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


def new_password_hash(user: User, current: str, new: str) -> str:
    """The hash of the new password once the current one and the rules are checked: the
    slow part of a change (three scrypt runs), which callers do before the write lock."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("current_password", "This is not your current password.")
    check_password_rules(new, user.email, field="new_password")
    if check_password_hash(user.password_hash, new):
        raise AccountError("new_password", "Choose a password different from the current one.")
    return generate_password_hash(new)


def set_password_hash(user: User, password_hash: str) -> None:
    """Store a hash from ``new_password_hash``; every other login ends."""
    user.password_hash = password_hash
    end_sessions(user)


def check_password(user: User, password: str) -> None:
    """AccountError unless ``password`` is the user's (slow: before the write lock)."""
    if not check_password_hash(user.password_hash, password):
        raise AccountError("password", "This is not your password.")


def delete_account(session: Session, user: User, password: str) -> None:
    """Check the password, then remove the user and all theirs (``remove_account``)."""
    check_password(user, password)
    remove_account(session, user)


def remove_account(session: Session, user: User) -> None:
    """Remove the user and every row of theirs (study, exams, own decks); the caller commits."""
    attempts = select(ExamAttempt.id).where(ExamAttempt.user_id == user.id)
    own_decks = select(Deck.id).where(Deck.owner_id == user.id)
    # Explicit deletes, children first, rather than trusting ON DELETE CASCADE alone: the
    # same statements then hold on every database and leave nothing behind.
    for statement in (
        delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(attempts)),
        delete(ExamAttempt).where(ExamAttempt.user_id == user.id),
        delete(ReviewLog).where(ReviewLog.user_id == user.id),
        delete(CardAction).where(CardAction.user_id == user.id),
        delete(CardTag).where(CardTag.user_id == user.id),
        delete(Card).where(Card.user_id == user.id),
        delete(Item).where(Item.deck_id.in_(own_decks)),
        delete(Deck).where(Deck.owner_id == user.id),
        delete(Enrollment).where(Enrollment.user_id == user.id),
        delete(ItemReport).where(ItemReport.user_id == user.id),
        update(ItemReport).where(ItemReport.resolved_by_id == user.id)
        .values(resolved_by_id=None),
        delete(AnkiLink).where(AnkiLink.user_id == user.id),
        delete(User).where(User.id == user.id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.expunge(user)


@dataclass(frozen=True)
class AccountSummary:
    """One row of the admin's user list."""

    id: int
    email: str
    created_at: datetime
    is_admin: bool
    is_disabled: bool
    cards: int
    reviews: int


def list_accounts(session: Session) -> list[AccountSummary]:
    """Every account with its card and review counts, oldest first (the admin's view)."""
    cards = select(func.count()).where(Card.user_id == User.id).scalar_subquery()
    reviews = select(func.count()).where(ReviewLog.user_id == User.id).scalar_subquery()
    rows = session.execute(
        select(User.id, User.email, User.created_at, User.is_admin, User.is_disabled,
               cards, reviews).order_by(User.id)
    )
    return [AccountSummary(*row) for row in rows]


def set_disabled(admin: User, user: User, disabled: bool) -> None:
    """Disable (ending every login) or re-enable an account; admins cannot disable themselves."""
    if user.id == admin.id:
        raise AccountError("user", "You cannot disable your own account.")
    user.is_disabled = disabled
    if disabled:
        end_sessions(user)
