"""Small factories for test data, built through the same domain functions the app uses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from prep.accounts import register_user
from prep.decks.check import check_decks
from prep.decks.sync import SyncReport, sync_decks
from prep.models import User

PASSWORD = "correct horse battery"
FIXTURE_DECKS = Path(__file__).parent / "fixtures" / "decks"


def make_user(session: Session, now: datetime, email: str, password: str = PASSWORD) -> User:
    """A committed user account."""
    user = register_user(session, email, password, now)
    session.commit()
    return user


def load_decks(session: Session, now: datetime, root: Path = FIXTURE_DECKS) -> SyncReport:
    """Check and sync a decks folder (the fixture decks by default) and commit."""
    bundle = check_decks(root)
    assert bundle.ok, "\n".join(map(str, bundle.faults))
    report = sync_decks(session, bundle, now)
    session.commit()
    return report
