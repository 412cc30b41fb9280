"""Daily review speed: "answer the current card and fetch the next" at Anki-collection scale.

Builds a user with 100,000 cards and 1,000,000 review logs, then times, in-process, the step
a review request performs: answer the head card (FSRS + card update + log insert, committed)
and build the queue again (head card and the three counts). SQLite always; PostgreSQL when
``PREP_BENCH_POSTGRES_URL`` is set. Sizes can be lowered with ``PREP_BENCH_CARDS`` /
``PREP_BENCH_LOGS`` for a quick run.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from benchmarks.fixtures import bench_user, build_history, fresh_schema
from prep.db import make_engine
from prep.study.queue import build_queue
from prep.study.review import answer_card

STEPS = 2_000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench(url: str, cards: int, logs: int) -> dict[str, float]:
    """Build the history in ``url``, then time STEPS answer-and-next steps."""
    engine = make_engine(url)
    fresh_schema(engine)
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    start = time.perf_counter()
    user_id = build_history(engine, now, cards, logs)
    build_seconds = time.perf_counter() - start
    samples = []
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={"sqlite_immediate": True})
        user = bench_user(session, user_id)
        head = build_queue(session, user, now).head
        session.commit()
        for step in range(STEPS):
            moment = now + timedelta(seconds=step * 5)
            began = time.perf_counter()
            session.connection(execution_options={"sqlite_immediate": True})
            answer_card(session, user, head.id, 3, uuid.uuid4().hex, head.reps, moment, 4000)
            session.commit()
            head = build_queue(session, user, moment).head
            session.commit()
            samples.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    return {"build_s": build_seconds, "median": statistics.median(samples),
            "p99": percentile(samples, 0.99), "steps": len(samples)}


def main() -> None:
    """Print the table."""
    cards = int(os.environ.get("PREP_BENCH_CARDS", 100_000))
    logs = int(os.environ.get("PREP_BENCH_LOGS", 1_000_000))
    targets = []
    with tempfile.TemporaryDirectory() as folder:
        targets.append(("SQLite", f"sqlite:///{Path(folder) / 'review.sqlite3'}"))
        if postgres := os.environ.get("PREP_BENCH_POSTGRES_URL"):
            targets.append(("PostgreSQL", postgres))
        print(f"review step: answer + next card, {cards:,} cards, {logs:,} review logs")
        print(f"{'database':<11} {'setup s':>8} {'median ms':>10} {'p99 ms':>8} {'steps':>6}")
        for name, url in targets:
            result = bench(url, cards, logs)
            print(f"{name:<11} {result['build_s']:>8.1f} {result['median']:>10.2f} "
                  f"{result['p99']:>8.2f} {result['steps']:>6}")


if __name__ == "__main__":
    main()
