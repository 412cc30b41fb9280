"""The "Sync with Anki" page in headless Chromium: link, sync in the background, the status
shown when it ends; readable and focusable at desktop and phone widths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.anki.server import PASSWORD, USERNAME, SyncServer
from tests.browser.conftest import wait_for_focus
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock
from tests.factories import enrolled_user

SHOTS = os.environ.get("PREP_SCREENSHOTS")  # a folder to keep screenshots in, if set


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[SyncServer]:
    server = SyncServer(tmp_path / "sync-server")
    server.start()
    yield server
    server.stop()


def fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling, and the panel's buttons and fields are on screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for element in page.locator("#anki-sync button, #anki-sync input:not([type=hidden])").all():
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_link_and_sync_from_the_page(page, app: Flask, session: Session,  # type: ignore[no-untyped-def]
                                     clock: FrozenClock, sync_server: SyncServer,
                                     size: tuple[int, int]) -> None:
    clock.current = datetime.now(UTC).replace(microsecond=0)
    user = enrolled_user(session, clock(), "sync@example.com")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, user.email)
    page.goto("/anki")
    endpoint = page.get_by_label("Sync server address")
    assert endpoint.is_visible()
    wait_for_focus(page, "endpoint")
    fits(page, size[0])
    shoot(page, f"anki-link-{size[0]}")
    endpoint.fill(sync_server.endpoint)
    page.get_by_label("Sync server username").fill(USERNAME)
    page.get_by_label("Sync server password").fill(PASSWORD)
    page.get_by_role("button", name="Link").click()
    page.wait_for_url("**/anki")
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_url("**/anki")
    page.locator(".anki-ok").wait_for(state="visible", timeout=60_000)
    assert "0 reviews pulled from Anki" in page.locator("#anki-last-result").inner_text()
    for thread in app.extensions["prep.anki_syncs"]:  # its session closes after the result
        thread.join(timeout=60)
    assert page.get_by_role("button", name="Unlink").is_visible()
    fits(page, size[0])
    shoot(page, f"anki-synced-{size[0]}")
