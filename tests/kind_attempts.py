"""Attempts holding items of issue 16's kinds at chosen positions, for the exam and review
screens' tests: readable items of each kind (KindBank, sample_kinds) and an open attempt of
them in a given order (kind_attempt). tests/kind_factories.py makes a fixed set of kind items
for the Anki tests; tests/factories.make_kind_bank makes many for drawing forms.

Items are stored as the deck loader stores them (issue16-design.md, "Stored forms"): an
ordering's steps in correct order with letter keys from a shuffle seeded by the uid, a
matching's answers keyed a.. and prompts keyed 1.., yes/no options yes/no, group members with
``group_id`` and ``group_position``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from prep.exams.pools import bump_content_version
from prep.models import (
    CASE,
    MATCHING,
    ORDERING,
    QUESTION,
    SERIES,
    YESNO,
    AttemptQuestion,
    Deck,
    Exam,
    ExamAttempt,
    ExamDomain,
    Item,
    User,
)
from tests.factories import load_decks

LETTERS = "abcdefgh"


class KindBank:
    """Builds items of every kind into one deck of the fixture track ``alpha``."""

    def __init__(self, session: Session, now: datetime, exam_id: str = "alpha-one",
                 slug: str = "alpha/kind-screens"):
        if session.get(Exam, exam_id) is None:
            load_decks(session, now)
        self.session, self.now, self.counter = session, now, 0
        self.domains = {d.number: d for d in session.scalars(
            select(ExamDomain).where(ExamDomain.exam_id == exam_id))}
        self.deck = Deck(slug=slug, track_id="alpha", title="Kinds")
        session.add(self.deck)
        session.flush()

    def _item(self, kind: str, uid: str | None, prompt: str, domain: int | None,
              **fields: Any) -> Item:
        self.counter += 1
        item = Item(uid=uid or f"kind-{self.counter}", deck=self.deck, kind=kind, prompt=prompt,
                    reference="Test reference", tags=[],
                    content_hash=f"k{self.counter:063d}", created_at=self.now,
                    updated_at=self.now,
                    domains=[self.domains[domain]] if domain is not None else [], **fields)
        self.session.add(item)
        self.session.flush()
        bump_content_version(self.session, self.now)  # as a deck load does: pools changed
        return item

    def question(self, prompt: str = "Which option is right?", domain: int = 1,
                 uid: str | None = None, **fields: Any) -> Item:
        """A single-choice question whose answer is ``a``."""
        return self._item(QUESTION, uid, prompt, domain, options=[
            {"key": k, "text": f"Option {k.upper()}", "explanation": f"Why {k} is "
             f"{'right' if k == 'a' else 'wrong'}."} for k in "abcd"], correct=["a"], **fields)

    def ordering(self, steps: list[str], prompt: str = "Put the steps in order.",
                 domain: int = 1, uid: str | None = None,
                 explanation: str = "The data must exist before it is used.",
                 **fields: Any) -> Item:
        """An ordering item: ``steps`` in their correct order, keyed by a seeded shuffle."""
        uid = uid or f"kind-o{self.counter + 1}"
        keys = list(LETTERS[:len(steps)])
        random.Random(uid).shuffle(keys)
        return self._item(ORDERING, uid, prompt, domain, explanation=explanation, options=[
            {"key": key, "text": text, "explanation": ""} for key, text in zip(keys, steps,
                                                                              strict=True)],
            correct=keys, **fields)

    def matching(self, pairs: list[tuple[str, str]], extra_answers: tuple[str, ...] = (),
                 prompt: str = "Match each need to the service that meets it.",
                 domain: int = 1, uid: str | None = None, **fields: Any) -> Item:
        """A matching item: (prompt, answer) pairs; answers keyed a.. in first-use order,
        then ``extra_answers`` (distractors)."""
        answers: list[str] = []
        for _, answer in pairs:
            if answer not in answers:
                answers.append(answer)
        answers += list(extra_answers)
        key = {text: LETTERS[n] for n, text in enumerate(answers)}
        return self._item(
            MATCHING, uid, prompt, domain,
            options=[{"key": key[text], "text": text, "explanation": ""} for text in answers],
            prompts=[{"key": str(n), "text": text, "explanation": f"{answer} does this."}
                     for n, (text, answer) in enumerate(pairs, start=1)],
            correct=[key[answer] for _, answer in pairs], **fields)

    def case(self, scenario: str, members: list[Item],
             title: str = "Case study: a payments company") -> Item:
        """A case study holding ``members`` (questions, orderings, matchings) in order."""
        case = self._item(CASE, None, scenario, None, answer_text=title)
        for n, member in enumerate(members, start=1):
            member.group_id, member.group_position = case.id, n
        self.session.flush()
        bump_content_version(self.session, self.now)
        return case

    def series(self, goal: str, solutions: list[tuple[str, str]], domain: int = 2,
               uid: str | None = None) -> tuple[Item, list[Item]]:
        """A yes/no series: its goal and one solution item per (text, "yes" | "no")."""
        group = self._item(SERIES, uid, goal, domain)
        members = []
        for n, (text, answer) in enumerate(solutions, start=1):
            members.append(self._item(
                YESNO, f"{group.uid}-{n}", text, domain, explanation=f"Solution {n}: "
                f"{'it meets' if answer == 'yes' else 'it does not meet'} the goal.",
                options=[{"key": "yes", "text": "Yes", "explanation": ""},
                         {"key": "no", "text": "No", "explanation": ""}],
                correct=[answer], group_id=group.id, group_position=n))
        return group, members


def first_order(item: Item) -> list[str]:
    """The order an attempt first shows an item's options in: a rotation for an ordering
    (never the correct order), the answers' order for a matching, the keys otherwise."""
    keys = [option["key"] for option in item.options or ()]
    if item.kind == ORDERING:
        return keys[1:] + keys[:1]
    return keys


