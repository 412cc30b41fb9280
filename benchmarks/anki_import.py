"""Anki import speed: a .colpkg with 50,000 answers on 5,000 cards into prep (goal < 10 s).

Setup (not timed): a user studying a track of 5,000 new flashcards; prep's own .apkg of the
track imported into a real Anki collection; 10 answers per card written to that
collection's revlog (Learn/Review/Relearn rows as Anki writes them, a day or more apart,
mixed ratings) through Anki's own database handle, since answering 50,000 cards one by one
with Anki's scheduler costs ~4 ms each (undo and a commit per answer); then Anki exports
it as a .colpkg. Timed, as wall time and as this process's CPU time (which other jobs'
load does not inflate; PostgreSQL's own CPU is not in it): the import as the CLI runs it
(Anki opening the package, matching and replaying every card, the bulk write and the
commit, each step timed), then a re-import of the same file, which adds nothing. SQLite
always; PostgreSQL when ``PREP_BENCH_POSTGRES_URL`` is set. ``PREP_BENCH_ANKI_CARDS``
lowers the size.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from benchmarks.fixtures import bench_student, fresh_schema
from prep.anki.history import apply_plan, known_revlog_ids, plan_ingest
from prep.anki.packages import read_package
from prep.db import make_engine
from prep.export.anki import export_anki
from prep.models import Card, Item, ReviewLog, User
from prep.rendering import render_item

ANSWERS_PER_CARD = 10
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def seed(engine, cards: int, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """A user studying one track of ``cards`` new flashcards; returns the user id."""
    user_id, deck_id = bench_student(engine, now, "anki@example.com", "bench/anki", "Anki")
    with engine.begin() as connection:
        item_ids = connection.scalars(insert(Item).returning(Item.id), [
            {"uid": f"anki-bench-{n}", "deck_id": deck_id, "kind": "card",
             "prompt": f"Front **{n}**", "answer_text": f"Back {n}", "tags": [],
             "content_hash": f"{n:064d}",
             "rendered": render_item(f"Front **{n}**", f"Back {n}", None, f"{n:064d}"),
             "created_at": now, "updated_at": now}
            for n in range(cards)]).all()
        connection.execute(insert(Card), [{"user_id": user_id, "item_id": item_id, "due": now}
                                          for item_id in item_ids])
    return user_id


def phone_package(engine, user_id: int, folder: Path, now: datetime) -> Path:  # type: ignore[no-untyped-def]
    """prep's export imported into an Anki collection, 10 answers a card, as a .colpkg."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    with Session(engine) as session:
        export_anki(session, folder / "prep.apkg", folder, ["bench"],
                    user=session.get(User, user_id))
    (folder / "phone").mkdir()
    col = Collection(str(folder / "phone" / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(folder / "prep.apkg"), options=ImportAnkiPackageOptions()))
    rng = random.Random(15)
    start = now - timedelta(days=400)
    rows, revlog_id = [], (start - EPOCH) // timedelta(milliseconds=1)
    for card_id in col.find_cards(""):
        day = 0
        for n in range(ANSWERS_PER_CARD):
            day += 1 + rng.randint(0, 3 * n)
            ease = rng.choice((1, 2, 3, 3, 3, 3, 4))
            kind = 0 if n == 0 else (2 if ease == 1 else 1)
            moment = start + timedelta(days=day, seconds=rng.randint(0, 3600))
            revlog_id = max(revlog_id + 1, (moment - EPOCH) // timedelta(milliseconds=1))
            rows.append((revlog_id, card_id, -1, ease, day, day // 2, 2500, rng.randint(800,
                         20_000), kind))
    col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, "
                       "type) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    package = folder / "phone.colpkg"
    col.export_collection_package(str(package), include_media=False, legacy=False)
    col.close()
    return package


def bench(url: str, cards: int, folder: Path) -> dict[str, float]:
    """Seed ``url``, build the package, time the import and the re-import."""
    engine = make_engine(url)
    fresh_schema(engine)
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    user_id = seed(engine, cards, now)
    package = phone_package(engine, user_id, folder, now)
    times: dict[str, float] = {"size_mb": package.stat().st_size / 1e6}
    for run in ("first", "again"):
        with Session(engine, expire_on_commit=False) as session:
            user = session.get(User, user_id)
            began, cpu = time.perf_counter(), time.process_time()
            history = read_package(package, known=known_revlog_ids(session, user))
            read = time.perf_counter()
            plan = plan_ingest(session, user, history)
            session.rollback()
            session.connection(execution_options={"sqlite_immediate": True})
            planned = time.perf_counter()
            summary = apply_plan(session, user, plan, now)
            session.commit()
            done = time.perf_counter()
        times[run], times[f"{run}_cpu"] = done - began, time.process_time() - cpu
        if run == "first":
            times.update(read=read - began, plan=planned - read, write=done - planned,
                         added=summary.reviews_added)
        else:
            times["again_added"] = summary.reviews_added
    with Session(engine) as session:
        times["stored"] = session.scalar(select(func.count(ReviewLog.id)))
    engine.dispose()
    return times


def main() -> None:
    """Print the table."""
    cards = int(os.environ.get("PREP_BENCH_ANKI_CARDS", 5_000))
    print(f"anki import: .colpkg of {cards:,} cards with {cards * ANSWERS_PER_CARD:,} answers")
    print(f"{'database':<11} {'MB':>5} {'total s':>8} {'CPU s':>6} {'read s':>7} {'plan s':>7} "
          f"{'write s':>8} {'added':>7} {'again s':>8} {'again +':>8}")
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", f"sqlite:///{Path(folder) / 'import.sqlite3'}")]
        if postgres := os.environ.get("PREP_BENCH_POSTGRES_URL"):
            targets.append(("PostgreSQL", postgres))
        for n, (name, url) in enumerate(targets):
            work = Path(folder) / f"run-{n}"
            work.mkdir()
            r = bench(url, cards, work)
            assert r["added"] == r["stored"] == cards * ANSWERS_PER_CARD, r
            print(f"{name:<11} {r['size_mb']:>5.1f} {r['first']:>8.2f} {r['first_cpu']:>6.2f} "
                  f"{r['read']:>7.2f} "
                  f"{r['plan']:>7.2f} {r['write']:>8.2f} {r['added']:>7,} {r['again']:>8.2f} "
                  f"{r['again_added']:>8,}")


if __name__ == "__main__":
    main()
