"""Mock exams in the browser, at desktop and phone size: unanswered questions are not
"missed", and "choose two" questions count the choices and warn before moving on."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import AttemptQuestion, Card, ExamAttempt, Item
from tests.browser.test_exam_flow import setup
from tests.browser.test_review_keyboard import log_in
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock, refresh


def start_exam(page, session: Session, clock: FrozenClock) -> ExamAttempt:  # type: ignore[no-untyped-def]
    log_in(page, setup(session, clock))
    page.goto("/exams/alpha-one")
    page.locator("#start-exam").click()
    page.wait_for_url("**/q/1")
    refresh(session)
    return session.scalars(select(ExamAttempt)).one()


def with_a_choose_two(session: Session, attempt: ExamAttempt) -> int:
    """The position of a "choose two" question of the attempt; when the random draw has
    none, question 2 is swapped for one of the pool's (the draw is not what is tested)."""
    for question in attempt.questions:
        if len(question.item.correct) == 2:
            return question.position
    drawn = {question.item_id for question in attempt.questions}
    multi = next(item for item in session.scalars(select(Item).where(Item.kind == "question"))
                 if len(item.correct) == 2 and item.id not in drawn)
    second = next(question for question in attempt.questions if question.position == 2)
    second.item_id = multi.id
    second.option_order = [option["key"] for option in multi.options or []]
    session.commit()
    return 2


def test_unanswered_questions_are_reported_apart_and_not_queued(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    attempt = start_exam(page, session, clock)
    page.keyboard.press("1")
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    with page.expect_navigation():
        page.keyboard.press("r")
        if page.locator("#choice-count").count():  # one of a "choose two": warned first
            page.keyboard.press("r")
    page.locator("#confirm").check()
    page.locator("#submit-exam").click()
    page.wait_for_url("**/report")
    shoot(page, "exam-report")
    assert "5 unanswered" in page.locator("#outcome-counts").inner_text()
    assert page.locator("#unanswered-note").is_visible()
    assert page.locator(".report-question .q-head strong", has_text="Unanswered").count() == 5
    assert page.locator(".report-question .q-head strong", has_text="Wrong").count() <= 1
    refresh(session)
    first = session.scalar(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt.id, AttemptQuestion.position == 1))
    queued = set(session.scalars(select(Card.item_id).where(Card.from_exam.is_(True))))
    assert queued == (set() if first.correct else {first.item_id})
    if not first.correct:
        assert page.locator("#queued").is_visible()


def test_choose_two_counts_and_warns_before_moving_on(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    attempt = start_exam(page, session, clock)
    multi = with_a_choose_two(session, attempt)
    page.goto(f"/attempts/{attempt.id}/q/{multi}")
    count = page.locator("#choice-count")
    assert count.is_visible() and count.inner_text() == "0 of 2 chosen"
    page.keyboard.press("1")
    assert count.inner_text() == "1 of 2 chosen"
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    url = page.url
    page.keyboard.press("r")  # review and submit: warned first
    warning = page.locator("#choice-warning")
    expect(warning).to_be_visible()
    assert "1 of 2" in warning.inner_text() and page.url == url
    shoot(page, "exam-choose-two")
    with page.expect_navigation():
        page.keyboard.press("r")  # a second try goes on
    assert f"Question {multi} (1 of 2)" in page.locator("#miscounted").inner_text()
    shoot(page, "exam-review")
    page.locator("#miscounted a").click()
    page.wait_for_url(f"**/q/{multi}")
    assert page.locator("#choice-count").inner_text() == "1 of 2 chosen"
    page.keyboard.press("2")
    assert page.locator("#choice-count").inner_text() == "2 of 2 chosen"
