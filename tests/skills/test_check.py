"""The skills check end to end: planning, one question at a time, early stop, results,
missed questions in review, retakes, bad input and double submissions."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.config import PROJECT_ROOT
from prep.models import Card, Item, SkillsAnswer, SkillsCheck, User
from prep.skills import check as skills
from prep.skills.scoring import AREA_MAX, AREA_MIN
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import KINDS_DECKS, load_decks, make_question_bank, make_user

ITEM = re.compile(r'name="item" value="(\d+)"')


def test_areas_of_the_shipped_decks(session: Session, clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    areas = skills.check_areas(session)
    keys = [area.key for area in areas]
    assert keys == [f"foundations:{n}" for n in range(1, 9)] + [
        "ai-103", "databricks-ml-associate", "mla-c01", "pmle"]  # no retired or closed exam
    assert all(len(area.pool) >= AREA_MAX for area in areas)
    single = {i for i, c in session.execute(select(Item.id, Item.correct).where(
        Item.kind == "question", Item.group_id.is_(None))) if len(c or []) == 1}
    assert all(set(area.pool) <= single for area in areas)
    user = make_user(session, clock(), "ada@example.com")
    check = skills.start_check(session, user, clock(), seed=3)
    asked = sum(len(area["items"]) for area in check.plan)
    assert len(areas) * AREA_MIN <= 24 <= asked == len(areas) * AREA_MAX == 36


def test_only_standalone_single_answer_questions_are_asked(session: Session,
                                                          clock: FrozenClock) -> None:
    load_decks(session, clock(), KINDS_DECKS)
    uids = {item_id: uid for item_id, uid in session.execute(select(Item.id, Item.uid))}
    # Not the case's question (its scenario is not shown), no ordering, matching or yes/no.
    assert {uids[i] for i in skills._single_answer(session)} == {"ga-q001"}


def answer_all(session: Session, check: SkillsCheck, clock: FrozenClock, *, right: bool) -> int:
    count = 0
    while (upcoming := skills.next_question(check)) is not None:
        item = session.get(Item, upcoming[1])
        choice = item.correct[0] if right else skills.DONT_KNOW
        skills.record_answer(session, check, item.id, choice, clock())
        count += 1
    return count


def test_unanimous_areas_stop_early_and_missed_enter_review(session: Session,
                                                           clock: FrozenClock) -> None:
    make_question_bank(session, clock(), {1: 6, 2: 4})
    user = make_user(session, clock(), "ada@example.com")
    check = skills.start_check(session, user, clock(), seed=1)
    assert [area["key"] for area in check.plan] == ["alpha-one"]
    assert answer_all(session, check, clock, right=False) == AREA_MIN
    assert check.finished_at == clock()
    assert check.results == {"alpha-one": {"level": "gap", "score": 0.0, "asked": AREA_MIN}}
    missed = {a.item_id for a in check.answers}
    due = session.scalars(select(Card).where(Card.user_id == user.id)).all()
    assert {card.item_id for card in due} == missed
    assert all(card.from_exam and card.due <= clock() for card in due)
    session.commit()
    again = skills.start_check(session, user, clock.advance(days=7), seed=2)
    assert again.id != check.id
    assert answer_all(session, again, clock, right=True) == AREA_MIN
    assert skills.latest_levels(session, user) == {"alpha-one": "strong"}
    assert [c.id for c in skills.history(session, user)] == [again.id, check.id]


def test_mixed_answers_ask_the_third_question(session: Session, clock: FrozenClock) -> None:
    make_question_bank(session, clock(), {1: 6, 2: 4})
    user = make_user(session, clock(), "ada@example.com")
    check = skills.start_check(session, user, clock(), seed=5)
    first = session.get(Item, skills.next_question(check)[1])
    skills.record_answer(session, check, first.id, first.correct[0], clock())
    second = session.get(Item, skills.next_question(check)[1])
    wrong = next(o["key"] for o in second.options if o["key"] not in second.correct)
    skills.record_answer(session, check, second.id, wrong, clock())
    third = skills.next_question(check)
    assert third is not None
    skills.record_answer(session, check, third[1], skills.DONT_KNOW, clock())
    assert skills.next_question(check) is None
    assert check.results["alpha-one"]["level"] == "gap"
    assert check.results["alpha-one"]["asked"] == 3


def test_the_check_over_http(user_client: FlaskClient, session: Session, user: User,
                             clock: FrozenClock) -> None:
    make_question_bank(session, clock(), {1: 6, 2: 4})
    assert user_client.get("/skills").status_code == 200
    response = post_form(user_client, "/skills/start", {})
    assert response.status_code == 303
    url = response.headers["Location"]
    again = post_form(user_client, "/skills/start", {})  # resumes, no second check
    assert again.headers["Location"] == url
    page = user_client.get(url).get_data(as_text=True)
    assert "I don't know" in page
    item_id = int(ITEM.search(page).group(1))
    # Bad input: a key the question lacks, another question, no CSRF token.
    assert post_form(user_client, f"{url}/answer", {"item": item_id, "choice": "z"}
                     ).status_code == 303
    assert post_form(user_client, f"{url}/answer", {"item": 999999, "choice": "a"}
                     ).status_code == 303
    assert user_client.post(f"{url}/answer", data={"item": item_id, "choice": "a"}
                            ).status_code == 403
    refresh(session)
    assert session.scalar(select(SkillsAnswer.id)) is None
    # The same answer twice (a retry) counts once.
    for _ in range(2):
        post_form(user_client, f"{url}/answer", {"item": item_id, "choice": "idk"})
    refresh(session)
    assert len(session.scalars(select(SkillsAnswer)).all()) == 1
    page = user_client.get(url).get_data(as_text=True)
    post_form(user_client, f"{url}/answer",
              {"item": int(ITEM.search(page).group(1)), "choice": "idk"})
    result = user_client.get(url).get_data(as_text=True)
    assert "Skills check result" in result and "level-gap" in result
    assert "I don't know" in result and "Right answer" in result
    overview = user_client.get("/skills").get_data(as_text=True)
    assert 'id="skills-progress"' in overview and "Retake the skills check" in overview
