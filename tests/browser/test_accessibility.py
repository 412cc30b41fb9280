"""Accessibility in headless Chromium: axe-core on every main page, one h1 each, both sizes."""

from __future__ import annotations

from tests.browser.main_pages import signed_in, visit

__all__ = ["signed_in"]  # the fixture

BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
            for v in found if v["impact"] in BLOCKING for node in v["nodes"]]


def test_every_main_page_passes_axe_and_has_one_h1(signed_in) -> None:  # type: ignore[no-untyped-def]
    page, pages = signed_in
    problems: dict[str, list[str]] = {}

    def check(name: str) -> None:
        h1s = page.locator("h1").count()
        found = blocking_violations(page) + ([f"{h1s} h1 elements"] if h1s != 1 else [])
        if found:
            problems[name] = found

    for target in pages:
        visit(page, target)
        check(target.name)
    page.context.clear_cookies()  # and the pages a visitor sees before logging in
    for url in ("/", "/login", "/register", "/tracks/alpha"):
        page.goto(url)
        check(url)
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
