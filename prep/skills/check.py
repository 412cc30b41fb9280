"""The skills check in the database: plan the questions, take answers, store the results.

Areas: each domain of prep's own practice blueprints (the foundations track) and, for each
other track whose primary exam is still taken (active or retiring), that exam's basics as
one area. Each area draws up to ``AREA_MAX`` single-answer questions at random (standalone
ones: no case study's question, no other kind); the check asks them one at a time, area by
area, and an area stops early once its result is clear (see ``prep.skills.scoring``). Wrong
and unknown answers become due in the review queue, as missed exam questions do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.attempts import queue_missed
from prep.exams.pools import domain_pools
from prep.models import QUESTION, Exam, Item, SkillsAnswer, SkillsCheck, User
from prep.skills.scoring import AREA_MAX, AREA_MIN, Answer, area_done, area_result

TAKEN = ("active", "retiring")
DONT_KNOW = "idk"


class NoSuchCheck(LookupError):
    """No skills check with this id belongs to the user: a 404."""


class NoQuestions(LookupError):
    """The loaded decks give no area enough questions for a check."""


class BadAnswer(ValueError):
    """An answer that does not fit the question on screen."""


@dataclass(frozen=True)
class Area:
    """One area of the check: a key, a name and the single-answer questions it can ask."""

    key: str
    name: str
    pool: list[int]


def check_areas(session: Session) -> list[Area]:
    """The areas in asking order: foundation domains first, then each taken track's basics."""
    exams = session.scalars(select(Exam).order_by(Exam.track_id, Exam.id)).all()
    single = _single_answer(session)
    areas = []
    for exam in (e for e in exams if e.status == "practice"):
        for domain, pool in domain_pools(session, exam).items():
            areas.append(Area(f"{exam.id}:{domain.number}", domain.name,
                              [i for i in pool if i in single]))
    for exam in (e for e in exams if e.status in TAKEN and e.is_primary):
        pool = sorted({i for ids in domain_pools(session, exam).values() for i in ids} & single)
        areas.append(Area(exam.id, f"{exam.track.name}: {exam.code} basics", pool))
    return [area for area in areas if len(area.pool) >= AREA_MIN]


def _single_answer(session: Session) -> set[int]:
    """Live single-answer questions that stand alone: a case study's question needs its
    scenario beside it, which the check does not show."""
    rows = session.execute(select(Item.id, Item.correct).where(
        Item.kind == QUESTION, Item.group_id.is_(None), Item.retired_at.is_(None)))
    return {item_id for item_id, correct in rows if correct and len(correct) == 1}


def own_check(session: Session, user: User, check_id: int) -> SkillsCheck:
    """The user's skills check with this id, or NoSuchCheck."""
    check = session.get(SkillsCheck, check_id)
    if check is None or check.user_id != user.id:
        raise NoSuchCheck(check_id)
    return check


def start_check(session: Session, user: User, now: datetime, seed: int) -> SkillsCheck:
    """The user's unfinished check if there is one, else a new one planned with ``seed``."""
    unfinished = session.scalar(select(SkillsCheck).where(
        SkillsCheck.user_id == user.id, SkillsCheck.finished_at.is_(None)))
    if unfinished is not None:
        return unfinished
    areas = check_areas(session)
    if not areas:
        raise NoQuestions("No questions are loaded for a skills check yet.")
    rng = random.Random(seed)
    plan = [{"key": area.key, "name": area.name,
             "items": rng.sample(area.pool, min(AREA_MAX, len(area.pool)))} for area in areas]
    check = SkillsCheck(user_id=user.id, seed=seed, started_at=now, plan=plan)
    session.add(check)
    session.flush()
    return check


def _as_scoring(answer: SkillsAnswer) -> Answer:
    return Answer(correct=answer.correct, known=answer.chosen is not None,
                  options=max(2, len(answer.item.options or ())))


def answers_by_area(check: SkillsCheck) -> dict[str, list[SkillsAnswer]]:
    """The check's answers grouped by area key, in asking order."""
    grouped: dict[str, list[SkillsAnswer]] = {area["key"]: [] for area in check.plan}
    for answer in check.answers:
        grouped.setdefault(answer.area, []).append(answer)
    return grouped


def next_question(check: SkillsCheck) -> tuple[dict, int] | None:
    """The area and item id to ask next, or None when every area is done."""
    grouped = answers_by_area(check)
    for area in check.plan:
        asked = grouped[area["key"]]
        if len(asked) < len(area["items"]) and not area_done([_as_scoring(a) for a in asked]):
            return area, area["items"][len(asked)]
    return None


def option_order(check: SkillsCheck, item: Item) -> list[dict[str, str]]:
    """The item's options in this check's shuffled order (stable across reloads)."""
    options = list(item.options or ())
    random.Random(f"{check.seed}:{item.id}").shuffle(options)
    return options


def record_answer(session: Session, check: SkillsCheck, item_id: int, choice: str,
                  now: datetime) -> SkillsAnswer | None:
    """Store the answer to the question on screen; a repeat of an answered one changes nothing.

    ``choice`` is an option key or ``DONT_KNOW``. Returns the new answer, or None for a
    repeat. Raises BadAnswer for a question not on screen or a key it does not have.
    """
    if any(answer.item_id == item_id for answer in check.answers):
        return None  # a retried submission: counted once
    upcoming = next_question(check)
    if upcoming is None or upcoming[1] != item_id:
        raise BadAnswer("That question is not the one being asked; here is the current one.")
    item = session.get(Item, item_id)
    if item is None:  # the shown question was deleted from the database meanwhile
        raise BadAnswer("That question is no longer available; here is the current one.")
    keys = {option["key"] for option in item.options or ()}
    if choice != DONT_KNOW and choice not in keys:
        raise BadAnswer("Choose one of the options, or “I don't know”.")
    chosen = None if choice == DONT_KNOW else choice
    answer = SkillsAnswer(check=check, position=len(check.answers) + 1,
                          area=upcoming[0]["key"], item=item, item_id=item_id, chosen=chosen,
                          correct=chosen is not None and chosen in (item.correct or ()),
                          answered_at=now)
    session.add(answer)
    session.flush()
    if not answer.correct:
        queue_missed(session, check.user_id, [item_id], now)
    if next_question(check) is None:
        finish(check, now)
    session.flush()
    return answer


def finish(check: SkillsCheck, now: datetime) -> None:
    """Store each area's level, score and count; the check is then done."""
    grouped = answers_by_area(check)
    check.results = {key: vars(area_result([_as_scoring(a) for a in answers]))
                     for key, answers in grouped.items() if answers}
    check.finished_at = now


def history(session: Session, user: User) -> list[SkillsCheck]:
    """The user's finished checks, newest first."""
    return list(session.scalars(select(SkillsCheck).where(
        SkillsCheck.user_id == user.id, SkillsCheck.finished_at.is_not(None))
        .order_by(SkillsCheck.finished_at.desc(), SkillsCheck.id.desc())))


def latest_levels(session: Session, user: User) -> dict[str, str]:
    """Area key -> level of the user's latest finished check (empty without one)."""
    checks = history(session, user)
    if not checks:
        return {}
    return {key: result["level"] for key, result in (checks[0].results or {}).items()}
