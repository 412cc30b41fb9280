"""The card browser in headless Chromium: sort by a column, act on many cards (suspend, tag,
move), preview one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import Card
from prep.study.own_cards import CardDraft, create_own_card
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_review_keyboard import log_in
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock, refresh
from tests.factories import add_flashcards, enrolled_user, make_user


def test_sort_tick_many_suspend_and_preview_beside_the_list(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "browse@example.com")
    add_flashcards(session, user, 4, clock())
    log_in(page, user.email)
    page.goto("/cards")
    fronts = page.locator(".cards-table tbody .front-link")
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


def tick_by_keyboard(page, front: str) -> None:  # type: ignore[no-untyped-def]
    """Tab from the focused control to the tick box of the row showing ``front``; tick it
    with Space."""
    box = page.locator(".cards-table tbody tr", has_text=front).locator("input[name=card]")
    for _ in range(8):
        if box.evaluate("box => box === document.activeElement"):
            break
        page.keyboard.press("Tab")
    assert box.evaluate("box => box === document.activeElement"), f"Tab never reached {front}"
    page.keyboard.press("Space")
    assert box.is_checked()


def test_tag_cards_ticked_by_keyboard_then_move_own_cards(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = enrolled_user(session, clock(), "tagger@example.com")
    add_flashcards(session, user, 3, clock(), deck_title="Inbox")
    create_own_card(session, user, CardDraft("Later", "Parked", "For later"), clock())
    session.commit()  # the deck to move to
    log_in(page, user.email)
    page.goto("/cards?sort=front")
    tag_field, deck_field = page.locator("#bulk-tag-field"), page.locator("#bulk-deck-field")
    assert not tag_field.is_visible() and not deck_field.is_visible()  # Suspend needs neither
    page.locator(".cards-table tbody tr", has_text="Front 0").locator("input").focus()
    tick_by_keyboard(page, "Front 0")
    tick_by_keyboard(page, "Front 1")
    assert page.locator("#bulk-count").inner_text() == "2 ticked"
    page.locator("#bulk-action").select_option("add-tag")
    assert tag_field.is_visible() and not deck_field.is_visible()
    page.locator("#bulk-tag").fill("two words")
    with page.expect_navigation():
        page.locator("#bulk-tag").press("Enter")
    # Refused beside the field, with what was typed and ticked kept.
    error = page.locator("#bulk-error")
    assert error.is_visible() and "A tag is one word" in error.inner_text()
    assert page.locator("#bulk-tag").input_value() == "two words" and tag_field.is_visible()
    assert page.locator("#bulk-count").inner_text() == "2 ticked"
    shoot(page, "cards-refused", full_page=False)
    assert blocking_violations(page) == []
    page.locator("#bulk-tag").fill("week-1")
    with page.expect_navigation():
        page.locator("#bulk-tag").press("Enter")
    assert "Tag “week-1” added to 2 cards." in page.locator(".flash").inner_text()
    chips = page.locator(".cards-table .own-tags .tag")
    assert chips.count() == 2 and all(chip.is_visible() for chip in chips.all())
    # Search by the tag, typed in the search box.
    page.get_by_role("searchbox").fill("tag:week-1")
    with page.expect_navigation():
        page.get_by_role("searchbox").press("Enter")
    assert page.get_by_test_id("result-count").inner_text() == "2 cards tagged week-1"
    shoot(page, "cards-tagged", full_page=False)
    # Move the two tagged own cards and a shared card: the shared one is skipped, and said so.
    page.goto("/cards?sort=front")
    for front in ("Front 0", "Front 1", "What does recall measure?"):
        page.locator(".cards-table tbody tr", has_text=front).locator("input").check()
    page.locator("#bulk-action").select_option("move")
    assert deck_field.is_visible() and not tag_field.is_visible()
    assert page.locator("#move-hint").is_visible()
    assert page.locator("#bulk-count").inner_text() == (
        "3 ticked · 1 in shared decks will be skipped")
    page.locator("#bulk-deck").select_option(label="Later")
    shoot(page, "cards-move", full_page=False)
    assert blocking_violations(page) == []
    with page.expect_navigation():
        page.locator("#bulk-apply").click()
    assert ("Moved 2 cards to “Later”; skipped 1 card of shared decks"
            in page.locator(".flash").inner_text())
    for front, deck in (("Front 0", "Later"), ("Front 1", "Later"), ("Front 2", "Inbox")):
        row = page.locator(".cards-table tbody tr", has_text=front)
        assert row.locator("td").nth(2).inner_text() == deck
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    shoot(page, "cards-moved", full_page=True)
