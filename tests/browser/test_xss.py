"""XSS payloads in every kind of user-visible text render inert in real Chromium.

Card fronts and backs, question stems, options and explanations, deck names and the
e-mail (username) carry payloads. Each page is opened twice: with the CSP on (any blocked
inline script would log a console error and fail the ``page`` fixture) and with the CSP
bypassed, so that only sanitising and escaping stand between a payload and a running
script: no dialog may open, no marker may be set, no handler or script may be in the DOM.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import grade, record_answer
from prep.exams.generation import CustomQuiz, ExamRequest, generate_exam
from prep.exams.pools import bump_content_version
from prep.exams.vocabulary import Mode
from prep.models import Deck, Exam, Item
from prep.study.own_cards import CardDraft, create_own_card
from tests.browser.test_review_keyboard import log_in
from tests.conftest import FrozenClock
from tests.factories import make_question_bank, make_user

PAYLOADS = [
    "<script>window.__xss = 1; alert('script')</script>",
    "<img src=\"data:image/gif;base64,R0lGOD\" onerror=\"window.__xss = 2; alert('img')\">",
    "[a link](javascript:window.__xss=3) and <a href=\"javascript:alert('a')\">another</a>",
    "<svg onload=\"window.__xss = 4\"><script>alert('svg')</script></svg>",
    "<iframe src=\"javascript:alert('frame')\"></iframe> ![img](javascript:alert('i'))",
    "\"><script>alert('attr')</script><b onmouseover=alert(5)>",
]
EMAIL = "<svg/onload=alert(6)>@example.com"
DANGEROUS = ("script:not([src]), script[src]:not([src^='/static/']), [onerror], [onload], "
             "[onclick], [onmouseover], iframe, object, embed, a[href^='javascript'], "
             "img[src^='javascript']")


def poisoned_content(session: Session, clock: FrozenClock) -> tuple[list[str], str]:
    """A user (admin, payload e-mail) with payload cards and questions; the pages to open."""
    question_ids = make_question_bank(session, clock(), {1: 3, 2: 3})
    for n, item in enumerate(session.scalars(select(Item).where(Item.id.in_(question_ids)))):
        item.prompt = f"Stem {PAYLOADS[n % len(PAYLOADS)]}"
        item.options = [{"key": key, "text": f"{key} {PAYLOADS[(n + k) % len(PAYLOADS)]}",
                         "explanation": f"Why {PAYLOADS[(n + k + 1) % len(PAYLOADS)]}"}
                        for k, key in enumerate("abcd")]
        item.content_hash = f"{n:064x}"
        item.refresh_rendered()
    bump_content_version(session, clock())  # question content changed
    session.scalar(select(Deck).where(Deck.slug.like("alpha/bank%"))).title = PAYLOADS[0]
    user = make_user(session, clock(), "xss@example.com")
    user.email = EMAIL  # registration refuses it now; an account from before may hold one
    user.is_admin = True
    card_id = next(create_own_card(session, user, CardDraft(
        deck=PAYLOADS[(n + 2) % len(PAYLOADS)], front=f"Front {payload}",
        back=f"Back {payload}"), clock()).id for n, payload in enumerate(PAYLOADS))
    exam = session.get(Exam, "alpha-one")
    graded = generate_exam(session, ExamRequest(exam, user, Mode.PRACTICE, 1,
                                                custom=CustomQuiz(count=4)), clock())
    for question in graded.questions:
        wrong = [k for k in "abcd" if k not in question.item.correct][:1]
        record_answer(session, graded, question.position, wrong, clock())
    grade(session, graded, clock() + timedelta(minutes=5))
    open_attempt = generate_exam(session, ExamRequest(exam, user, Mode.PRACTICE, 2,
                                                      custom=CustomQuiz(count=3)), clock())
    session.commit()
    pages = ["/", "/review", "/cards", f"/cards/{card_id}", f"/cards/{card_id}/edit",
             "/account", "/admin/users", "/exams/alpha-one", f"/attempts/{graded.id}/report",
             f"/attempts/{open_attempt.id}/q/1", f"/attempts/{open_attempt.id}/review"]
    return pages, user.email


def assert_inert(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("window.__xss") is None, page.url
    found = page.evaluate(f"[...document.querySelectorAll({DANGEROUS!r})].map(e => e.outerHTML)")
    assert found == [], (page.url, found)


def test_payloads_render_inert_on_every_page(page, browser, live_server: str,  # type: ignore[no-untyped-def]
                                             session: Session, clock: FrozenClock) -> None:
    pages, email = poisoned_content(session, clock)
    log_in(page, email)
    bypass = browser.new_context(base_url=live_server, bypass_csp=True)
    unguarded = bypass.new_page()
    dialogs: list[str] = []
    unguarded.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(unguarded, email)
    try:
        for path in pages:
            for tab in (page, unguarded):
                response = tab.goto(path)
                assert response.status == 200, path
                assert_inert(tab)
            # Escaped, the payload text is there to read.
            assert EMAIL in page.locator("[data-testid=who]").inner_text()
        unguarded.goto("/review")
        unguarded.keyboard.press("Space")  # reveal the back and any explanations
        assert_inert(unguarded)
        page.goto("/cards")  # a deck named like a script tag reads as that text
        assert PAYLOADS[0] in page.locator("main").inner_text()
    finally:
        bypass.close()
    assert dialogs == []
