"""The way in, in headless Chromium at desktop and phone sizes: a new user registers, takes
the skills check (keyboard and focus on the question), follows the advice, and lands on
the dashboard with tracks and an exam date set; then records a certification.

Screenshots go to ``PREP_SCREENSHOT_DIR`` when set (for a person to look at), else to the
test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.config import PROJECT_ROOT
from prep.models import Credential, Enrollment, SkillsCheck
from tests.browser.test_reports import SIZES, fits
from tests.browser.test_reports import shoot as shoot_full
from tests.conftest import FrozenClock, refresh
from tests.factories import PASSWORD, load_decks


def shoot(page, folder: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """The whole page, and what the screen shows (a long page is unreadable shrunk)."""
    shoot_full(page, folder, name)
    page.screenshot(path=str(folder / f"{name}-screen.png"))


@pytest.mark.parametrize("size", SIZES)
def test_register_check_advice_plan(  # type: ignore[no-untyped-def]
        page, session: Session, clock: FrozenClock, tmp_path: Path, size: str) -> None:
    shots = Path(os.environ.get("PREP_SCREENSHOT_DIR") or tmp_path)
    width = SIZES[size]["width"]
    page.set_viewport_size(SIZES[size])
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    page.goto("/register")
    page.get_by_label("E-mail").fill(f"new-{size}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()

    way_in = page.locator("#way-in")  # the first page after registering
    assert way_in.is_visible() and "Where to start" in way_in.inner_text()
    fits(page, width)
    shoot(page, shots, f"home-way-in-{size}")
    page.locator("#start-skills").click()
    assert page.get_by_role("heading", name="Skills check").is_visible()
    fits(page, width)
    shoot(page, shots, f"skills-overview-{size}")
    page.locator("#start-check").click()

    asked = 0
    while page.locator("#skills-form").count():
        first = page.locator("input[name=choice]").first
        first.focus()
        assert page.evaluate("document.activeElement.name") == "choice"
        dont_know = page.get_by_label("I don't know")
        dont_know.scroll_into_view_if_needed()
        assert dont_know.is_visible()
        if asked == 0:
            fits(page, width)
            shoot(page, shots, f"skills-question-{size}")
        # Answer by keyboard: the option "I don't know", then Enter submits the form.
        dont_know.check()
        assert page.evaluate("document.activeElement.value") == "idk"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        asked += 1
        assert asked <= 40
    assert asked == 24  # 12 areas, each stopped after two unknown answers
    assert page.get_by_role("heading", name="Skills check result").is_visible()
    assert page.locator(".skills-area .level-gap").count() == 12
    fits(page, width)
    shoot(page, shots, f"skills-result-{size}")

    page.locator("#to-advisor").click()
    page.get_by_label("Where you work, or want to").select_option("aws")
    page.get_by_label("Years of hands-on ML experience").fill("1")
    page.get_by_label("You lean to").select_option("classical")
    page.get_by_label("Minutes a day you can study").fill("30")
    page.locator("#advise").click()
    advice = page.locator("#advice")
    assert "Aim for MLA-C01" in advice.inner_text()
    assert "Cost: USD 150." in advice.inner_text()
    plan = page.locator("#plan")
    assert "Foundations first" in plan.inner_text()
    exam_date = page.locator("#plan-date").inner_text()
    apply_button = page.locator("#apply-plan")
    apply_button.scroll_into_view_if_needed()
    assert apply_button.is_visible()
    fits(page, width)
    shoot(page, shots, f"advisor-{size}")
    apply_button.click()
    page.wait_for_url("**/dashboard")
    assert f"exam date for MLA-C01: {exam_date}" in page.locator(".flash").inner_text()
    refresh(session)
    enrolled = {e.track_id: e.exam_date for e in session.scalars(select(Enrollment))}
    assert set(enrolled) == {"foundations", "sagemaker"}
    assert str(enrolled["sagemaker"]) == exam_date
    assert session.scalar(select(SkillsCheck.finished_at)) is not None

    page.goto("/credentials")
    page.get_by_label("Exam").select_option("mla-c01")
    page.get_by_label("Date passed").fill("2023-04-15")
    page.locator("#add-credential").click()
    assert "Expires on 2026-04-15" in page.locator("[data-testid=credentials]").inner_text()
    fits(page, width)
    shoot(page, shots, f"credentials-{size}")
    page.goto("/dashboard")
    warning = page.locator("#dashboard-credentials .credential-expiring")
    warning.scroll_into_view_if_needed()
    assert warning.is_visible() and "renew" in warning.inner_text()
    fits(page, width)
    shoot(page, shots, f"dashboard-credentials-{size}")
    refresh(session)
    assert session.scalar(select(Credential.exam_id)) == "mla-c01"
