"""Mock exam speed: draw a 65-question exam from a 20,000-question pool, and grade one.

SQLite, in-process: each run generates an attempt (largest-remainder draw, fresh-first,
shuffled options), answers every question, then times ``submit`` (grading, per-question
results and queueing the missed questions). A second series adds items of the new kinds
(KIND_ITEMS ordering and matching items, case studies and yes/no series of three) and draws
MLA-C01's mix per form (3 ordering, 3 matching, a case study) plus two yes/no series.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.fixtures import bench_track, fresh_schema
from prep.accounts import register_user
from prep.db import make_engine
from prep.exams.attempts import record_answer, submit
from prep.exams.generation import ExamRequest, generate_exam
from prep.exams.vocabulary import Mode
from prep.models import (
    ContentVersion,
    Deck,
    Exam,
    ExamAttempt,
    ExamDomain,
    Item,
    ItemDomain,
    User,
)

POOL = 20_000
RUNS = 30
KIND_ITEMS = 200  # of each kind: ordering, matching, case studies, yes/no series
KINDS = {"ordering": {"per_form": 3}, "matching": {"per_form": 3},
         "case-study": {"sets": 1, "locks": False}, "yes-no": {"sets": 2}}


def seed(engine, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """An MLA-C01-shaped blueprint (65 questions, 28/26/22/24) and POOL questions."""
    with Session(engine) as session:
        bench_track(session)
        session.add(Exam(id="bench", track_id="bench", is_primary=True, code="B-1", name="Bench",
                         vendor="prep", guide_version="1", status="active", question_count=65,
                         minutes=130, scoring_kind="scaled", scale_min=100, scale_max=1000,
                         pass_mark=720, item_types=[], unverified=[],
                         domains=[ExamDomain(number=n, name=f"Domain {n}", weight=w, topics=[])
                                  for n, w in ((1, 28), (2, 26), (3, 22), (4, 24))]))
        session.add(Deck(slug="bench/q", track_id="bench", title="Questions"))
        session.commit()
        deck_id = session.scalar(select(Deck.id))
        domain_ids = list(session.scalars(select(ExamDomain.id).order_by(ExamDomain.number)))
    rows = [{"uid": f"q-{n}", "deck_id": deck_id, "kind": "question",
             "prompt": f"Scenario {n}?", "answer_text": None,
             "options": [{"key": k, "text": f"{k}{n}", "explanation": "Why."} for k in "abcd"],
             "correct": ["a", "c"] if n % 5 == 0 else ["b"], "reference": "Bench", "tags": [],
             "content_hash": f"{n:064d}", "created_at": now, "updated_at": now}
            for n in range(POOL)]
    with engine.begin() as connection:
        connection.execute(insert(Item), rows)
        ids = list(connection.scalars(select(Item.id).order_by(Item.id)))
        connection.execute(insert(ItemDomain), [
            {"item_id": item_id, "domain_id": domain_ids[n % 4]} for n, item_id in enumerate(ids)])


def seed_kinds(engine, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """KIND_ITEMS of each new kind in their stored forms, then a new content version (Core
    statements, so the bump is written by hand)."""
    with Session(engine) as session:
        deck_id = session.scalar(select(Deck.id))
        domain_ids = list(session.scalars(select(ExamDomain.id).order_by(ExamDomain.number)))
    steps = [{"key": k, "text": f"Step {k}", "explanation": ""} for k in "cadb"]
    answers = [{"key": k, "text": f"Service {k}", "explanation": ""} for k in "abcde"]
    prompts = [{"key": str(n), "text": f"Need {n}", "explanation": "Why."} for n in (1, 2, 3)]
    yes_no = [{"key": "yes", "text": "Yes", "explanation": ""},
              {"key": "no", "text": "No", "explanation": ""}]
    common = {"deck_id": deck_id, "reference": "Bench", "tags": [], "created_at": now,
              "updated_at": now, "answer_text": None}

    def add(connection, kind: str, n: int, **fields) -> int:  # type: ignore[no-untyped-def]
        row = {**common, "uid": f"{kind}-{n}", "kind": kind, "prompt": f"{kind} {n}",
               "content_hash": f"{kind}{n}".ljust(64, "0"), **fields}
        item_id = connection.scalar(insert(Item).returning(Item.id), [row])
        if kind not in ("case", "series"):
            connection.execute(insert(ItemDomain), [
                {"item_id": item_id, "domain_id": domain_ids[n % 4]}])
        return item_id

    with engine.begin() as connection:
        for n in range(KIND_ITEMS):
            add(connection, "ordering", n, options=steps, correct=list("cadb"),
                explanation="Why.")
            add(connection, "matching", n, options=answers, prompts=prompts,
                correct=["a", "c", "e"])
            case = add(connection, "case", n)
            for position, kind in enumerate(("question", "ordering", "matching"), start=1):
                fields = {"question": {"options": steps, "correct": ["a"]},
                          "ordering": {"options": steps, "correct": list("cadb")},
                          "matching": {"options": answers, "prompts": prompts,
                                       "correct": ["b", "b", "a"]}}[kind]
                add(connection, kind, 10_000 + 3 * n + position, group_id=case,
                    group_position=position, **fields)
            series = add(connection, "series", n)
            for position in (1, 2, 3):
                add(connection, "yesno", 20_000 + 3 * n + position, group_id=series,
                    group_position=position, options=yes_no, correct=["yes"],
                    explanation="Why.")
        connection.execute(insert(ContentVersion), [{"id": 1, "version": 1,
                                                     "changed_at": now}])


def any_answer(question, rng: random.Random) -> list[str]:  # type: ignore[no-untyped-def]
    """A valid answer of the question's kind, chosen at random."""
    keys = list(question.option_order)
    if question.item.kind == "ordering":
        return rng.sample(keys, len(keys))
    if question.item.kind == "matching":
        return [rng.choice(keys) for _ in question.item.prompts]
    return [rng.choice(keys)]


