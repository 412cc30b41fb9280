"""The dashboard in headless Chromium: every chart renders, no console errors."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prep.study.review import answer_card
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock
from tests.factories import add_flashcards, enrolled_user


def test_dashboard_renders_its_charts(page, session: Session, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    user = enrolled_user(session, clock(), "dash@example.com")
    card_ids = add_flashcards(session, user, 4, clock())
    for n, card_id in enumerate(card_ids[:3]):
        answer_card(session, user, card_id, 3, f"dash-{n}", 0, clock(), 4000)
    session.commit()
    log_in(page, user.email)
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard")
    assert page.locator("svg.heatmap rect.day").count() == 365
    assert page.locator("svg.heatmap rect.day[data-count='3']").count() == 1
    assert page.locator("svg.forecast rect.bar").count() == 30
    assert page.locator("#retention tbody tr").count() == 3
    assert page.locator("#track-alpha").is_visible()
    box = page.locator("svg.heatmap").bounding_box()
    assert box is not None and box["width"] > 500
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: the page still fits
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
