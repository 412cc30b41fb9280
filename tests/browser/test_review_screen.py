"""The review screen as a person sees it, at desktop and phone size: what is visible before
and after the reveal, keys on focused controls, "choose two", touch hints, the phone layout."""

from __future__ import annotations

import os
import tempfile

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Card, Item, ReviewLog, User
from prep.study.enrollment import add_cards
from tests.browser.conftest import SIZES, in_viewport
from tests.browser.test_review_keyboard import answer_with, log_in
from tests.conftest import FrozenClock, refresh
from tests.factories import add_flashcards, enrolled_user, make_user

RATINGS = "#answer-form .rating"
SHOTS = os.environ.get("PREP_SHOTS_DIR", tempfile.gettempdir())  # screenshots to look at


def shoot(page, name: str, *, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A screenshot for a person to look at (not compared by the test)."""
    page.screenshot(path=f"{SHOTS}/{name}-{page.size_name}.png", full_page=full_page)


def reviews(session: Session) -> int:
    refresh(session)
    return session.scalar(select(func.count(ReviewLog.id)))


def test_only_the_reveal_shows_before_and_only_the_ratings_after(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "blind@example.com")
    add_flashcards(session, user, 3, clock())
    log_in(page, user.email)
    page.goto("/review")
    shoot(page, "review-front")
    assert page.locator("#reveal").is_visible()
    assert all(not button.is_visible() for button in page.locator(RATINGS).all())
    page.keyboard.press("Space")
    shoot(page, "review-back")
    assert page.locator("#reveal").is_hidden()
    assert all(button.is_visible() for button in page.locator(RATINGS).all())
    good = page.locator("#answer-form .rating-3").bounding_box()
    assert good is not None
    # Before the next reveal, a tap where Good sits must not rate the card blind.
    page.reload()
    answers: list[str] = []
    page.on("request", lambda request: answers.append(request.url)
            if "/review/answer" in request.url else None)
    page.mouse.click(good["x"] + good["width"] / 2, good["y"] + good["height"] / 2)
    page.wait_for_timeout(300)
    assert answers == []
    assert reviews(session) == 0


def test_the_card_and_its_ratings_fit_one_phone_screen(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    from prep.study.own_cards import CardDraft, create_own_card

    page = sized_page
    user = make_user(session, clock(), "fit@example.com")
    long_back = "\n\n".join(f"Point {n}: a line of the answer to read." for n in range(14))
    create_own_card(session, user, CardDraft(deck="Long", front="A long answer", back=long_back,
                                             tags=[]), clock())
    session.commit()
    log_in(page, user.email)
    page.goto("/review")
    assert in_viewport(page, "#reveal")
    page.keyboard.press("Space")
    shoot(page, "review-long-answer", full_page=False)
    assert in_viewport(page, ".card-face .prompt")
    for button in page.locator(RATINGS).all():
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_enter_and_space_on_a_focused_button_press_that_button(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "focus@example.com")
    first, _second = add_flashcards(session, user, 2, clock())
    log_in(page, user.email)
    page.goto("/review")
    page.locator("#flag-form button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Card flagged." in page.locator(".flash").inner_text()
    assert page.locator("#answer").is_hidden()  # not revealed
    page.locator("#bury-form button").focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "Card buried until tomorrow." in page.locator(".flash").inner_text()
    refresh(session)
    assert session.get(Card, first).flagged and session.get(Card, first).buried_until
    assert reviews(session) == 0


def test_typing_in_a_text_field_triggers_no_shortcut(
    page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session, clock(), "typing@example.com")
    (card_id,) = add_flashcards(session, user, 1, clock())
    log_in(page, user.email)
    page.goto("/review")
    page.evaluate("""() => {
        const field = Object.assign(document.createElement('input'), {type: 'search', id: 'q'});
        document.querySelector('main').prepend(field);
    }""")
    page.locator("#q").focus()
    page.keyboard.type("sbf 3")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.locator("#q").input_value() == "sbf 3"
    assert page.locator("#answer").is_hidden()
    refresh(session)
    card = session.get(Card, card_id)
    assert not (card.suspended or card.buried_until or card.flagged)


def _question_user(session: Session, clock: FrozenClock, email: str):  # type: ignore[no-untyped-def]
    """A user whose queue holds only al-q002, a "choose two" question."""
    user = enrolled_user(session, clock(), email)
    for card in session.scalars(select(Card).where(Card.user_id == user.id)):
        card.suspended = True
    add_cards(session, [user.id], [session.scalar(select(Item).where(Item.uid == "al-q002"))],
              clock())
    session.commit()
    return user


def test_choose_two_counts_and_warns_before_checking(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = _question_user(session, clock, "two@example.com")
    log_in(page, user.email)
    page.goto("/review")
    count = page.locator("#choice-count")
    assert count.is_visible() and count.inner_text() == "0 of 2 chosen"
    page.keyboard.press("1")
    assert count.inner_text() == "1 of 2 chosen"
    page.keyboard.press("Space")  # one of two: a warning, not the answer
    warning = page.locator("#choice-warning")
    assert warning.is_visible() and "1 of 2" in warning.inner_text()
    assert page.locator("#answer").is_hidden()
    shoot(page, "review-choose-two")
    page.keyboard.press("3")
    assert count.inner_text() == "2 of 2 chosen"
    page.keyboard.press("Space")
    assert page.locator("#answer").is_visible()
    assert "Proposed rating: Good" in page.locator("#verdict").inner_text()


def test_checking_anyway_after_the_warning(page, session: Session,  # type: ignore[no-untyped-def]
                                           clock: FrozenClock) -> None:
    user = _question_user(session, clock, "anyway@example.com")
    log_in(page, user.email)
    page.goto("/review")
    page.keyboard.press("1")
    page.locator("#reveal").click()
    assert page.locator("#choice-warning").is_visible()
    page.locator("#reveal").click()  # a second press checks the answer as it stands
    assert "Proposed rating: Again" in page.locator("#verdict").inner_text()


def test_undo_after_suspend_or_bury_reverts_that_action(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "undo@example.com")
    add_flashcards(session, user, 3, clock())
    log_in(page, user.email)
    page.goto("/review")
    page.keyboard.press("Space")
    answer_with(page, "4")
    shown = page.locator(".prompt").inner_text()
    for key, done in (("s", "Card suspended."), ("b", "Card buried until tomorrow.")):
        with page.expect_navigation():
            page.keyboard.press(key)
        assert done in page.locator(".flash").inner_text()
        assert page.locator(".prompt").inner_text() != shown
        with page.expect_navigation():
            page.keyboard.press("u")
        assert "Action undone." in page.locator(".flash").inner_text()
        assert page.locator(".prompt").inner_text() == shown  # back, as it was
        assert reviews(session) == 1  # the earlier answer stands
    refresh(session)
    assert session.scalar(select(func.count(Card.id)).where(
        Card.suspended.is_(True) | Card.buried_until.is_not(None))) == 0
    with page.expect_navigation():
        page.keyboard.press("u")  # and then the answer before them
    assert "Answer undone." in page.locator(".flash").inner_text()
    assert reviews(session) == 0


def test_key_hints_are_hidden_on_touch_screens(
    browser, live_server: str, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session, clock(), "touch@example.com")
    add_flashcards(session, user, 2, clock())
    for touch, size in ((True, SIZES["phone"]), (False, SIZES["desktop"])):
        context = browser.new_context(base_url=live_server, viewport=size, has_touch=touch,
                                      is_mobile=touch)
        page = context.new_page()
        log_in(page, user.email)
        page.goto("/review")
        assert page.locator("#reveal").is_visible()
        assert page.locator("#reveal kbd").is_visible() is not touch
        assert page.locator(".hint.keys").is_visible() is not touch
        context.close()


def test_study_more_today_from_the_done_page(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user = make_user(session, clock(), "more@example.com")
    user.new_per_day = 1
    add_flashcards(session, user, 4, clock())
    log_in(page, user.email)
    page.goto("/review")
    page.keyboard.press("Space")
    answer_with_reload = page.locator("#answer-form .rating-4")
    with page.expect_navigation():
        answer_with_reload.click()  # the last new card of the day: the done page follows
    assert page.locator("h1").inner_text() == "Done for today"
    shoot(page, "review-done")
    assert in_viewport(page, "#more-new button") or page.size_name == "phone"
    page.locator("#extra_new").fill("2")
    with page.expect_navigation():
        page.locator("#more-new button").click()
    assert "2 more new cards today." in page.locator(".flash").inner_text()
    assert [int(page.locator(f".count-{k}").inner_text()) for k in ("new", "learning")] == [2, 0]
    refresh(session)
    assert session.get(User, user.id).new_per_day == 1
