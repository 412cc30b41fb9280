"""Items of issue 16's kinds (ordering, matching, a case study, a yes/no series) written as
rows in their stored forms (prep/models/content.py), for tests that need them whatever the
deck files hold: one of each with real-looking content (``add_kind_items``), or a bank of
many per domain for drawing forms (``make_kind_bank``)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.decks.sync import bump_content_version
from prep.models import (
    CASE,
    MATCHING,
    ORDERING,
    QUESTION,
    SERIES,
    YESNO,
    Deck,
    Exam,
    ExamDomain,
    Item,
    Track,
)
from tests.factories import load_decks

SCENARIO = """\
A regional bakery chain sells bread in 40 shops. Each shop orders tomorrow's bread at 18:00
from a forecast of the next day's demand. Today the forecast is a 4-week moving average.

- Sales history: 3 years of daily sales per shop and product, with holidays marked.
- Waste: about 12% of the bread is thrown away each evening.
- The data team has one engineer and a weekly release window.

The chain wants to cut waste without running out of bread before 17:00.
"""
GOAL = """\
You are building a model that flags fraudulent card payments. The data holds 0.2% fraud.

You need to ensure that the model's evaluation reflects how well it finds fraud.
"""


@dataclass
class KindItems:
    """The items made: a free-standing ordering and matching, a case study with its
    questions (choice, ordering, matching) and a yes/no series with its solutions."""

    ordering: Item
    matching: Item
    case: Item
    case_questions: list[Item]
    series: Item
    solutions: list[Item]

    def answerable(self) -> list[Item]:
        """Every item that is one note (and one card): all but the case and series."""
        return [self.ordering, self.matching, *self.case_questions, *self.solutions]


def _item(session: Session, deck: Deck, now: datetime, domains: list[ExamDomain],
          **fields: Any) -> Item:
    fields.setdefault("reference", "https://example.org/guide")
    item = Item(deck=deck, created_at=now, updated_at=now, tags=[], domains=domains,
                content_hash=content_hash(fields), **fields)
    session.add(item)
    session.flush()
    return item


def content_hash(fields: dict[str, Any]) -> str:
    """A hash of an item's content fields (what the deck loader's hash stands for)."""
    return hashlib.sha256(repr(sorted((k, repr(v)) for k, v in fields.items()
                                      if k not in ("group", "group_position"))).encode()
                          ).hexdigest()


def _steps(texts: list[str], keys: str) -> list[dict[str, str]]:
    """Steps in their correct order, keyed by ``keys`` (a shuffle, as the loader's)."""
    return [{"key": key, "text": text, "explanation": ""} for key, text in zip(keys, texts,
                                                                             strict=True)]


def add_kind_items(session: Session, now: datetime, track_id: str = "alpha",
                   exam_id: str = "alpha-one") -> KindItems:
    """One item of every new kind in a deck "Kinds" of ``track_id`` (the fixture decks are
    loaded first if needed); commits."""
    if session.get(Track, track_id) is None:
        load_decks(session, now)
    data, models = (session.scalars(select(ExamDomain).where(
        ExamDomain.exam_id == exam_id, ExamDomain.number == number)).one() for number in (1, 2))
    deck = Deck(slug=f"{track_id}/kinds", track_id=track_id, title="Kinds")
    session.add(deck)
    order_steps = ["Pull the week's labelled data from the feature store",
                   "Train a candidate model on the new data",
                   "Evaluate the candidate against the current model on the holdout set",
                   "Register the candidate as a new model version",
                   "Deploy the approved version behind a canary endpoint"]
    ordering = _item(
        session, deck, now, [models], uid="kd-o001", kind=ORDERING,
        prompt="A team retrains a model every week. Put the steps of one release in the "
               "order the team should perform them.",
        options=_steps(order_steps, "ceadb"), correct=list("ceadb"),
        explanation="Data comes first, then training; a candidate is **evaluated** before it "
                    "is registered, and only a registered, approved version is deployed "
                    "(`canary` first, so a bad release reaches few users).")
    matching = _item(
        session, deck, now, [data], uid="kd-m001", kind=MATCHING,
        prompt="Match each monitoring need to the report that meets it. A report may be "
               "used once, more than once, or not at all.",
        prompts=[{"key": "1", "text": "Notice that the inputs of a live model drift away "
                                      "from the training data",
                  "explanation": "A drift report compares live inputs with the training "
                                 "baseline, feature by feature."},
                 {"key": "2", "text": "See when responses get too slow for the checkout page",
                  "explanation": "Latency is an operational metric: the latency dashboard."},
                 {"key": "3", "text": "Find who called the model's endpoint last night",
                  "explanation": "Calls and callers are in the access logs."}],
        options=[{"key": "a", "text": "Data drift report", "explanation": ""},
                 {"key": "b", "text": "Model card", "explanation": ""},
                 {"key": "c", "text": "Access logs", "explanation": ""},
                 {"key": "d", "text": "Latency dashboard", "explanation": ""}],
        correct=["a", "d", "c"])
    case = _item(session, deck, now, [], uid="kd-cs001", kind=CASE, prompt=SCENARIO,
                 answer_text="Case study: a bakery's demand forecast")
    case_questions = [
        _item(session, deck, now, [models], uid="kd-cs001-q1", kind=QUESTION, group=case,
              group_position=1,
              prompt="Which metric should the chain use to compare forecasts?",
              options=[{"key": "a", "text": "Accuracy of a sold-out / not-sold-out label",
                        "explanation": "A label hides how far off the forecast was."},
                       {"key": "b", "text": "Mean absolute error in loaves per shop and day",
                        "explanation": "It counts loaves wasted or missing, as the goal does."},
                       {"key": "c", "text": "R² on the training data",
                        "explanation": "Training fit says nothing about tomorrow."},
                       {"key": "d", "text": "Number of features used",
                        "explanation": "Not a measure of forecast quality."}],
              correct=["b"]),
        _item(session, deck, now, [data], uid="kd-cs001-q2", kind=ORDERING, group=case,
              group_position=2,
              prompt="Put the steps to build the first model in order.",
              options=_steps(["Join the sales history with the holiday calendar",
                              "Split the data by date into training and test periods",
                              "Train the model on the training period"], "bca"),
              correct=list("bca"),
              explanation="Features first; a split **by date** keeps tomorrow's data out of "
                          "training; then train."),
        _item(session, deck, now, [data], uid="kd-cs001-q3", kind=MATCHING, group=case,
              group_position=3,
              prompt="Match each data problem to its fix.",
              prompts=[{"key": "1", "text": "Holidays missing from one year",
                        "explanation": "Add them from the public calendar."},
                       {"key": "2", "text": "A shop closed for two weeks",
                        "explanation": "Zero sales there are not demand: drop the days."},
                       {"key": "3", "text": "Sales recorded twice on one day",
                        "explanation": "Remove the duplicate rows."}],
              options=[{"key": "a", "text": "Drop the days", "explanation": ""},
                       {"key": "b", "text": "Remove duplicate rows", "explanation": ""},
                       {"key": "c", "text": "Add from the public calendar", "explanation": ""}],
              correct=["c", "a", "b"]),
    ]
    series = _item(session, deck, now, [data], uid="kd-s001", kind=SERIES, prompt=GOAL)
    yes_no = [{"key": "yes", "text": "Yes", "explanation": ""},
              {"key": "no", "text": "No", "explanation": ""}]
    solutions = [
        _item(session, deck, now, [data], uid=f"kd-s001-{n}", kind=YESNO, group=series,
              group_position=n, prompt=text, options=yes_no, correct=[answer],
              explanation=why)
        for n, (text, answer, why) in enumerate([
            ("You evaluate the model with the **area under the precision-recall curve**.",
             "yes", "With 0.2% positives, precision and recall show how well fraud is found."),
            ("You evaluate the model with accuracy.", "no",
             "A model that never flags fraud is 99.8% accurate."),
            ("You evaluate the model with the training loss.", "no",
             "Training loss measures fit to the training data, not fraud found on new data."),
        ], start=1)]
    bump_content_version(session, now)
    session.commit()
    return KindItems(ordering, matching, case, case_questions, series, solutions)


def edit_item(session: Session, item: Item, now: datetime, **changes: Any) -> None:
    """Change an item's content as a deck load would (new hash, ``updated_at``); commits."""
    for name, value in changes.items():
        setattr(item, name, value)
    item.content_hash = content_hash({"prompt": item.prompt, "options": item.options,
                                      "explanation": item.explanation, **changes})
    item.updated_at = now
    bump_content_version(session, now)
    session.commit()


def make_kind_bank(session: Session, now: datetime, *, ordering: dict[int, int] | None = None,
                   matching: dict[int, int] | None = None,
                   cases: list[tuple[int, ...]] | None = None,
                   series: list[tuple[int, int]] | None = None, exam_id: str = "alpha-one",
                   steps: int = 4, prompts: int = 3) -> dict[str, list[int]]:
    """Many items of the new kinds for ``exam_id``: ``ordering``/``matching`` {domain
    number: count} standalone items; ``cases``, one case study per tuple with a member per
    domain number listed (kinds question, ordering, matching in turn); ``series``, one
    yes/no series per (domain number, solutions). Bumps the content version and commits;
    returns the ids by kind (groups: the group item ids)."""
    if session.get(Exam, exam_id) is None:
        load_decks(session, now)
    domains = {d.number: d for d in session.scalars(
        select(ExamDomain).where(ExamDomain.exam_id == exam_id))}
    deck = session.scalar(select(Deck).where(Deck.slug == "alpha/kind-bank"))
    if deck is None:
        deck = Deck(slug="alpha/kind-bank", track_id="alpha", title="Kind bank")
        session.add(deck)
    made: dict[str, list[int]] = {ORDERING: [], MATCHING: [], CASE: [], SERIES: []}
    serial = [session.scalar(select(func.count(Item.id))) or 0]  # unique uids across calls

    def item(kind: str, number: int | None, **fields: Any) -> Item:
        serial[0] += 1
        return _item(session, deck, now, [domains[number]] if number is not None else [],
                     uid=f"bank-{kind}-{serial[0]}", kind=kind, **fields)

    def ordering_fields(n: int) -> dict[str, Any]:
        keys = list("abcdef"[:steps])
        random.Random(n).shuffle(keys)  # letters by a seeded shuffle: the keys hide the order
        return {"prompt": f"Ordering {n}: put the steps in order.",
                "options": _steps([f"Step {k + 1} of ordering {n}" for k in range(steps)],
                                  "".join(keys)),
                "correct": keys, "explanation": f"Why ordering {n} goes this way."}

    def matching_fields(n: int) -> dict[str, Any]:
        answers = "abcde"[:prompts + 1]  # one answer more than prompts: a distractor
        correct = [answers[(n + k) % len(answers)] for k in range(prompts)]
        return {"prompt": f"Matching {n}: match each need to its service.",
                "options": [{"key": key, "text": f"Service {key} of {n}", "explanation": ""}
                            for key in answers],
                "prompts": [{"key": str(k + 1), "text": f"Need {k + 1} of matching {n}",
                             "explanation": f"Need {k + 1} takes {correct[k]}."}
                            for k in range(prompts)],
                "correct": correct}

    def question_fields(n: int) -> dict[str, Any]:
        return {"prompt": f"Case question {n}: which option?",
                "options": [{"key": k, "text": f"Option {k} of {n}", "explanation": f"Why {k}."}
                            for k in "abcd"], "correct": ["b"]}

    makers = {QUESTION: question_fields, ORDERING: ordering_fields, MATCHING: matching_fields}
    for kind, per_domain in ((ORDERING, ordering or {}), (MATCHING, matching or {})):
        for number, count in per_domain.items():
            for _ in range(count):
                made[kind].append(item(kind, number, **makers[kind](serial[0] + 1)).id)
    for members in cases or []:
        case = item(CASE, None, prompt=SCENARIO, answer_text="Case study: a bakery")
        made[CASE].append(case.id)
        for position, number in enumerate(members, start=1):
            kind = (QUESTION, ORDERING, MATCHING)[(position - 1) % 3]
            item(kind, number, group=case, group_position=position,
                 **makers[kind](serial[0] + 1))
    yes_no = [{"key": "yes", "text": "Yes", "explanation": ""},
              {"key": "no", "text": "No", "explanation": ""}]
    for number, solutions in series or []:
        goal = item(SERIES, None, prompt=GOAL)  # as the loader stores it: no domain
        made[SERIES].append(goal.id)
        for position in range(1, solutions + 1):
            answer = "yes" if position % 2 else "no"
            item(YESNO, number, group=goal, group_position=position,
                 prompt=f"Solution {position}: do this.", options=yes_no, correct=[answer],
                 explanation=f"It {'meets' if answer == 'yes' else 'misses'} the goal.")
    bump_content_version(session, now)  # as a deck load would: pools changed
    session.commit()
    return made


def members_of(session: Session, group_id: int) -> list[int]:
    """The member item ids of a case study or series, in group order."""
    return list(session.scalars(select(Item.id).where(Item.group_id == group_id)
                                .order_by(Item.group_position)))
