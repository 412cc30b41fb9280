"""Insight speed: FSRS optimisation from 100,000 answers; the dashboard at 1,000,000 reviews.

Optimisation: a synthetic year of study (answers drawn from known FSRS parameters, scheduled
by prep, stored as review logs), then ``optimise`` (read the log, build items, train with
fsrs-rs, evaluate old and new), the rescheduling preview (replay of every card through
prep's scheduler) and the confirmed apply. Dashboard: the review-queue fixture (100,000
cards, 1,000,000 logs over a year), then GET /dashboard through the Flask test client
(every query and the template), 30 requests (on PostgreSQL after VACUUM ANALYZE, as
autovacuum would do after the bulk load). SQLite always; PostgreSQL when
``PREP_BENCH_POSTGRES_URL`` is set. ``PREP_BENCH_OPT_CARDS`` / ``PREP_BENCH_CARDS`` /
``PREP_BENCH_LOGS`` lower the sizes for a quick run.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks.fixtures import build_history, fresh_schema
from benchmarks.synthetic import prep_answers, record, simulate
from prep import create_app
from prep.accounts import register_user
from prep.db import make_engine
from prep.insight.optimisation import apply_parameters, optimise, plan_rescheduling
from prep.study.scheduling import SchedulerSettings

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
REQUESTS = 30


def _timed(action) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def bench_optimise(url: str, cards: int) -> dict[str, float]:
    """Seconds to optimise, preview and apply on a synthetic year of ``cards`` cards."""
    engine = make_engine(url)
    fresh_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        user = register_user(session, "optimise@example.com", "steady measuring stick", NOW)
        session.flush()
        # All cards introduced within the first half of the year, so that ~11,500 cards
        # give ~100,000 answers.
        reviews = simulate(cards, NOW - timedelta(days=365), 365,
                           prep_answers(SchedulerSettings.of(user)), new_per_day=cards // 180)
        record(session, user, reviews, NOW)
        session.commit()
        runs = []
        for _ in range(3):
            seconds, result = _timed(lambda: optimise(session, user))
            session.rollback()
            runs.append(seconds)
        preview_s, _ = _timed(lambda: plan_rescheduling(session, user, result.proposed))
        session.rollback()
        apply_s, _ = _timed(lambda: apply_parameters(session, user, result.proposed, NOW))
        session.commit()
    engine.dispose()
    return {"reviews": len(reviews), "optimise": statistics.median(runs), "preview": preview_s,
            "apply": apply_s, "before": result.before.log_loss, "after": result.after.log_loss}


def bench_dashboard(url: str, cards: int, logs: int) -> dict[str, float]:
    """Milliseconds per GET /dashboard for a user with ``logs`` reviews."""
    engine = make_engine(url)
    fresh_schema(engine)
    build_history(engine, NOW, cards, logs)
    if engine.dialect.name == "postgresql":
        # As autovacuum does after a bulk load: index-only scans need the visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE review_logs"))
            connection.execute(text("VACUUM ANALYZE cards"))
    engine.dispose()
    with tempfile.TemporaryDirectory() as instance:
        os.environ["PREP_INSTANCE_PATH"] = instance
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "TESTING": True,
                          "WTF_CSRF_ENABLED": False, "PREP_CLOCK": lambda: NOW})
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.com",
                                    "password": "steady measuring stick"})
        samples = []
        for _ in range(REQUESTS + 1):
            began = time.perf_counter()
            response = client.get("/dashboard")
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        app.extensions["prep.engine"].dispose()
    samples = sorted(samples[1:])  # the first request warms caches
    return {"median": statistics.median(samples), "p95": samples[int(0.95 * len(samples))]}


def main() -> None:
    """Print the tables."""
    opt_cards = int(os.environ.get("PREP_BENCH_OPT_CARDS", 11_500))
    cards = int(os.environ.get("PREP_BENCH_CARDS", 100_000))
    logs = int(os.environ.get("PREP_BENCH_LOGS", 1_000_000))
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", f"sqlite:///{Path(folder) / 'insight.sqlite3'}")]
        if postgres := os.environ.get("PREP_BENCH_POSTGRES_URL"):
            targets.append(("PostgreSQL", postgres))
        print("FSRS optimisation (median of 3), preview and apply (target: optimise < 10 s)")
        print(f"{'database':<11} {'answers':>8} {'optimise s':>11} {'preview s':>10} "
              f"{'apply s':>8} {'log loss before -> after':>26}")
        for name, url in targets:
            r = bench_optimise(url, opt_cards)
            print(f"{name:<11} {r['reviews']:>8,} {r['optimise']:>11.2f} {r['preview']:>10.2f} "
                  f"{r['apply']:>8.2f} {r['before']:>15.4f} -> {r['after']:.4f}")
        print()
        print(f"dashboard: GET /dashboard, {cards:,} cards, {logs:,} reviews, {REQUESTS} requests"
              " (target: median < 300 ms)")
        print(f"{'database':<11} {'median ms':>10} {'p95 ms':>8}")
        for name, url in targets:
            r = bench_dashboard(url, cards, logs)
            print(f"{name:<11} {r['median']:>10.1f} {r['p95']:>8.1f}")


if __name__ == "__main__":
    main()
