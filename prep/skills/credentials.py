"""Certifications a user holds: expiry (given, or from the exam's validity period), a warning
``WARN_DAYS`` ahead, and the next credential to aim for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep.models import Credential, Exam, User

WARN_DAYS = 90
TAKEN = ("active", "retiring")
VALID, EXPIRING, EXPIRED, UNKNOWN = "valid", "expiring", "expired", "unknown"


class CredentialError(ValueError):
    """A credential that cannot be recorded; the message says why (a 4xx)."""


class NoSuchCredential(LookupError):
    """No credential with this id belongs to the user: a 404."""


def add_years(day: date, years: int) -> date:
    """``day`` moved ``years`` years on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity_years(exam: Exam) -> int | None:
    """The exam file's validity period, when it gives one."""
    return (exam.facts or {}).get("validity_years")


def expiry(credential: Credential) -> tuple[date | None, str | None]:
    """The expiry date and where it comes from: the user's own, or the exam's validity."""
    if credential.expires_on is not None:
        return credential.expires_on, "given"
    years = validity_years(credential.exam)
    if years:
        return add_years(credential.passed_on, years), f"{years} years' validity"
    return None, None


def state_on(expires_on: date | None, today: date) -> str:
    """valid, expiring (within WARN_DAYS), expired, or unknown (no expiry known)."""
    if expires_on is None:
        return UNKNOWN
    if expires_on < today:
        return EXPIRED
    return EXPIRING if (expires_on - today).days <= WARN_DAYS else VALID


def next_credential(exam: Exam, exams: list[Exam]) -> tuple[Exam | None, str]:
    """The credential to aim for next: a retired exam's successor, the professional level
    after an associate one (same vendor), else none."""
    by_id = {other.id: other for other in exams}
    successor = by_id.get(exam.successor_id or "")
    if exam.status in ("retired", "closed") and successor is not None:
        return successor, f"{exam.code} is {exam.status}; {successor.code} succeeds it."
    if (exam.facts or {}).get("level") == "associate":
        for other in exams:
            if other.vendor == exam.vendor and other.status in TAKEN \
                    and (other.facts or {}).get("level") == "professional":
                return other, f"The professional level after {exam.code}."
    return None, ""


@dataclass
class CredentialStatus:
    """A held credential as the pages show it."""

    credential: Credential
    expires_on: date | None
    expiry_source: str | None
    state: str
    days_left: int | None
    next_exam: Exam | None
    next_reason: str


def credential_statuses(session: Session, user: User, today: date) -> list[CredentialStatus]:
    """The user's credentials, soonest expiry first, with warnings and what comes next."""
    exams = list(session.scalars(select(Exam).order_by(Exam.id)))
    found = []
    for credential in session.scalars(select(Credential).where(Credential.user_id == user.id)
                                      .order_by(Credential.passed_on, Credential.id)):
        expires_on, source = expiry(credential)
        following, reason = next_credential(credential.exam, exams)
        found.append(CredentialStatus(
            credential, expires_on, source, state_on(expires_on, today),
            (expires_on - today).days if expires_on else None, following, reason))
    return sorted(found, key=lambda s: (s.expires_on is None, s.expires_on or today))


def _parse_day(raw: str, what: str) -> date | None:
    text = (raw or "").strip()[:20]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CredentialError(f"Enter the {what} as YYYY-MM-DD.") from None


def add_credential(session: Session, user: User, exam_id: str, passed_raw: str,
                   expires_raw: str, today: date, now: datetime) -> Credential:
    """Record a certification the user holds; CredentialError says what is wrong."""
    exam = session.get(Exam, (exam_id or "")[:64])
    if exam is None or exam.status == "practice":
        raise CredentialError("Choose a certification exam.")
    passed_on = _parse_day(passed_raw, "date passed")
    if passed_on is None:
        raise CredentialError("Enter the date you passed, as YYYY-MM-DD.")
    if passed_on > today or passed_on.year < 1990:
        raise CredentialError("The date passed must be a past date.")
    expires_on = _parse_day(expires_raw, "expiry date")
    if expires_on is not None and expires_on <= passed_on:
        raise CredentialError("The expiry date must come after the date passed.")
    credential = Credential(user_id=user.id, exam=exam, exam_id=exam.id, passed_on=passed_on,
                            expires_on=expires_on, created_at=now)
    try:
        with session.begin_nested():
            session.add(credential)
    except IntegrityError:
        raise CredentialError(f"{exam.code} passed on {passed_on} is already recorded.") from None
    return credential


def remove_credential(session: Session, user: User, credential_id: int) -> None:
    """Delete one of the user's credentials, or NoSuchCredential."""
    credential = session.get(Credential, credential_id)
    if credential is None or credential.user_id != user.id:
        raise NoSuchCredential(credential_id)
    session.delete(credential)
    session.flush()
