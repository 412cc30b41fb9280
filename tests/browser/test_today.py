"""The Today page in headless Chromium, at desktop and phone size."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from prep.models import Enrollment, User
from tests.browser.conftest import in_viewport
from tests.browser.test_review_keyboard import log_in
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock, refresh
from tests.factories import enrolled_user, make_question_bank, make_user
from tests.insight.test_today import full_mock


def test_today_after_login_with_plan_mock_and_one_key_study(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    make_question_bank(session, clock(), {1: 6, 2: 4})
    user = enrolled_user(session, clock(), "daily@example.com")
    session.get(Enrollment, (user.id, "alpha")).exam_date = clock().date() + timedelta(days=1)
    session.commit()
    full_mock(session, user, clock)
    log_in(page, user.email)
    assert page.url.endswith("/today")
    shoot(page, "today")
    assert page.locator("h1").inner_text() == "Today"
    assert in_viewport(page, "#study-now")
    assert "2 new" in page.locator("[data-testid=due-alpha]").inner_text()
    assert "1 day left" in page.locator("[data-testid=exam-date-alpha]").inner_text()
    assert ("2 new cards a day meets your date"
            in page.locator("[data-testid=plan-alpha]").inner_text())
    assert "25% (1/4)" in page.locator("[data-testid=last-mock-alpha]").inner_text()
    assert "practice quiz" in page.locator("[data-testid=next-mock-alpha]").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Set my new-card limit to 2").click()
    assert "Your new-card limit is now 2 a day." in page.locator(".flash").inner_text()
    refresh(session)
    assert session.get(User, user.id).new_per_day == 2
    with page.expect_navigation():
        page.keyboard.press("Space")  # one key: study now
    assert page.url.endswith("/review") and page.locator("#reveal").is_visible()
    page.get_by_role("link", name="prep", exact=True).click()
    page.wait_for_url("**/today")
    page.goto("/settings")
    assert page.locator("#new_card_order").input_value() == "mixed"
    shoot(page, "settings")
    page.goto("/dashboard")
    shoot(page, "dashboard")
    assert page.locator("#track-alpha .unanswered").first.is_visible()  # counted apart
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert in_viewport(page, "#dashboard-study")
    page.locator("#dashboard-study").click()
    page.wait_for_url("**/review")


def test_a_user_without_a_track_is_sent_to_choose_one(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "new@example.com")
    log_in(page, user.email)
    assert "Choose the tracks you want to study first" in page.locator(".flash").inner_text()
    page.goto("/review")
    assert page.locator("h1").inner_text() == "Certification tracks"
    assert page.locator("text=Done for today").count() == 0
