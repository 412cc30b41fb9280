"""The card browser in headless Chromium: sort by a column, act on many cards, preview one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import Card
from tests.browser.test_review_keyboard import log_in
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock, refresh
from tests.factories import add_flashcards, make_user


def test_sort_tick_many_suspend_and_preview_beside_the_list(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "browse@example.com")
    add_flashcards(session, user, 4, clock())
    log_in(page, user.email)
    page.goto("/cards")
    fronts = page.locator(".cards-table tbody td:nth-child(2)")
    with page.expect_navigation():
        page.get_by_role("link", name="Front", exact=True).click()
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Front")
    assert fronts.all_inner_texts() == sorted(fronts.all_inner_texts())
    with page.expect_navigation():
        page.get_by_role("link", name="Front", exact=True).click()  # again: the other way
    assert page.locator("th[aria-sort=descending]").count() == 1
    assert fronts.all_inner_texts() == sorted(fronts.all_inner_texts(), reverse=True)
    # Tick two cards (one by "tick all", then untick two) and suspend them at once.
    page.locator("#pick-all").check()
    assert page.locator("#bulk-count").inner_text() == "4 ticked"
    boxes = page.locator("input[name=card]")
    boxes.nth(0).uncheck()
    boxes.nth(1).uncheck()
    assert page.locator("#bulk-count").inner_text() == "2 ticked"
    page.locator("#bulk-action").select_option("suspend")
    with page.expect_navigation():
        page.locator("#bulk-apply").click()
    assert "Suspend: 2 cards changed." in page.locator(".flash").inner_text()
    assert "dir=desc" in page.url  # back to the same list, in the same order
    refresh(session)
    assert sum(c.suspended for c in session.scalars(select(Card))) == 2
    assert page.locator(".cards-table tbody tr", has_text="suspended").count() == 2
    # Preview: beside the list on a wide screen, above it on a phone; the page never widens.
    with page.expect_navigation():
        page.locator(".preview-link").first.click()
    preview = page.locator("#card-preview")
    assert preview.is_visible() and "Back" in preview.inner_text()
    shoot(page, "cards-preview", full_page=False)
    table = page.locator(".cards-table").bounding_box()
    box = preview.bounding_box()
    assert table is not None and box is not None
    if page.size_name == "desktop":
        assert box["x"] >= table["x"] + table["width"] - 1 and box["y"] < 400
    else:
        assert box["y"] + box["height"] <= table["y"] + 1
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
