"""Deck files: time to validate the shipped decks, and to sync them (first and unchanged load).

Runs against a fresh SQLite file, and PostgreSQL too when ``PREP_BENCH_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from prep.clock import utc_now
from prep.config import PROJECT_ROOT
from prep.db import make_engine
from prep.decks.check import check_decks
from prep.decks.sync import sync_decks
from prep.models import Base

REPEATS = 5


def timed(action: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """Wall-clock milliseconds of ``repeats`` runs of ``action``."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_database(url: str) -> dict[str, list[float]]:
    """First load into an empty database, then unchanged reloads."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    bundle = check_decks(PROJECT_ROOT / "decks")

    def load() -> None:
        with Session(engine) as session:
            sync_decks(session, bundle, utc_now())
            session.commit()

    first = timed(load, repeats=1)
    again = timed(load)
    Base.metadata.drop_all(engine)
    engine.dispose()
    return {"first load": first, "unchanged reload": again}


def main() -> None:
    """Print a table of medians."""
    bundle = check_decks(PROJECT_ROOT / "decks")
    rows = [("check (parse + validate)", "-", timed(lambda: check_decks(PROJECT_ROOT / "decks")))]
    with tempfile.TemporaryDirectory() as folder:
        for name, samples in bench_database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}").items():
            rows.append((name, "SQLite", samples))
    if postgres := os.environ.get("PREP_BENCH_POSTGRES_URL"):
        for name, samples in bench_database(postgres).items():
            rows.append((name, "PostgreSQL", samples))
    print(f"decks: {bundle.summary()}")
    print(f"{'step':<26} {'database':<11} {'median ms':>10} {'runs':>5}")
    for step, database, samples in rows:
        print(f"{step:<26} {database:<11} {statistics.median(samples):>10.1f} {len(samples):>5}")


if __name__ == "__main__":
    main()
