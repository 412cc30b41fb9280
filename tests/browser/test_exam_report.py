"""The exam report in headless Chromium: a summary first, folded questions, filters, trends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from prep.exams.attempts import record_answer, submit
from prep.exams.generation import CustomQuiz, ExamRequest, generate_exam
from prep.exams.vocabulary import Mode
from prep.models import Exam, ExamAttempt, User
from tests.browser.test_review_keyboard import log_in
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock
from tests.factories import make_question_bank, make_user


def graded(session: Session, user: User, clock: FrozenClock, *, count: int | None = None,
           answered: int = 10, seed: int = 1) -> ExamAttempt:
    """A graded attempt: the first ``answered`` questions answered (every third one wrongly),
    questions 3 and 40 (if there) flagged."""
    exam = session.get(Exam, "alpha-one")
    attempt = generate_exam(session, ExamRequest(
        exam, user, Mode.EXAM, seed, custom=CustomQuiz(count=count) if count else None,
        allow_short=count is not None), clock())
    for q in attempt.questions[:answered]:
        record_answer(session, attempt, q.position,
                      ["b"] if q.position % 3 == 0 else list(q.item.correct), clock())
    for q in attempt.questions:
        q.flagged = q.position in (3, 40)
    submit(session, attempt, clock())
    session.commit()
    return attempt


@pytest.fixture
def report_65(sized_page, session: Session, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """A graded 65-question mock (10 answered, 3 of them wrongly, 2 flagged), its report open."""
    make_question_bank(session, clock(), {1: 40, 2: 30})
    session.get(Exam, "alpha-one").question_count = 65
    user = make_user(session, clock(), "report@example.com")
    attempt = graded(session, user, clock)
    log_in(sized_page, user.email)
    sized_page.goto(f"/attempts/{attempt.id}/report")
    return sized_page, attempt


def test_a_65_question_report_is_a_summary_then_folded_questions(report_65) -> None:  # type: ignore[no-untyped-def]
    page, _ = report_65
    shoot(page, "report-65", full_page=False)
    height = page.evaluate("document.scrollingElement.scrollHeight")
    print(f"65-question report height at {page.size_name}: {height} px")
    # It was one page of about 45,000 px (every question and explanation open).
    assert height < 12_000
    assert page.locator("#result").inner_text() in ("Pass", "Fail")
    assert page.locator(".report-grid .cell").count() == 65
    assert page.locator(".report-grid .cell.unanswered").count() == 55
    questions = page.locator("details.report-question")
    assert questions.count() == 65
    assert page.locator("details.report-question[open]").count() == 0
    first = page.locator("#q1")
    assert not first.locator(".explanation").first.is_visible()
    assert "Scenario" in first.locator("summary .q-start").inner_text()
    first.locator("summary").click()
    assert first.locator(".explanation").first.is_visible()
    page.locator("#expand-all").click()
    assert page.locator("details.report-question[open]").count() == 65
    assert page.locator("#expand-all").inner_text() == "Collapse all"
    page.locator("#expand-all").click()
    assert page.locator("details.report-question[open]").count() == 0


def test_the_report_filters_wrong_unanswered_flagged_and_by_domain(report_65) -> None:  # type: ignore[no-untyped-def]
    page, attempt = report_65
    questions = page.locator("details.report-question")
    with page.expect_navigation():
        page.get_by_label("Wrong (3)").check()  # questions 3, 6 and 9
    assert "show=wrong" in page.url and questions.count() == 3
    assert all(questions.nth(i).locator(".q-head strong").inner_text().endswith("Wrong")
               for i in range(3))
    with page.expect_navigation():
        page.get_by_label("Flagged (2)").check()
    assert questions.count() == 2
    assert sorted(questions.evaluate_all("ds => ds.map(d => d.id)")) == ["q3", "q40"]
    with page.expect_navigation():
        page.get_by_label("Unanswered (55)").check()
    assert questions.count() == 55
    with page.expect_navigation():
        page.locator("#domain-filter").select_option("2")
    in_domain_2 = questions.count()
    assert 0 < in_domain_2 < 55
    assert all("2. " in text for text in questions.locator(".q-head .hint").all_inner_texts())
    shoot(page, "report-filtered", full_page=False)
    assert page.locator("#shown-count").inner_text().startswith(f"{in_domain_2} of 65")
    # The filter works without the script too: it is a plain GET form.
    page.goto(f"/attempts/{attempt.id}/report?show=flagged&domain=1")
    assert page.locator("#domain-filter").input_value() == "1"


def test_short_sets_are_not_judged_and_trend_apart_from_full_mocks(
    sized_page, session: Session, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    page = sized_page
    make_question_bank(session, clock(), {1: 12, 2: 8})
    session.get(Exam, "alpha-one").question_count = 6
    user = make_user(session, clock(), "sets@example.com")
    full = graded(session, user, clock, answered=6, seed=1)
    short = graded(session, user, clock, count=4, answered=4, seed=2)
    log_in(page, user.email)
    page.goto(f"/attempts/{short.id}/report")
    assert page.locator("#result").inner_text() == "75% correct"
    assert page.locator("#scaled-score").count() == 0
    assert "not judged pass or fail" in page.locator("#practice-note").inner_text()
    assert page.get_by_text("Pass", exact=True).count() == 0
    page.goto(f"/attempts/{full.id}/report")
    assert page.locator("#result").inner_text() in ("Pass", "Fail")
    page.goto("/exams/alpha-one")
    shoot(page, "exam-overview-trends")
    full_trend, practice = page.locator("[data-testid=trend-full]"), page.locator(
        "[data-testid=trend-practice]")
    expect(full_trend).to_be_visible()
    expect(practice).to_be_visible()
    assert full_trend.locator("circle").count() == 1 and practice.locator("circle").count() == 1
    assert practice.locator(".pass-line").count() == 0  # no pass line for practice sets
    labels = full_trend.locator("text.axis").all_text_contents()
    assert {"0%", "50%", "100%"} <= set(labels) and any(t.startswith("pass ") for t in labels)
    rows = page.locator("table.history tbody tr")
    texts = sorted(rows.all_inner_texts(), key=lambda t: t.endswith("practice"))
    assert len(texts) == 2 and texts[0].endswith(("Pass", "Fail"))  # the full mock
    assert "(custom)" in texts[1] and texts[1].endswith("practice")
