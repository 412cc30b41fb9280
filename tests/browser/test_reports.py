"""Reporting a problem in headless Chromium, at desktop and phone widths: the link on the
review screen, the form (keyboard and focus), the "received" notice and the admin's list;
and the track page's line on how current its content is.

Screenshots go to ``PREP_SCREENSHOT_DIR`` when set (for a person to look at), else to the
test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.browser.conftest import wait_for_focus
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock
from tests.factories import (
    FIXTURE_DECKS,
    date_fixture_items,
    enrolled_user,
    load_decks,
    make_user,
)

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, folder: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", SIZES)
def test_report_a_problem_from_the_review_screen(  # type: ignore[no-untyped-def]
        page, session: Session, clock: FrozenClock, tmp_path: Path, size: str) -> None:
    shots = Path(os.environ.get("PREP_SCREENSHOT_DIR") or tmp_path)
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    user = enrolled_user(session, clock(), "rep@example.com")
    admin = make_user(session, clock(), "root@example.com")
    admin.is_admin = True
    session.commit()
    log_in(page, user.email)
    page.goto("/review")
    link = page.get_by_role("link", name="Report a problem")
    link.scroll_into_view_if_needed()
    assert link.is_visible()
    shoot(page, shots, f"review-{size}")
    link.click()
    page.wait_for_url("**/report?next=/review")
    heading = page.get_by_role("heading", name="Report a problem with this flashcard")
    assert heading.is_visible()
    reason = page.get_by_label("Outdated (a product or fact changed)")
    reason.focus()
    page.keyboard.press("Space")
    assert reason.is_checked()
    assert page.evaluate("document.activeElement.value") == "outdated"
    page.keyboard.press("Tab")
    wait_for_focus(page, "comment")
    page.keyboard.type("The service was renamed in 2026.")
    comment = page.get_by_label("Comment (what should it say? a link to the source helps)")
    box = comment.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    fits(page, viewport["width"])
    shoot(page, shots, f"report-form-{size}")
    page.get_by_role("button", name="Send report").click()
    received = page.locator("#report-received")
    received.wait_for()
    assert received.is_visible() and "Received: you reported this flashcard" in \
        received.inner_text()
    assert page.get_by_text("Thank you: your report was received.").is_visible()
    assert page.get_by_role("button", name="Send report").count() == 0
    fits(page, viewport["width"])
    shoot(page, shots, f"report-received-{size}")
    page.get_by_role("link", name="Back").click()
    page.wait_for_url("**/review")

    if page.locator("#nav-toggle").is_visible():  # a phone: the links are in the menu
        page.locator("#nav-toggle").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, admin.email)
    if page.locator("#nav-toggle").is_visible():
        page.locator("#nav-toggle").click()
    page.get_by_role("link", name="Reports").click()
    page.wait_for_url("**/admin/reports")
    row = page.locator("[data-testid=report-row]")
    assert row.count() == 1 and "Outdated (a product or fact changed): 1" in row.inner_text()
    row.get_by_role("link").click()
    page.get_by_role("button", name="Mark resolved").click()
    page.wait_for_url("**/admin/reports/items/**")
    assert page.get_by_text("The report is resolved.").is_visible()
    assert "resolved" in page.locator("[data-testid=item-report]").inner_text()
    fits(page, viewport["width"])
    shoot(page, shots, f"admin-item-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_track_page_shows_how_current_its_content_is(  # type: ignore[no-untyped-def]
        page, session: Session, clock: FrozenClock, tmp_path: Path, size: str) -> None:
    shots = Path(os.environ.get("PREP_SCREENSHOT_DIR") or tmp_path)
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    date_fixture_items(root, {"al-q001": "2026-11", "al-q002": "2025-02", "al-c002": "2026-05"})
    load_decks(session, clock(), root)
    page.set_viewport_size(SIZES[size])
    page.goto("/tracks/alpha")
    line = page.locator("#content-checked")
    assert line.is_visible()
    assert "newest 2026-11, median 2026-05, oldest 2025-02" in line.inner_text()
    fits(page, SIZES[size]["width"])
    shoot(page, shots, f"track-checked-{size}")
