"""Review cards of missed items of every kind over HTTP: each shown as in the exam (the case
scenario above a case question, the series goal above a yes/no solution), with what the
page's check needs to say what was right."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from prep.exams.attempts import queue_missed
from prep.models import Card, Item, User
from prep.web.review import first_shown
from tests.conftest import FrozenClock
from tests.kind_attempts import KindBank, sample_kinds


def due(session: Session, user: User, clock: FrozenClock, item: Item) -> None:
    """Make ``item`` the user's only card, missed in an exam and due now."""
    queue_missed(session, user.id, [item.id], clock())
    session.commit()


def test_a_missed_ordering_is_shown_shuffled_with_its_answer_hidden(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    sample = sample_kinds(KindBank(session, clock()))
    ordering = sample["ordering"]
    due(session, user, clock, ordering)
    page = user_client.get("/review").get_data(as_text=True)
    shown = re.findall(r'name="place-([a-h])"', page)
    assert shown == first_shown(ordering) and shown != ordering.correct
    assert sorted(shown) == sorted(ordering.correct)  # every step, once
    assert 'data-kind="ordering"' in page and "Check answer" in page
    assert f'data-correct="{",".join(ordering.correct)}"' in page
    assert re.search(r'<div class="answer" id="answer" hidden>\s*<p class="verdict" id="verdict">'
                     r'</p>\s*<section class="solution-side" id="correct-order">', page)
    assert "The data must exist before it is used." in page  # in the hidden answer
    assert "js/ordering.js" in page


def test_first_shown_never_gives_an_ordering_away(session: Session, clock: FrozenClock) -> None:
    bank = KindBank(session, clock())
    for n in range(12):  # the keys' shuffle differs per uid; some come out in order
        item = bank.ordering(["One", "Two", "Three"], uid=f"order-{n}")
        assert first_shown(item) != item.correct
        assert sorted(first_shown(item)) == sorted(item.correct)


def test_a_missed_matching_has_its_answers_lettered_and_hidden(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    matching = sample_kinds(KindBank(session, clock()))["matching"]
    due(session, user, clock, matching)
    page = user_client.get("/review").get_data(as_text=True)
    assert len(re.findall(r'<select name="match-\d"', page)) == 3
    assert page.count('<div class="pair-solution" hidden>') == 3
    assert "<strong>B</strong> AWS CloudTrail" in page and "AWS CloudTrail does this." in page


def test_a_case_question_and_a_solution_show_what_they_share(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    sample = sample_kinds(KindBank(session, clock()))
    due(session, user, clock, sample["case_questions"][1])
    case = user_client.get("/review").get_data(as_text=True)
    assert 'id="case-panel" open' in case and "<strong>card transactions</strong>" in case
    assert case.index("card transactions") < case.index("Which metric should the team watch?")
    session.execute(delete(Card).where(Card.user_id == user.id))  # next: a solution
    due(session, user, clock, sample["solutions"][1])
    solution = user_client.get("/review").get_data(as_text=True)
    assert 'data-kind="yesno"' in solution and 'id="series-goal"' in solution
    assert solution.index("chatbot answers only") < solution.index("raise the model")
    assert 'name="choice" value="yes"' in solution and 'value="no"' in solution
    assert "Solution 2: it does not meet the goal." in solution  # hidden until checked


def test_a_kind_cards_page_shows_its_answer_key(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    sample = sample_kinds(KindBank(session, clock()))
    for item, shown in ((sample["ordering"], "Correct order"),
                        (sample["matching"], "AWS CloudTrail does this."),
                        (sample["solutions"][1], "Correct answer:</span> <strong>No")):
        due(session, user, clock, item)
        card = session.scalars(select(Card).where(Card.item_id == item.id)).one()
        page = user_client.get(f"/cards/{card.id}").get_data(as_text=True)
        assert shown in page, item.kind
    assert "chatbot answers only" in page  # the series' goal, folded above
