"""Anki export speed: writing a package of 10,000 notes.

The notes are the shipped decks' items repeated (each copy with its own id and stem), so the
Markdown, code blocks and option counts are those users actually study.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from benchmarks.fixtures import bench_track, fresh_schema
from prep.config import PROJECT_ROOT
from prep.db import make_engine
from prep.decks.check import check_decks
from prep.export.anki import export_anki
from prep.models import Deck, Item
from prep.rendering import render_item

NOTES = 10_000
RUNS = 3


def seed(engine, now: datetime) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        bench_track(session)
        for n in range(10):
            session.add(Deck(slug=f"bench/deck-{n}", track_id="bench", title=f"Deck {n}"))
        session.commit()
        deck_ids = list(session.scalars(select(Deck.id)))
    shipped = check_decks(PROJECT_ROOT / "decks").items
    rows = []
    for n in range(NOTES):
        spec = shipped[n % len(shipped)]
        prompt = f"{spec.prompt}\n\n(copy {n})"
        options = [vars(option) for option in spec.options] if spec.options else None
        rows.append({
            "uid": f"bench-{n}", "deck_id": deck_ids[n % len(deck_ids)], "kind": spec.kind,
            "prompt": prompt, "answer_text": spec.answer_text, "options": options,
            # As the deck loader does: HTML is rendered when content is loaded.
            "rendered": render_item(prompt, spec.answer_text, options, f"{n:064d}"),
            "correct": spec.correct, "reference": spec.reference, "tags": spec.tags,
            "content_hash": f"{n:064d}", "created_at": now, "updated_at": now,
        })
    with engine.begin() as connection:
        connection.execute(insert(Item), rows)


def main() -> None:
    """Print the table."""
    now = datetime(2026, 11, 21, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'export.sqlite3'}")
        fresh_schema(engine)
        seed(engine, now)
        samples = []
        for run in range(RUNS):
            with Session(engine) as session:
                began = time.perf_counter()
                report = export_anki(session, Path(folder) / f"bench-{run}.apkg",
                                     PROJECT_ROOT / "decks", ["bench"])
                samples.append(time.perf_counter() - began)
        size = (Path(folder) / "bench-0.apkg").stat().st_size
        engine.dispose()
    print(f"anki export: {report.notes:,} notes, {size / 1e6:.1f} MB package")
    print(f"{'runs':>5} {'median s':>9} {'min s':>7}")
    print(f"{RUNS:>5} {statistics.median(samples):>9.2f} {min(samples):>7.2f}")


if __name__ == "__main__":
    main()