def kind_attempt(session: Session, user: User, items: list[Item], now: datetime, *,
                 mode: str = "exam", minutes: int | None = 30, exam_id: str = "alpha-one",
                 kinds: dict[str, Any] | None = None) -> ExamAttempt:
    """An open attempt of ``exam_id`` holding ``items`` at positions 1.. (committed).

    ``kinds`` replaces the exam's ``kinds`` mapping (say, case studies that lock).
    """
    exam = session.get(Exam, exam_id)
    if kinds is not None:
        exam.kinds = kinds
        bump_content_version(session, now)
    attempt = ExamAttempt(user_id=user.id, exam_id=exam_id, mode=mode, seed=1, started_at=now,
                          question_count=len(items), notes=[],
                          deadline=now + timedelta(minutes=minutes) if minutes else None,
                          current_position=1, current_since=now)
    session.add(attempt)
    session.flush()
    session.execute(insert(AttemptQuestion.__table__), [
        {"attempt_id": attempt.id, "position": n, "item_id": item.id,
         "option_order": first_order(item), "flagged": False, "locked": False,
         "time_spent_ms": 0}
        for n, item in enumerate(items, start=1)])
    session.expire(attempt, ["questions"])
    session.commit()
    return attempt


def sample_kinds(bank: KindBank) -> dict[str, Any]:
    """One item of each kind, with readable text: an ordering, a matching, a case of two
    questions and a series of three solutions."""
    ordering = bank.ordering(
        ["Create the feature group", "Ingest the records", "Train the model",
         "Register the model version"],
        prompt="A team builds its first model. Put the steps in the order they happen.",
        uid="kind-order")
    matching = bank.matching(
        [("Detect drift in an endpoint's inputs", "SageMaker Model Monitor"),
         ("Record who called the API", "AWS CloudTrail"),
         ("Alarm on high latency", "Amazon CloudWatch")],
        extra_answers=("AWS Config",), uid="kind-match")
    case_questions = [
        bank.question("Which store fits the fraud features best?", uid="kind-case-q1"),
        bank.question("Which metric should the team watch?", domain=2, uid="kind-case-q2"),
    ]
    case = bank.case("A payments company scores **card transactions** for fraud in real time. "
                     "Its models are retrained weekly.", case_questions)
    series, solutions = bank.series(
        "You need to ensure that the chatbot answers only from the company's documents.",
        [("You ground the model with a search index over the documents.", "yes"),
         ("You raise the model's temperature.", "no"),
         ("You add a system message that lists allowed topics.", "no")], uid="kind-series")
    bank.session.commit()
    return {"ordering": ordering, "matching": matching, "case": case,
            "case_questions": case_questions, "series": series, "solutions": solutions}
