"""The exam item kinds in headless Chromium, at desktop and phone size: ordering and matching
answered by keyboard only, flagged, reviewed, submitted and read in the report; a case study
that locks once left; a yes/no series one solution at a time; the review card of a missed
ordering. Screenshots go to PREP_KIND_SHOTS (/tmp/shots-kinds) for a person to look at."""

from __future__ import annotations

import os

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import grade, queue_missed, record_answer
from prep.models import ExamAttempt, Item, ReviewLog, User
from tests.browser.conftest import in_viewport
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock, refresh
from tests.factories import PASSWORD, make_user
from tests.kind_attempts import KindBank, kind_attempt, sample_kinds

SHOTS = os.environ.get("PREP_KIND_SHOTS", "/tmp/shots-kinds")
LOCKING = {"case-study": {"sets": 1, "locks": True}}


def shoot(page, name: str, *, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A screenshot for a person to look at (not compared by the test)."""
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}-{page.size_name}.png", full_page=full_page)


def fits_the_width(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing on the page scrolls sideways."""
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def tab_to(page, selector: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching ``selector`` has focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def step_keys(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all("#steps > li.step", "steps => steps.map(s => s.dataset.key)")


def arrange(page, order: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Put the steps in ``order`` with Tab and Alt+ArrowUp only."""
    for index, key in enumerate(order):
        tab_to(page, f"#place-{key}")  # below the steps already placed: Tab goes forward
        while step_keys(page).index(key) > index:
            page.keyboard.press("Alt+ArrowUp")
        assert page.evaluate("document.activeElement.id") == f"place-{key}"  # focus kept


def signed_in(page, session: Session, clock: FrozenClock) -> tuple[User, KindBank, dict]:  # type: ignore[no-untyped-def]
    user = make_user(session, clock(), "kinds@example.com")
    bank = KindBank(session, clock())
    sample = sample_kinds(bank)
    log_in(page, user.email)
    return user, bank, sample


def test_ordering_and_matching_by_keyboard_flagged_reviewed_and_reported(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user, bank, sample = signed_in(page, session, clock)
    ordering, matching = sample["ordering"], sample["matching"]
    attempt = kind_attempt(session, user, [ordering, matching, bank.question(uid="plain")],
                           clock(), minutes=60)
    page.goto(f"/attempts/{attempt.id}/q/1")
    expect(page.locator("#steps .move").first).to_be_visible()  # the script's buttons
    assert step_keys(page) != ordering.correct
    arrange(page, ordering.correct)
    assert step_keys(page) == ordering.correct
    expect(page.locator("#order-status")).to_contain_text("moved to place")
    assert [page.locator(f"#place-{key}").input_value() for key in ordering.correct] == \
        ["1", "2", "3", "4"]
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    fits_the_width(page)
    page.locator("#steps").scroll_into_view_if_needed()
    assert page.locator("#steps .move").nth(7).is_visible()
    shoot(page, "exam-ordering")
    tab_to(page, "#next")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    letters = "ABCD"
    for n, key in enumerate(matching.correct, start=1):
        tab_to(page, f"#match-{n}")
        page.keyboard.press(letters[attempt.questions[1].option_order.index(key)])
        assert page.locator(f"#match-{n}").input_value() == key
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    fits_the_width(page)
    shoot(page, "exam-matching")
    tab_to(page, "#flag-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#flag-button")).to_have_attribute("aria-pressed", "true")
    assert [page.locator(f"#match-{n}").input_value() for n in (1, 2, 3)] == matching.correct
    with page.expect_navigation():
        page.keyboard.press("r")

    rows = page.locator("#review-questions li")
    expect(rows.nth(0)).to_contain_text("Ordering:")
    assert "Answered" in rows.nth(0).inner_text() and "Answered" in rows.nth(1).inner_text()
    assert "Flagged" in rows.nth(1).inner_text() and "Matching:" in rows.nth(1).inner_text()
    assert "Unanswered" in rows.nth(2).inner_text()
    fits_the_width(page)
    shoot(page, "exam-review-kinds")
    tab_to(page, "#confirm")
    page.keyboard.press("Space")
    tab_to(page, "#submit-exam")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/report")

    first = page.locator("#q1")
    first.locator("summary").click()
    expect(first.locator(".steps-result").first).to_be_visible()
    assert first.locator(".in-place").count() == 4  # every step in its place
    expect(first).to_contain_text("The data must exist before it is used.")
    second = page.locator("#q2")
    second.locator("summary").click()
    assert second.locator(".pairs-result li.ok").count() == 3
    expect(second).to_contain_text("AWS CloudTrail does this.")
    assert "flagged" in second.locator("summary").inner_text()
    fits_the_width(page)
    shoot(page, "exam-report-kinds")
    refresh(session)
    graded = session.get(ExamAttempt, attempt.id)
    assert [q.score for q in graded.questions] == [1.0, 1.0, 0.0]


def test_a_case_study_that_locks_asks_then_refuses_to_go_back(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user, bank, sample = signed_in(page, session, clock)
    attempt = kind_attempt(session, user, [bank.question(uid="plain"), *sample["case_questions"]],
                           clock(), kinds=LOCKING)
    page.goto(f"/attempts/{attempt.id}/q/2")
    scenario, question = page.locator("#case-scenario"), page.locator("article.exam-question")
    expect(scenario).to_be_visible()
    expect(page.locator("#section-note")).to_contain_text("you can't return to it")
    if page.size_name == "desktop":  # the scenario beside the question
        assert scenario.bounding_box()["x"] + 100 < question.bounding_box()["x"]
    else:  # above it, open on the case's first question
        assert scenario.bounding_box()["y"] < question.bounding_box()["y"]
    fits_the_width(page)
    shoot(page, "exam-case")
    page.keyboard.press("1")
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    with page.expect_navigation():
        page.keyboard.press("n")  # within the section: no question asked
    assert page.url.endswith("/q/3")
    summary = page.locator("#case-panel > summary")
    expect(summary).to_be_visible()
    if page.size_name == "phone":  # folded after the first question, a tap away
        expect(scenario).to_be_hidden()
        summary.click()
    expect(scenario).to_be_visible()
    shoot(page, "exam-case-second")
    with page.expect_navigation():
        page.keyboard.press("r")
    expect(page.locator("#leave-warning")).to_contain_text("Questions 2–3 are a case study")
    assert in_viewport(page, "#leave-warning")
    expect(page.locator("#leave-confirm")).to_be_visible()
    fits_the_width(page)
    shoot(page, "exam-leave")
    with page.expect_navigation():
        page.locator("#leave-cancel").click()  # stay: nothing locked
    assert page.url.endswith("/q/3") and page.locator("#answer-form").is_visible()
    with page.expect_navigation():
        page.keyboard.press("r")
    with page.expect_navigation():
        page.locator("#leave-confirm").click()
    page.wait_for_url("**/review")
    expect(page.locator("#lock-warning-1")).to_contain_text("are locked")
    assert page.locator("#review-questions .status-locked").count() == 2
    assert page.locator("#review-questions li.locked a").count() == 0  # no way back in
    shoot(page, "exam-review-locked")
    page.goto(f"/attempts/{attempt.id}/q/2")  # the address typed by hand
    expect(page.locator("#locked-notice")).to_be_visible()
    assert page.locator("#answer-form").count() == 0 and page.locator("#flag-form").count() == 0
    fits_the_width(page)
    shoot(page, "exam-locked")
    refresh(session)
    assert [q.locked for q in session.get(ExamAttempt, attempt.id).questions] == \
        [False, True, True]


def test_a_yes_no_series_shows_one_solution_at_a_time_without_return(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user, bank, sample = signed_in(page, session, clock)
    attempt = kind_attempt(session, user, [*sample["solutions"], bank.question(uid="plain")],
                           clock())
    page.goto(f"/attempts/{attempt.id}/q/1")
    expect(page.locator("#series-goal")).to_contain_text("chatbot answers only")
    expect(page.locator("#series-note")).to_have_text(
        "Question 1 of 3 in this series: you can't return to it once you move on.")
    assert page.locator("article .prompt").count() == 1  # one solution on screen
    expect(page.locator("article .prompt")).to_contain_text("search index")
    assert page.locator("#flag-button").count() == 0
    fits_the_width(page)
    shoot(page, "exam-yesno")
    page.keyboard.press("1")
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    with page.expect_navigation():
        page.keyboard.press("n")
    expect(page.locator("#series-note")).to_contain_text("Question 2 of 3")
    expect(page.locator("article .prompt")).to_contain_text("temperature")
    assert page.locator("#prev").count() == 0  # the answered one is behind a lock
    locked_cell = page.locator(".question-grid .cell.locked")
    expect(locked_cell).to_have_attribute("aria-label", "Question 1, answered, locked")
    page.keyboard.press("p")  # nothing to go back to
    assert page.url.endswith("/q/2")
    page.goto(f"/attempts/{attempt.id}/q/1")
    expect(page.locator("#locked-notice")).to_contain_text("Question 1 is locked")


def test_a_missed_ordering_as_a_review_card_checked_and_rated(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user, _, sample = signed_in(page, session, clock)
    ordering: Item = sample["ordering"]
    queue_missed(session, user.id, [ordering.id], clock())
    session.commit()
    page.goto("/review")
    expect(page.locator("#steps .step")).to_have_count(4)
    expect(page.locator("#reveal")).to_be_visible()
    assert not page.locator("#answer-form").is_visible()
    assert not page.locator("#correct-order").is_visible()  # the answer waits
    fits_the_width(page)
    shoot(page, "review-ordering-front", full_page=False)
    shown = step_keys(page)
    assert shown != ordering.correct
    last = shown[-1]
    tab_to(page, f"#steps li[data-key='{last}'] button.move[data-move='-1']")
    page.keyboard.press("Enter")  # presses the focused Up button: no reveal
    assert step_keys(page)[-2] == last and not page.locator("#answer-form").is_visible()
    wanted = ordering.correct[:2] + ordering.correct[2:][::-1]  # two out of place
    arrange(page, wanted)
    page.locator("body").click(position={"x": 2, "y": 2})
    page.keyboard.press("Space")
    expect(page.locator("#verdict")).to_contain_text(
        "Not quite. 2 of 4 steps in their place. Proposed rating: Again")
    expect(page.locator("#correct-order")).to_be_visible()
    assert page.locator("#steps .step.out-of-place").count() == 2
    assert page.evaluate("document.activeElement.dataset.rating") == "1"  # Again proposed
    assert page.locator("#steps select").first.is_disabled()
    fits_the_width(page)
    shoot(page, "review-ordering-back", full_page=False)  # as seen: the ratings stick below
    page.keyboard.press("3")  # the user's call: Good after all
    # Answered: the next card (this one again, a learning step later, or the done page).
    page.wait_for_function("() => !document.querySelector('#answer:not([hidden])')",
                           timeout=15_000)
    refresh(session)
    assert session.scalars(select(ReviewLog.rating)).all() == [3]


def kind_pages(session: Session, clock: FrozenClock, user: User, bank: KindBank,
               sample: dict) -> list[tuple[str, str | None, str | None]]:
    """Attempts and due cards that show every new screen; (name, address or None to stay,
    a selector to click there first)."""
    items = [sample["ordering"], sample["matching"], *sample["case_questions"],
             *sample["solutions"], bank.question(uid="plain")]
    graded = kind_attempt(session, user, items, clock(), kinds=LOCKING)
    ordering, matching = sample["ordering"].correct, sample["matching"].correct
    record_answer(session, graded, 1, ordering[::-1], clock())
    record_answer(session, graded, 2, [matching[0], "", "d"], clock())
    record_answer(session, graded, 5, ["no"], clock())
    grade(session, graded, clock())
    session.commit()
    practice = kind_attempt(session, user, items, clock(), mode="practice", minutes=None)
    record_answer(session, practice, 1, ordering[::-1], clock())
    record_answer(session, practice, 2, matching, clock())
    session.commit()
    open_attempt = kind_attempt(session, user, items, clock(), kinds=LOCKING)
    queue_missed(session, user.id, [sample["ordering"].id, sample["matching"].id], clock())
    session.commit()
    exam = f"/attempts/{open_attempt.id}"
    return [
        ("exam-ordering", f"{exam}/q/1", None), ("exam-matching", f"{exam}/q/2", None),
        ("exam-yesno", f"{exam}/q/6", None), ("exam-case", f"{exam}/q/3", None),
        ("exam-leave", f"{exam}/review", None),
        ("exam-review-locked", f"{exam}/review", "#leave-confirm"),
        ("exam-locked", f"{exam}/q/4", None),
        ("practice-ordering", f"/attempts/{practice.id}/q/1", None),
        ("practice-matching", f"/attempts/{practice.id}/q/2", None),
        ("report-kinds", f"/attempts/{graded.id}/report", "#expand-all"),
        ("review-card-front", "/review", None),
        ("review-card-back", "/review", "#reveal"),
        ("review-card-2-front", None, "#answer-form .rating-1"),  # the other card next
        ("review-card-2-back", None, "#reveal"),
    ]


def test_every_kind_screen_passes_axe_fits_the_width_and_has_one_h1(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    user, bank, sample = signed_in(page, session, clock)
    problems: dict[str, list[str]] = {}
    cards = set()
    for name, url, click in kind_pages(session, clock, user, bank, sample):
        if url:
            page.goto(url)
        if click:
            page.locator(click).click()
            page.wait_for_load_state()
        if name.startswith("review-card"):
            expect(page.locator("#reveal" if name.endswith("front") else "#verdict")
                   ).to_be_visible()
            cards.add(page.locator("#review").get_attribute("data-kind"))
        h1s = page.locator("h1").count()
        wide = page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth")
        found = blocking_violations(page) + ([f"{h1s} h1 elements"] if h1s != 1 else []) \
            + (["scrolls sideways"] if wide else [])
        if found:
            problems[name] = found
        if name.startswith(("practice", "review-card")) or name == "report-kinds":
            shoot(page, name, full_page=not name.startswith("review-card"))
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert cards == {"ordering", "matching"}


def test_without_script_an_ordering_is_answered_by_its_place_selects(
    browser, live_server: str, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        user = make_user(session, clock(), "noscript@example.com")
        ordering = sample_kinds(KindBank(session, clock()))["ordering"]
        attempt = kind_attempt(session, user, [ordering], clock())
        page.goto("/login")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        page.goto(f"/attempts/{attempt.id}/q/1")
        assert not page.locator("#steps .move").first.is_visible()  # no script: no buttons
        for place, key in enumerate(ordering.correct, start=1):
            page.locator(f"#place-{key}").select_option(str(place))
        with page.expect_navigation():
            page.locator("#save-answer").click()
        assert step_keys(page) == ordering.correct  # shown in the saved order
        refresh(session)
        assert session.get(ExamAttempt, attempt.id).questions[0].chosen == ordering.correct
    finally:
        context.close()


def test_a_step_can_also_be_dragged_with_a_mouse(
    page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    user, _, sample = signed_in(page, session, clock)
    ordering = sample["ordering"]
    attempt = kind_attempt(session, user, [ordering], clock())
    page.goto(f"/attempts/{attempt.id}/q/1")
    shown = step_keys(page)
    page.locator(f"#steps li[data-key='{shown[-1]}'] .step-text").drag_to(
        page.locator(f"#steps li[data-key='{shown[0]}'] .step-text"))
    assert step_keys(page) == [shown[-1], *shown[:-1]]
    assert page.locator(f"#place-{shown[-1]}").input_value() == "1"
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=15_000)
    refresh(session)
    assert session.get(ExamAttempt, attempt.id).questions[0].chosen == step_keys(page)
