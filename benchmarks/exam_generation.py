"""Mock exam speed: draw a 65-question exam from a 20,000-question pool, and grade one.

SQLite, in-process: each run generates an attempt (largest-remainder draw, fresh-first,
shuffled options), answers every question, then times ``submit`` (grading, per-question
results and queueing the missed questions).
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
from prep.models import Deck, Exam, ExamAttempt, ExamDomain, Item, ItemDomain, User

POOL = 20_000
RUNS = 30


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


def main() -> None:
    """Print the table."""
    now = datetime(2026, 11, 21, tzinfo=UTC)
    generate, grade = [], []
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
        for run in range(RUNS):
            moment = now + timedelta(hours=run)
            with sessions() as session:  # request: start an exam
                began = time.perf_counter()
                attempt = generate_exam(session, ExamRequest(
                    session.get(Exam, "bench"), session.get(User, user_id), Mode.EXAM,
                    seed=run), moment)
                session.commit()
                generate.append((time.perf_counter() - began) * 1000)
                for question in attempt.questions:
                    record_answer(session, attempt, question.position, [rng.choice("abcd")],
                                  moment)
                session.commit()
                attempt_id = attempt.id
            with sessions() as session:  # request: submit
                began = time.perf_counter()
                submit(session, session.get(ExamAttempt, attempt_id),
                       moment + timedelta(minutes=60))
                session.commit()
                grade.append((time.perf_counter() - began) * 1000)
        engine.dispose()
    print(f"mock exam: 65 questions from a pool of {POOL:,}, SQLite, {RUNS} runs")
    print(f"{'step':<22} {'median ms':>10} {'max ms':>8}")
    for name, samples in (("generate attempt", generate), ("grade attempt", grade)):
        print(f"{name:<22} {statistics.median(samples):>10.1f} {max(samples):>8.1f}")


if __name__ == "__main__":
    main()
