"""Anki sync speed: a user with 5,000 cards and about 50,000 reviews.

Anki's own sync server runs on loopback (``prep anki server``'s environment); prep's database
is SQLite. Wall and CPU seconds of prep's process (the Anki backend's threads included; the
sync server's own CPU not), since a shared machine's wall times say little alone.
Measured: the first sync (the collection written from the database and uploaded)
and an incremental sync after a phone (a second Anki collection, Anki's scheduler) and the
web (prep's ``answer_card``) each answered 100 cards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from anki.collection import Card as AnkiCard
from anki.collection import Collection
from anki.sync import SyncOutput
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.fixtures import fresh_schema
from benchmarks.synthetic import prep_answers, record, simulate
from prep.accounts import register_user
from prep.anki.server import server_environment
from prep.anki.sync import link, login, sync
from prep.config import PROJECT_ROOT
from prep.db import make_engine
from prep.models import Card, CardState, ReviewLog, User
from prep.study.review import answer_card
from prep.study.scheduling import SchedulerSettings

CARDS = 5_000
DAYS = 470  # of simulated study: about 50,000 answers for 5,000 cards
EACH_WAY = 100
ACCOUNT = ("bench", "bench-secret")


def start_server(base: Path, port: int) -> subprocess.Popen[bytes]:
    """Anki's sync server with one account, waited for until it answers."""
    env = server_environment([":".join(ACCOUNT)], base, "127.0.0.1", port)
    server = subprocess.Popen([sys.executable, "-m", "anki.syncserver"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the sync server did not start")


def seed(sessions: sessionmaker[Session], now: datetime) -> int:
    """One user with CARDS own cards and their simulated history; returns the user id."""
    with sessions() as session:
        user = register_user(session, "bench@example.com", "copper kettle whistles loudly", now)
        session.flush()
        settings = SchedulerSettings.of(user)
        start = now - timedelta(days=DAYS)
        reviews = simulate(CARDS, start, DAYS, prep_answers(settings),
                           new_per_day=CARDS // (DAYS // 2))
        record(session, user, reviews, now)
        session.commit()
        return user.id


def phone_answers(col: Collection, count: int) -> int:
    """The phone answers up to ``count`` due cards Good with Anki's scheduler; returns how
    many it answered (the simulated history leaves about 100 due, sometimes a few fewer)."""
    col.decks.select(col.decks.id_for_name("ML Certs::My cards::Synthetic"))
    for answered in range(count):
        queue = col.sched.get_queued_cards().cards
        if not queue:
            return answered
        queued = queue[0]
        card = AnkiCard(col)
        card._load_from_backend_card(queued.card)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states,
                                                     rating=2))
    return count


def phone_sync(col: Collection, auth) -> None:  # type: ignore[no-untyped-def]
    out = col.sync_collection(auth, False)
    if out.required in (SyncOutput.FULL_DOWNLOAD, SyncOutput.FULL_SYNC):
        col.close_for_full_sync()
        col.full_upload_or_download(auth=auth, server_usn=None, upload=False)
        col.reopen(after_full_sync=True)


def web_answers(sessions: sessionmaker[Session], user_id: int, count: int,
                now: datetime) -> None:
    """prep answers ``count`` review cards (the ones with the highest ids) Good."""
    with sessions() as session:
        user = session.get(User, user_id)
        cards = session.scalars(select(Card).where(Card.user_id == user_id,
                                                   Card.state == CardState.REVIEW)
                                .order_by(Card.id.desc()).limit(count)).all()
        for n, card in enumerate(cards):
            answer_card(session, user, card.id, 3, uuid.uuid4().hex, card.reps,
                        now + timedelta(seconds=n), duration_ms=5000)
        session.commit()


def main() -> None:
    """Print the table."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with socket.socket() as probe:  # a free loopback port
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = start_server(root / "server", port)
        engine = make_engine(f"sqlite:///{root / 'sync.sqlite3'}")
        fresh_schema(engine)
        sessions = sessionmaker(engine, expire_on_commit=False)
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        try:
            user_id = seed(sessions, now)
            with sessions() as session:
                reviews = session.scalar(select(func.count()).select_from(ReviewLog))
                user = session.get(User, user_id)
                auth = login(f"http://127.0.0.1:{port}/", *ACCOUNT)
                link(session, user, auth, ACCOUNT[0], now)
                session.commit()
            cache, decks = root / "cache", PROJECT_ROOT / "decks"
            began, cpu = time.perf_counter(), time.process_time()
            first = sync(sessions, user_id, cache, decks, now)
            first_s, first_cpu = time.perf_counter() - began, time.process_time() - cpu
            (root / "phone").mkdir()
            phone = Collection(str(root / "phone" / "collection.anki2"))
            phone_auth = phone.sync_login(*ACCOUNT, f"http://127.0.0.1:{port}/")
            phone_sync(phone, phone_auth)
            pulled = phone_answers(phone, EACH_WAY)
            phone_sync(phone, phone_auth)
            web_answers(sessions, user_id, EACH_WAY, now + timedelta(minutes=1))
            began, cpu = time.perf_counter(), time.process_time()
            second = sync(sessions, user_id, cache, decks, now + timedelta(minutes=3))
            second_s, second_cpu = time.perf_counter() - began, time.process_time() - cpu
            phone.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
            engine.dispose()
    print(f"anki sync: {CARDS:,} cards, {reviews:,} reviews (SQLite, sync server on loopback)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'sync':<34} {'wall s':>7} {'CPU s':>6}  result")
    print(f"{'first (build + full upload)':<34} {first_s:>7.2f} {first_cpu:>6.2f}  "
          f"{first.line()}")
    print(f"{f'incremental ({pulled} phone / {EACH_WAY} web answers)':<34} {second_s:>7.2f} "
          f"{second_cpu:>6.2f}  {second.line()}")


if __name__ == "__main__":
    main()
