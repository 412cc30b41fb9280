"""Journeys 3 and 4 in a real browser: a timed mock exam, and resuming one."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Card, Exam
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock, refresh
from tests.factories import make_question_bank, make_user


def setup(session: Session, clock: FrozenClock) -> str:
    make_question_bank(session, clock(), {1: 12, 2: 8})
    exam = session.get(Exam, "alpha-one")
    exam.question_count, exam.minutes = 6, 45
    session.commit()
    return make_user(session, clock(), "exam@example.com").email


def test_take_flag_review_submit_and_read_the_report(page, session: Session,  # type: ignore[no-untyped-def]
                                                     clock: FrozenClock) -> None:
    log_in(page, setup(session, clock))
    page.goto("/exams/alpha-one")
    page.locator("#start-exam").click()
    page.wait_for_url("**/q/1")  # loaded: the page's key handlers are in place
    assert "Question 1 of 6" in page.locator(".exam-title").inner_text()
    assert page.locator("#clock-text").inner_text().startswith("0:4")
    page.keyboard.press("1")
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    if page.locator("#choice-count").count():  # a "choose two": one choice warns first
        page.keyboard.press("n")
        expect(page.locator("#choice-warning")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("n")
    page.keyboard.press("2")
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    with page.expect_navigation():
        page.keyboard.press("f")
    assert page.locator("#flag-button").get_attribute("aria-pressed") == "true"
    assert page.locator(".question-grid .cell.answered").count() == 2
    assert page.locator(".question-grid .cell.flagged").count() == 1
    with page.expect_navigation():
        page.keyboard.press("r")
        if page.locator("#choice-count").count():
            page.keyboard.press("r")
    assert page.locator("#review-questions li.unanswered").count() == 4
    assert page.locator("#review-questions li.flagged").count() == 1
    assert "Flagged" in page.locator("#review-questions li").nth(1).inner_text()
    page.locator("#confirm").check()
    page.locator("#submit-exam").click()
    assert page.locator("#result").inner_text() in ("Pass", "Fail")
    assert page.locator("#domain-table tbody tr").count() == 2
    assert page.locator(".report-question").count() == 6
    assert page.locator(".report-question .explanation").count() >= 24
    refresh(session)
    missed = session.scalar(select(func.count(Card.id)).where(Card.from_exam.is_(True)))
    assert missed <= 2  # only wrong answers wait in the review queue, never unanswered ones


def test_resume_keeps_the_server_clock(browser, live_server: str, session: Session,  # type: ignore[no-untyped-def]
                                       clock: FrozenClock) -> None:
    email = setup(session, clock)
    first = browser.new_context(base_url=live_server)
    page = first.new_page()
    log_in(page, email)
    page.goto("/exams/alpha-one")
    page.locator("#start-exam").click()
    assert page.locator("#clock").get_attribute("data-remaining") == "2700"
    url = page.url
    first.close()  # the browser is closed mid-exam
    clock.advance(minutes=2)
    second = browser.new_context(base_url=live_server)
    page = second.new_page()
    log_in(page, email)
    page.goto("/exams/alpha-one")
    page.locator("#resume").click()
    assert page.url == url
    assert page.locator("#clock").get_attribute("data-remaining") == "2580"
    second.close()
