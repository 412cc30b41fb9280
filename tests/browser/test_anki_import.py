"""Import from Anki on the account page, in headless Chromium: a real Anki export uploaded,
the summary shown; a bad file refused beside the field, which gets the focus; readable at
desktop and phone widths."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.anki.phone import phone_with_prep_decks, studying_user
from tests.browser.conftest import wait_for_focus
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock

SHOTS = os.environ.get("PREP_SCREENSHOTS")  # a folder to keep screenshots in, if set
SECTION = "#anki-import ~ form, #anki-import-summary"


def fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling; the import form's controls and the summary are on screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for element in page.locator(f"{SECTION}, #anki-import ~ form input:not([type=hidden]), "
                                "#anki-import ~ form button").all():
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_import_an_anki_export_from_the_account_page(  # type: ignore[no-untyped-def]
        page, session: Session, clock: FrozenClock, tmp_path: Path,
        size: tuple[int, int]) -> None:
    user = studying_user(session, clock())
    phone = phone_with_prep_decks(session, user, tmp_path / "anki", tracks=["alpha"])
    phone.answer_many(phone.card_ids()[:10], 20, datetime(2026, 2, 20, 8, tzinfo=UTC))
    package = phone.export_colpkg(tmp_path / "phone.colpkg")
    phone.close()
    broken = tmp_path / "broken.apkg"
    broken.write_bytes(b"not an anki package")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, user.email)
    page.goto("/account")
    upload = page.get_by_label("Anki export (.colpkg or .apkg)")
    upload.scroll_into_view_if_needed()
    assert upload.is_visible() and page.get_by_role("button", name="Import from Anki").is_visible()
    fits(page, size[0])

    upload.set_input_files(str(broken))
    page.get_by_role("button", name="Import from Anki").click()
    error = page.locator("#package-error")
    error.wait_for(state="visible")
    assert "not an Anki package" in error.inner_text()
    # The field to fix gets the focus (autofocus applies once the page has loaded: wait
    # for it rather than race it on a busy machine).
    wait_for_focus(page, "package")
    fits(page, size[0])
    shoot(page, f"anki-import-error-{size[0]}")

    page.get_by_label("Anki export (.colpkg or .apkg)").set_input_files(str(package))
    page.get_by_role("button", name="Import from Anki").click()
    summary = page.locator("#anki-import-summary")
    summary.wait_for(state="visible")
    text = summary.inner_text()
    assert "Reviews added: 20" in text and "Notes matched: 30" in text
    summary.scroll_into_view_if_needed()
    assert summary.is_visible()
    fits(page, size[0])
    shoot(page, f"anki-import-summary-{size[0]}")
