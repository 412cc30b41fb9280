"""Journey 2 in a real browser: study with the keyboard only, undo a slip, see counts change."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import ReviewLog
from tests.conftest import FrozenClock, refresh
from tests.factories import PASSWORD, add_flashcards, make_user


def counts(page) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return tuple(int(page.locator(f".count-{kind}").inner_text())
                 for kind in ("new", "learning", "review"))


def answer_with(page, key: str) -> None:  # type: ignore[no-untyped-def]
    """Rate with ``key``: one fetch stores the answer and swaps the next card in, no page load."""
    shown_uid = page.locator("input[name=review_uid]").input_value()
    with page.expect_response("**/review/answer") as reply:
        page.keyboard.press(key)
    assert reply.value.status == 200
    assert reply.value.headers["content-type"] == "application/json"
    page.wait_for_function(
        "uid => document.querySelector('input[name=review_uid]').value !== uid", arg=shown_uid)


def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)  # Today, or the tracks to choose from


def test_study_five_cards_with_the_keyboard_and_undo_one(
    page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session, clock(), "kim@example.com")
    add_flashcards(session, user, 6, clock())
    log_in(page, user.email)
    page.goto("/review")
    assert counts(page) == (6, 0, 0)
    fronts = []
    for _ in range(5):
        fronts.append(page.locator(".prompt").inner_text())
        assert page.locator("#answer").is_hidden()
        page.keyboard.press("Space")
        assert page.locator("#answer").is_visible()
        answer_with(page, "4")  # Easy: straight out of today's queue
    assert len(set(fronts)) == 5
    assert counts(page) == (1, 0, 0)
    with page.expect_navigation():
        page.keyboard.press("u")
    assert "Answer undone." in page.locator(".flash").inner_text()
    assert counts(page) == (2, 0, 0)
    assert page.locator(".prompt").inner_text() == fronts[-1]
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))) == 4
    page.keyboard.press("Enter")
    answer_with(page, "1")  # Again: into learning
    assert counts(page) == (1, 1, 0)


def test_question_card_proposes_a_rating(page, session: Session, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    from prep.models import Card, Item
    from prep.study.enrollment import add_cards
    from tests.factories import enrolled_user

    user = enrolled_user(session, clock(), "q@example.com")
    for card in session.scalars(select(Card).where(Card.user_id == user.id)):
        card.suspended = True  # leave only the question in the queue
    question = session.scalar(select(Item).where(Item.uid == "al-q002"))
    add_cards(session, [user.id], [question], clock())
    session.commit()
    log_in(page, user.email)
    page.goto("/review")
    assert "Choose 2." in page.locator(".choose").inner_text()
    page.keyboard.press("1")
    page.keyboard.press("2")  # A and B: wrong, the answer is A and C
    page.keyboard.press("Enter")
    assert "Proposed rating: Again" in page.locator("#verdict").inner_text()
    assert page.locator(".option.is-correct").count() == 2
    assert page.locator(".explanation:visible").count() == 5
    answer_with(page, "Enter")  # the same question again: it is learning, due within minutes
    refresh(session)
    assert session.scalar(select(ReviewLog.rating)) == 1
    assert session.scalar(select(Card.state).where(Card.item_id == question.id)) == 1


def test_settings_validation_message_in_the_browser(page, session: Session,  # type: ignore[no-untyped-def]
                                                    clock: FrozenClock) -> None:
    user = make_user(session, clock(), "set@example.com")
    log_in(page, user.email)
    page.goto("/settings")
    page.get_by_label("Desired retention").fill("0.5")
    page.get_by_role("button", name="Save settings").click()
    message = page.locator("#desired_retention-error").inner_text()
    assert "Enter a value from 0.7 to 0.99." in message
    expect(page.locator("#desired_retention")).to_be_focused()  # waits for the deferred script
