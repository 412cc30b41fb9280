"""Small factories for test data, built through the same domain functions the app uses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from prep.accounts import register_user
from prep.decks.check import check_decks
from prep.decks.sync import SyncReport, bump_content_version, sync_decks
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


def enrolled_user(session: Session, now: datetime, email: str = "lea@example.com",
                  tracks: tuple[str, ...] = ("alpha",)) -> User:
    """A user studying ``tracks`` of the fixture decks (loaded if not yet)."""
    from prep.models import Track
    from prep.study.enrollment import set_tracks

    if session.get(Track, tracks[0]) is None:
        load_decks(session, now)
    user = make_user(session, now, email)
    set_tracks(session, user, tracks, now)
    session.commit()
    return user


def add_flashcards(session: Session, user: User, count: int, now: datetime,
                   deck_title: str = "Bulk") -> list[int]:
    """``count`` own flashcards of ``user`` (with card rows); returns the card ids."""
    from prep.study.own_cards import CardDraft, create_own_card

    ids = [
        create_own_card(session, user, CardDraft(deck=deck_title, front=f"Front {n}",
                                                 back=f"Back {n}", tags=["bulk"]), now).id
        for n in range(count)
    ]
    session.commit()
    return ids


def make_question_bank(session: Session, now: datetime, per_domain: dict[int, int],
                       exam_id: str = "alpha-one", multi_every: int = 4) -> list[int]:
    """Synthetic questions for ``exam_id``: ``per_domain[n]`` questions in domain n.

    Every ``multi_every``-th question has two correct options. Returns the item ids.
    """
    from sqlalchemy import select

    from prep.models import Deck, ExamDomain, Item

    if session.get(__import__("prep.models", fromlist=["Exam"]).Exam, exam_id) is None:
        load_decks(session, now)
    domains = {d.number: d for d in session.scalars(
        select(ExamDomain).where(ExamDomain.exam_id == exam_id))}
    deck = Deck(slug=f"alpha/bank-{len(per_domain)}-{sum(per_domain.values())}",
                track_id="alpha", title="Bank")
    session.add(deck)
    ids, counter = [], 0
    for number, count in per_domain.items():
        for _ in range(count):
            counter += 1
            multi = counter % multi_every == 0
            item = Item(
                uid=f"bank-{deck.slug.split('/')[1]}-{counter}", deck=deck, kind="question",
                prompt=f"Scenario {counter} in domain {number}: which option is right?",
                options=[{"key": k, "text": f"Option {k} of {counter}",
                          "explanation": f"Why {k} is {'right' if k in 'ac' else 'wrong'}."}
                         for k in "abcd"],
                correct=["a", "c"] if multi else ["a"], reference="Test", tags=[],
                content_hash=f"{counter:064d}", created_at=now, updated_at=now,
                domains=[domains[number]],
            )
            session.add(item)
            session.flush()
            ids.append(item.id)
    bump_content_version(session, now)  # as a deck load would: pools changed
    session.commit()
    return ids
