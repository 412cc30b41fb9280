"""Phone layout in headless Chromium: a compact menu, nothing scrolls sideways, the heatmap fits."""

from __future__ import annotations

from tests.browser.main_pages import signed_in, visit
from tests.browser.test_review_screen import shoot

__all__ = ["signed_in"]  # the fixture

SCROLL_WIDTH = "document.scrollingElement.scrollWidth"
# The outermost elements that reach past the window's right edge (for the failure message).
TOO_WIDE = """() => [...document.querySelectorAll("body *")].filter(e => {
  const over = (el) => el.getBoundingClientRect().right > innerWidth + 1;
  return over(e) && !over(e.parentElement);
}).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""


def test_no_main_page_scrolls_sideways(signed_in) -> None:  # type: ignore[no-untyped-def]
    page, pages = signed_in
    too_wide = {}
    for target in pages:
        visit(page, target)
        shoot(page, f"page-{target.name}")
        width, inner = page.evaluate(f"[{SCROLL_WIDTH}, window.innerWidth]")
        if width > inner:
            too_wide[target.name] = (width, page.evaluate(TOO_WIDE))
    assert too_wide == {}, f"pages wider than the window ({page.viewport_size['width']} px)"
    assert len(pages) >= 15


def test_the_navigation_is_one_compact_line_on_a_phone(signed_in) -> None:  # type: ignore[no-untyped-def]
    page, _ = signed_in
    page.goto("/dashboard")
    header = page.locator("header.topbar").bounding_box()
    assert header is not None
    cards_link = page.locator("#nav-links").get_by_role("link", name="Cards")
    if page.size_name == "phone":
        # One line: at most 8% of an 844 px screen (it took three lines, 28%, before).
        assert header["height"] <= 0.08 * 844, header
        toggle = page.locator("#nav-toggle")
        assert toggle.is_visible() and not cards_link.is_visible()
        toggle.focus()
        page.keyboard.press("Enter")  # a keyboard opens it as a tap does
        assert cards_link.is_visible()
        assert page.locator("#nav-menu").get_attribute("open") is not None
        shoot(page, "nav-open", full_page=False)
        with page.expect_navigation():
            cards_link.click()
        assert page.url.endswith("/cards")
        assert page.locator("#nav-menu").get_attribute("open") is None  # closed on the next page
    else:
        assert not page.locator("#nav-toggle").is_visible()
        assert cards_link.is_visible() and header["height"] <= 60
        assert page.get_by_role("button", name="Log out").is_visible()


def test_the_heatmap_shows_today_without_scrolling(signed_in) -> None:  # type: ignore[no-untyped-def]
    page, _ = signed_in
    page.goto("/dashboard")
    today = page.locator("svg.heatmap rect.day.today")
    assert today.count() == 1 and today.get_attribute("data-count") == "2"
    box = today.bounding_box()
    chart = page.locator("#heatmap .chart-scroll")
    frame = chart.bounding_box()
    assert box is not None and frame is not None
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert chart.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert box["width"] >= 5  # small on a phone, but a cell a person can see
