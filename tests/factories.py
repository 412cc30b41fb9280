"""Small factories for test data, built through the same domain functions the app uses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from prep.accounts import register_user
from prep.decks.check import check_decks
from prep.decks.sync import SyncReport, sync_decks
from prep.exams.pools import bump_content_version
from prep.models import CardState, User

PASSWORD = "correct horse battery"
FIXTURE_DECKS = Path(__file__).parent / "fixtures" / "decks"
# One track (gamma) with an item of every kind: ordering, matching, a case, a series.
KINDS_DECKS = Path(__file__).parent / "fixtures" / "kinds"


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


def studied_user(session: Session, now: datetime, email: str = "kim@example.com") -> User:
    """A user with something of every kind: a track with an exam date, own cards, reviews
    (some undone by nothing, a lapse among them), a graded exam attempt with a missed
    question in the queue, a problem report and changed settings. Commits; the clock is
    ``now``."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from prep.exams.attempts import grade, record_answer
    from prep.exams.generation import CustomQuiz, ExamRequest, generate_exam
    from prep.exams.vocabulary import Mode
    from prep.models import Card, Enrollment, Exam, Item
    from prep.reports import report_problem, shared_item
    from prep.skills.check import next_question, start_check
    from prep.skills.check import record_answer as record_skill
    from prep.skills.credentials import add_credential
    from prep.study.review import answer_card

    make_question_bank(session, now, {1: 6, 2: 4})
    user = enrolled_user(session, now, email)
    user.desired_retention, user.timezone, user.fsrs_parameters = 0.85, "Europe/Berlin", None
    session.get(Enrollment, (user.id, "alpha")).exam_date = date(2027, 1, 15)
    add_flashcards(session, user, 3, now, deck_title="My <b>deck</b>")
    cards = session.scalars(select(Card).where(Card.user_id == user.id).order_by(Card.id)).all()
    for n, card in enumerate(cards[:4]):
        for k, rating in enumerate((3, 1, 3) if n == 0 else (3,)):
            at = now - timedelta(minutes=40 - 11 * k)  # a history, all of it in the past
            answer_card(session, user, card.id, rating, f"r-{n}-{k}-{card.id}", card.reps, at,
                        duration_ms=4000 + k)
    started = now - timedelta(minutes=30)
    attempt = generate_exam(session, ExamRequest(session.get(Exam, "alpha-one"), user,
                                                 Mode.PRACTICE, 7, custom=CustomQuiz(count=4)),
                            started)
    for question in attempt.questions[:3]:
        wrong = [key for key in ("a", "b", "c", "d") if key not in question.item.correct][:1]
        keys = question.item.correct if question.position % 2 else wrong
        record_answer(session, attempt, question.position, keys, started)
    attempt.questions[0].flagged = True
    grade(session, attempt, now - timedelta(minutes=10))
    report_problem(session, user, shared_item(session, "al-q002"), "unclear",
                   "Which regularisation is meant?", now - timedelta(minutes=5))
    check = start_check(session, user, now - timedelta(minutes=4), seed=11)
    first = session.get(Item, next_question(check)[1])
    record_skill(session, check, first.id, first.correct[0], now - timedelta(minutes=3))
    add_credential(session, user, "alpha-one", "2025-02-01", "", now.date(), now)
    session.commit()
    return user


def in_review(session: Session, user: User, now: datetime, *, stability: float = 50.0,
              reviewed_days_ago: int = 30, due_in_days: int = 40) -> list[int]:
    """Put every card of ``user`` in review (seen ``reviewed_days_ago``, due in
    ``due_in_days``) and commit; returns the card ids."""
    from datetime import timedelta

    from sqlalchemy import select

    from prep.models import Card

    cards = list(session.scalars(select(Card).where(Card.user_id == user.id)))
    for card in cards:
        card.state, card.stability, card.difficulty = CardState.REVIEW, stability, 5.0
        card.last_review = now - timedelta(days=reviewed_days_ago)
        card.due = now + timedelta(days=due_in_days)
    session.commit()
    return [card.id for card in cards]


# Lines inside the fixture's alpha/basics.yaml items, for tests that date them.
CHECKED_BEFORE = {"al-q001": "    reference: Apache", "al-q002": "    reference: Keras",
                  "al-c002": "    front: |\n      Which Keras layer"}


def date_fixture_items(root: Path, months: dict[str, str]) -> None:
    """Give items of a fixture-decks copy ``checked`` months: {uid: "YYYY-MM"}."""
    path = root / "alpha" / "basics.yaml"
    text = path.read_text()
    for uid, month in months.items():
        text = text.replace(CHECKED_BEFORE[uid], f"    checked: {month}\n{CHECKED_BEFORE[uid]}")
    path.write_text(text)
