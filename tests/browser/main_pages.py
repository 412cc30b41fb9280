"""Every main page of the app, filled with data, for the checks that run on all of them.

The layout test (nothing scrolls sideways) and the accessibility test (axe-core) both walk
this list, so a page added here is checked by both.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from prep.exams.attempts import record_answer, submit
from prep.exams.generation import ExamRequest, generate_exam
from prep.exams.vocabulary import Mode
from prep.models import Exam
from prep.study.review import answer_card
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock
from tests.factories import add_flashcards, enrolled_user, make_question_bank


@dataclass(frozen=True)
class MainPage:
    """A page to visit: its name, address, and an optional click to reach its state."""

    name: str
    url: str
    click: str | None = None  # a selector clicked after loading (the review's back)


def populate(session: Session, clock: FrozenClock) -> tuple[str, list[MainPage]]:
    """A user with cards, reviews, a graded mock and an open one; returns the pages to visit."""
    make_question_bank(session, clock(), {1: 8, 2: 6})
    user = enrolled_user(session, clock(), "pages@example.com")
    card_ids = add_flashcards(session, user, 6, clock())
    for n, card_id in enumerate(card_ids[:2]):
        answer_card(session, user, card_id, 3, f"pages-{n}", 0, clock(), 4000)
    exam = session.get(Exam, "alpha-one")
    exam.question_count = 8
    graded = generate_exam(session, ExamRequest(exam, user, Mode.EXAM, seed=5), clock())
    record_answer(session, graded, 1, graded.questions[0].item.correct, clock())
    record_answer(session, graded, 2, ["b"], clock())
    graded.questions[2].flagged = True
    submit(session, graded, clock())
    session.commit()
    open_attempt = generate_exam(session, ExamRequest(exam, user, Mode.EXAM, seed=6), clock())
    session.commit()
    attempt = open_attempt.id
    pages = [
        MainPage("home", "/"),
        MainPage("today", "/today"),
        MainPage("review-front", "/review"),
        MainPage("review-back", "/review", click="#reveal"),
        MainPage("track", "/tracks/alpha"),
        MainPage("exam-overview", "/exams/alpha-one"),
        MainPage("exam-question", f"/attempts/{attempt}/q/1"),
        MainPage("exam-review", f"/attempts/{attempt}/review"),
        MainPage("report", f"/attempts/{graded.id}/report"),
        MainPage("dashboard", "/dashboard"),
        MainPage("settings", "/settings"),
        MainPage("cards", "/cards"),
        MainPage("card-new", "/cards/new"),
        MainPage("card-import", "/cards/import"),
        MainPage("account", "/account"),
    ]
    return user.email, pages


def visit(page, target: MainPage) -> None:  # type: ignore[no-untyped-def]
    """Open ``target`` and bring it to the state it names."""
    page.goto(target.url)
    if target.click:
        page.locator(target.click).click()


@pytest.fixture
def signed_in(sized_page, session: Session, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """The populated user logged in on ``sized_page``; yields (page, pages to visit)."""
    email, pages = populate(session, clock)
    log_in(sized_page, email)
    return sized_page, pages