def measure(sessions, user_id: int, now: datetime, rng: random.Random,  # type: ignore[no-untyped-def]
            first_run: int) -> tuple[list[float], list[float]]:
    """RUNS attempts of the bench exam: milliseconds to generate and to grade each."""
    generate, grade = [], []
    for run in range(first_run, first_run + RUNS):
        moment = now + timedelta(hours=run)
        with sessions() as session:  # request: start an exam
            began = time.perf_counter()
            attempt = generate_exam(session, ExamRequest(
                session.get(Exam, "bench"), session.get(User, user_id), Mode.EXAM,
                seed=run), moment)
            session.commit()
            generate.append((time.perf_counter() - began) * 1000)
            for question in attempt.questions:
                record_answer(session, attempt, question.position, any_answer(question, rng),
                              moment)
            session.commit()
            attempt_id = attempt.id
        with sessions() as session:  # request: submit
            began = time.perf_counter()
            submit(session, session.get(ExamAttempt, attempt_id),
                   moment + timedelta(minutes=60))
            session.commit()
            grade.append((time.perf_counter() - began) * 1000)
    return generate, grade


def main() -> None:
    """Print the table."""
    now = datetime(2026, 11, 21, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'exam.sqlite3'}")
        fresh_schema(engine)
        seed(engine, now)
        rng = random.Random(3)
        # As in the app: a fresh session per request, objects kept after commit.
        sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions() as session:
            user_id = register_user(session, "exam@example.com", "steady measuring stick", now).id
            session.commit()
        plain = measure(sessions, user_id, now, rng, 0)
        seed_kinds(engine, now)
        with sessions() as session:
            session.get(Exam, "bench").kinds = KINDS
            session.commit()
        kinds = measure(sessions, user_id, now, rng, RUNS)
        engine.dispose()
    print(f"mock exam: 65 questions from a pool of {POOL:,}, SQLite, {RUNS} runs each")
    print(f"{'step':<34} {'median ms':>10} {'max ms':>8}")
    for name, samples in (("generate attempt", plain[0]), ("grade attempt", plain[1]),
                          ("generate attempt, with kinds", kinds[0]),
                          ("grade attempt, with kinds", kinds[1])):
        print(f"{name:<34} {statistics.median(samples):>10.1f} {max(samples):>8.1f}")


if __name__ == "__main__":
    main()
