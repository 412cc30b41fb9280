"""The exam screen in headless Chromium: strike-through, the review list, the sticky clock."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from prep.models import ExamAttempt
from tests.browser.conftest import in_viewport
from tests.browser.test_exam_answers import start_exam
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock


def attempt_url(attempt: ExamAttempt, rest: str) -> str:
    return f"/attempts/{attempt.id}/{rest}"


def test_strike_out_options_by_click_and_key_kept_for_the_attempt(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    attempt = start_exam(page, session, clock)
    options = page.locator("#answer-form .option")
    first_strike = options.nth(0).locator(".strike")
    expect(first_strike).to_be_visible()
    first_strike.click()
    assert "struck" in (options.nth(0).get_attribute("class") or "")
    assert first_strike.get_attribute("aria-pressed") == "true"
    assert options.nth(0).locator(".option-text").evaluate(
        "e => getComputedStyle(e).textDecorationLine") == "line-through"
    page.locator("body").click(position={"x": 5, "y": 300})  # focus off the button
    page.keyboard.press("Shift+3")
    assert "struck" in (options.nth(2).get_attribute("class") or "")
    assert page.locator("#answer-form input[name=choice]:checked").count() == 0  # not chosen
    shoot(page, "exam-struck", full_page=False)
    with page.expect_navigation():
        page.keyboard.press("n")
    assert page.locator("#answer-form .option.struck").count() == 0  # per question
    page.reload()
    page.goto(attempt_url(attempt, "q/1"))
    struck = page.locator("#answer-form .option.struck")
    assert struck.count() == 2  # kept across pages and reloads while the attempt lasts
    page.keyboard.press("Shift+1")  # the key undoes it as well
    assert struck.count() == 1


def test_the_review_screen_lists_filters_and_jumps(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    attempt = start_exam(page, session, clock)
    page.locator("#answer-form input[name=choice]").first.check()
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    page.goto(attempt_url(attempt, "q/2"))
    with page.expect_navigation():
        page.locator("#flag-button").click()
    page.goto(attempt_url(attempt, "review"))
    shoot(page, "exam-review-list")
    rows = page.locator("#review-questions li")
    assert rows.count() == 6
    assert len(rows.nth(0).locator(".q-start").inner_text()) > 20  # the start of its text
    assert "Answered" in rows.nth(0).inner_text() and "Unanswered" in rows.nth(1).inner_text()
    assert "Flagged" in rows.nth(1).inner_text()
    visible = page.locator("#review-questions li:visible")
    page.get_by_role("button", name="Unanswered (5)").click()
    assert visible.count() == 5
    assert page.get_by_role("button", name="Unanswered (5)").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Answered (1)").click()
    assert visible.count() == 1
    page.get_by_role("button", name="Flagged (1)").click()
    assert visible.count() == 1
    with page.expect_navigation():
        visible.first.locator("a").click()  # jump to it
    assert page.url.endswith("/q/2")


def test_the_clock_stays_in_view_when_the_page_scrolls(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    attempt = start_exam(page, session, clock)
    for url in ("q/1", "review"):
        page.goto(attempt_url(attempt, url))
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
        page.wait_for_function("window.scrollY > 0 || document.scrollingElement.scrollHeight"
                               " <= window.innerHeight")
        assert in_viewport(page, "#clock"), url
    page.set_viewport_size({"width": page.viewport_size["width"], "height": 400})
    page.goto(attempt_url(attempt, "q/1"))
    page.evaluate("window.scrollTo(0, 10000)")
    assert page.evaluate("window.scrollY") > 0  # the page did scroll, and the clock with it
    assert in_viewport(page, "#clock")
