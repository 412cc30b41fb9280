"""Settings and forms in headless Chromium, at desktop and phone size: the time zone select,
number inputs, the optimiser's result where the user is, kept input, the deletion tick box,
CSV errors quoting the line, and retired blueprints folded on the track page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from prep.models import Exam, User
from tests.browser.conftest import SIZES, in_viewport, wait_for_focus
from tests.browser.test_review_keyboard import log_in
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock, refresh
from tests.factories import enrolled_user


@pytest.fixture(params=list(SIZES))
def berlin_page(request: pytest.FixtureRequest, browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page whose browser is in Berlin (the user's stored zone is still the default)."""
    context = browser.new_context(base_url=live_server, timezone_id="Europe/Berlin",
                                  viewport=SIZES[request.param])
    page = context.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def berlin_user(berlin_page, session: Session, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """A user studying alpha, logged in on ``berlin_page``; returns (page, user)."""
    user = enrolled_user(session, clock(), "berlin@example.com")
    log_in(berlin_page, user.email)
    return berlin_page, user


def test_settings_time_zone_select_numbers_and_date_hint(
    berlin_user, session: Session  # type: ignore[no-untyped-def]
) -> None:
    page, user = berlin_user
    page.goto("/settings")
    shoot(page, "settings")
    zone = page.locator("#timezone")
    assert zone.evaluate("e => e.tagName") == "SELECT" and zone.is_visible()
    assert zone.input_value() == "Europe/Berlin"  # the browser's zone, on a first visit
    assert "your browser's time zone" in page.locator("#timezone-from-browser").inner_text()
    assert zone.locator("option").count() > 300
    for name in ("desired_retention", "new_per_day", "reviews_per_day", "maximum_interval",
                 "day_start_hour"):
        assert page.locator(f"#{name}").get_attribute("type") == "number", name
    assert page.locator("#desired_retention").get_attribute("step") == "0.01"
    hint = page.locator("#exam_date_alpha ~ .hint").inner_text()
    assert "YYYY" not in hint and "calendar" in hint
    assert page.locator("#exam_date_alpha").get_attribute("type") == "date"
    # A refused value keeps everything typed, and the select keeps the chosen zone.
    page.locator("#new_per_day").fill("100000")
    page.locator("#learning_steps").fill("2m 20m")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    assert page.locator("#new_per_day").input_value() == "100000"
    assert page.locator("#learning_steps").input_value() == "2m 20m"
    assert page.locator("#timezone").input_value() == "Europe/Berlin"
    wait_for_focus(page, "new_per_day")
    page.locator("#new_per_day").fill("25")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    refresh(session)
    saved = session.get(User, user.id)
    assert (saved.timezone, saved.new_per_day) == ("Europe/Berlin", 25)
    page.goto("/settings")
    assert page.locator("#timezone-from-browser").is_hidden()  # stored now: no note


def test_optimise_refusal_is_shown_where_the_user_is_and_leaves_no_post_address(
    berlin_user  # type: ignore[no-untyped-def]
) -> None:
    page, _ = berlin_user
    page.goto("/settings")
    button = page.get_by_role("button", name="Optimise: preview")
    button.scroll_into_view_if_needed()
    with page.expect_navigation():
        button.click()
    error = page.locator("#optimise-error")
    assert "at least 64 answers" in error.inner_text()
    assert in_viewport(page, "#optimise-error")  # not 1,800 px below the top of a new page
    assert page.url.endswith("/settings#optimise")  # a reload sends nothing again
    shoot(page, "optimise-refused", full_page=False)


def test_deletion_tick_box_sits_with_its_label_and_password_is_never_kept(
    berlin_user  # type: ignore[no-untyped-def]
) -> None:
    page, _ = berlin_user
    page.goto("/account")
    box = page.locator("#understood").bounding_box()
    label = page.locator("label[for=understood] span").bounding_box()
    assert box is not None and label is not None
    assert abs(box["y"] - label["y"]) < 12  # on the same line, not above it
    assert 0 <= label["x"] - (box["x"] + box["width"]) < 20
    page.locator("input#password").fill("wrong password")
    page.locator("#understood").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account").click()
    assert page.locator("input#password").input_value() == ""  # never sent back
    assert page.locator("#understood").is_checked()  # the rest is kept


def test_a_csv_import_error_quotes_the_bad_line(
    berlin_user  # type: ignore[no-untyped-def]
) -> None:
    page, _ = berlin_user
    page.goto("/cards/import")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "cards.csv", "mimeType": "text/csv",
        "buffer": b"front,back\nWhat is AUC?,Area under the ROC curve\njust one column here\n"}])
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    errors = page.locator("#import-errors")
    assert errors.is_visible()
    assert errors.locator("code.bad-line").inner_text() == "just one column here"
    assert "line 3" in errors.inner_text()
    shoot(page, "import-error", full_page=False)


def test_retired_blueprints_are_folded_below_the_active_one(
    berlin_user, session: Session  # type: ignore[no-untyped-def]
) -> None:
    page, _ = berlin_user
    session.get(Exam, "beta-one").track_id = "alpha"  # alpha: one active, one retired blueprint
    session.commit()
    page.goto("/tracks/alpha")
    shoot(page, "track-retired")
    sections = page.locator("section.exam")
    assert sections.nth(0).get_attribute("data-exam") == "alpha-one"
    assert sections.nth(0).is_visible()
    retired = page.locator("#retired-exams")
    assert retired.get_attribute("open") is None
    assert not page.locator("section.exam[data-exam=beta-one]").is_visible()
    top = retired.bounding_box()
    active = sections.nth(0).bounding_box()
    assert top is not None and active is not None and top["y"] > active["y"]
    retired.locator("summary").click()
    assert page.locator("section.exam[data-exam=beta-one]").is_visible()
