"""Journey 1 in a real browser: register, see the five tracks, choose tracks to study."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.config import PROJECT_ROOT
from prep.models import Card, Enrollment
from tests.browser.conftest import wait_for_focus
from tests.conftest import FrozenClock
from tests.factories import PASSWORD, load_decks


def test_new_user_registers_and_picks_tracks(page, session: Session, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    page.goto("/")
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("E-mail").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat password").fill("short")
    page.keyboard.press("Enter")
    error = page.locator("#password-error")
    assert "at least 10" in error.inner_text()
    wait_for_focus(page, "password")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()

    cards = page.locator("[data-testid=tracks] > li")
    assert cards.count() == 6
    names = [cards.nth(i).locator("h2").inner_text() for i in range(6)]
    assert names == ["ML foundations", "SageMaker", "Gemini Enterprise Agent Platform (Vertex AI)",
                     "Azure AI", "MLflow", "TensorFlow"]
    assert "Practice" in page.locator("[data-track=foundations]").inner_text()
    assert "AI-103" in page.locator("[data-track=azure-ai]").inner_text()
    assert "Active" in page.locator("[data-track=azure-ai]").inner_text()
    assert "Closed 2024-05-01" in page.locator("[data-track=tensorflow]").inner_text()
    assert "Active" in page.locator("[data-track=sagemaker]").inner_text()

    page.locator("[data-track=sagemaker] input[type=checkbox]").check()
    page.locator("[data-track=mlflow] input[type=checkbox]").check()
    page.get_by_role("button", name="Save my tracks").click()
    assert "You now study 2 tracks." in page.locator(".flash").inner_text()
    assert page.locator("[data-track=sagemaker] input").is_checked()
    enrolled = session.scalars(select(Enrollment.track_id).order_by(Enrollment.track_id)).all()
    assert enrolled == ["mlflow", "sagemaker"]
    assert session.scalar(select(func.count(Card.id))) > 0

    page.locator("[data-track=azure-ai] h2 a").click()
    retired = page.locator("#retired-exams")
    assert not retired.locator(".notice").is_visible()  # the retired AI-102 is folded away
    retired.locator("summary").click()
    assert "This exam was retired on 2026-06-30." in retired.locator(".notice").inner_text()
