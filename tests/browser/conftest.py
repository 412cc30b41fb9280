"""Headless Chromium (Debian's, driven by Playwright) against the app served on loopback."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("PREP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the session; missing Chromium fails under CI and skips locally."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser page; any console error or page error fails the test."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        # A form sent back with field errors answers 422 on purpose; Chromium logs that.
        if message.type == "error" and "status of 422" not in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    yield page
    context.close()
    assert problems == [], problems


# The two sizes every screen is checked at: a laptop and a phone.
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized_page(request: pytest.FixtureRequest, page):  # type: ignore[no-untyped-def]
    """``page`` at 1280x800 and again at 390x844."""
    page.set_viewport_size(SIZES[request.param])
    page.size_name = request.param  # type: ignore[attr-defined]
    return page


def in_viewport(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the element is wholly inside the visible part of the page."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"])


def wait_for_focus(page, element_id: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the element with this id has the focus (fails after Playwright's timeout).
    Autofocus and the page's focus script run once the page has loaded, which a busy
    machine can make later than the moment a test sees the page."""
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id",
                           arg=element_id)
