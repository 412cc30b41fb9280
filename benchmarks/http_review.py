"""Review answers over HTTP (issue 3's target): gunicorn on loopback, a bounded load client.

Each simulated user logs in, opens the review page once, then answers for a fixed time as
the page's script does: one POST /review/answer asking for JSON, whose reply carries the
next card. ``PREP_BENCH_HTTP_MODE=form`` measures the plain form round trip instead (POST,
303, GET: the page without JavaScript). Reports answers per second and latency percentiles,
then checks that every acknowledged answer is stored exactly once. SQLite by default;
``PREP_BENCH_HTTP_POSTGRES_URL`` adds PostgreSQL. Settings (environment): users, seconds,
workers, threads per worker and worker class (``sync`` or ``gthread``);
``PREP_BENCH_HTTP_PROFILE=/tmp/review`` samples a worker with py-spy during the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.fixtures import fresh_schema, study_group
from benchmarks.http_client import (
    Browser,
    percentile,
    postgres_cpu_seconds,
    retried,
    run_users,
    serving,
)
from prep.db import make_engine
from prep.models import ReviewLog

USERS = int(os.environ.get("PREP_BENCH_HTTP_USERS", 16))
SECONDS = float(os.environ.get("PREP_BENCH_HTTP_SECONDS", 20))
WORKERS = int(os.environ.get("PREP_BENCH_HTTP_WORKERS", 2))
THREADS = int(os.environ.get("PREP_BENCH_HTTP_THREADS", 2))
# Empty: prep's own worker (gthread; see prep/serving.py); "sync" measures gunicorn's sync.
WORKER_CLASS = os.environ.get("PREP_BENCH_HTTP_WORKER_CLASS", "")
MODE = os.environ.get("PREP_BENCH_HTTP_MODE", "json")
# A path prefix: sample a worker with py-spy during the run (collapsed stacks, see README).
PROFILE = os.environ.get("PREP_BENCH_HTTP_PROFILE")
CARDS = 1500  # more than a user can answer in the time: Easy takes a card out of today's queue


def seed(url: str, users: int) -> list[str]:
    """A fresh schema with ``users`` users studying CARDS new cards each."""
    engine = make_engine(url)
    fresh_schema(engine)
    emails = study_group(engine, users, CARDS, datetime.now(UTC))
    engine.dispose()
    return emails


class Tally:
    """What the simulated users saw: acknowledged review ids, latencies, errors."""

    def __init__(self) -> None:
        self.acked: list[str] = []
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def answered(self, review_uid: str, began: float, ended: float) -> None:
        """An answer the server acknowledged (list appends are atomic under the GIL)."""
        self.acked.append(review_uid)
        self.latencies.append((ended - began) * 1000)


def answer(browser: Browser, shown: dict[str, Any], rating: int = 4) -> dict[str, Any] | None:
    """Answer the shown card as the page's script does; the next card's fields, or None
    (none left). Raises on an error reply."""
    status, reply = browser.json("/review/answer", {
        "csrf_token": browser.token, "card_id": shown["card_id"], "reps": shown["reps"],
        "review_uid": shown["review_uid"], "rating": rating, "duration_ms": 1200})
    if status != 200:
        raise RuntimeError(f"answer refused: {status} {reply}")
    return reply["next"]


def review_for(browser: Browser, deadline: float, tally: Tally, *, count: int = 100_000,
               mode: str = MODE) -> None:
    """Answer cards until the deadline (or ``count`` answers); errors are counted, not raised."""
    shown: dict[str, Any] | None = browser.review_fields()
    for _ in range(count):
        if shown is None or time.perf_counter() >= deadline:
            break
        began = time.perf_counter()
        try:
            if mode == "form":
                status, _ = browser.request("POST", "/review/answer", {
                    **shown, "csrf_token": browser.token, "rating": 4})
                if status != 303:
                    raise RuntimeError(f"answer refused: {status}")
                following = browser.review_fields()
            else:
                following = retried(lambda: answer(browser, shown))  # noqa: B023 - called now
        except (OSError, RuntimeError, KeyError) as error:
            tally.failures.append(repr(error))
            shown = browser.review_fields()  # as a reload would: the queue as it stands
            continue
        tally.answered(shown["review_uid"], began, time.perf_counter())
        shown = following


def profile_worker(pid: int, seconds: float, out: str) -> subprocess.Popen[bytes]:
    """Sample one worker with py-spy for ``seconds``: collapsed stacks written to ``out``."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid),
         "--duration", str(max(1, int(seconds))), "--format", "raw", "--output", out,
         "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored_exactly_once(url: str, acked: list[str]) -> bool:
    """Whether the database holds each acknowledged review id once, and no other review."""
    engine = make_engine(url)
    with Session(engine) as session:
        stored = session.scalar(select(func.count(ReviewLog.id)))
        distinct = session.scalar(select(func.count(func.distinct(ReviewLog.review_uid))))
    engine.dispose()
    return stored == distinct == len(set(acked)) == len(acked)


def run(name: str, url: str) -> None:
    """Seed, serve with gunicorn, load, check; print one table row."""
    emails = seed(url, USERS)
    tally = Tally()

    def log_in(n: int) -> Browser | None:
        browser = Browser(server.port)
        if browser.log_in(emails[n]):
            return browser
        tally.failures.append("login failed")
        browser.close()
        return None

    def simulate(browser: Browser | None, deadline: float) -> None:
        if browser is not None:
            try:
                review_for(browser, deadline, tally)
            except OSError as error:
                tally.failures.append(repr(error))
            finally:
                browser.close()

    cpu: dict[str, float] = {}
    profilers: list[subprocess.Popen[bytes]] = []

    def window_opens() -> None:
        cpu["server"], cpu["client"] = server.cpu_seconds(), time.process_time()
        cpu["database"] = postgres_cpu_seconds()
        if PROFILE:
            profilers.append(profile_worker(server.worker_pids()[0], SECONDS * 0.8,
                                            f"{PROFILE}-{name}.txt"))

    with serving(url, workers=WORKERS, threads=THREADS, worker_class=WORKER_CLASS) as server:
        elapsed = run_users(log_in, simulate, USERS, SECONDS, on_start=window_opens)
        server_cpu = server.cpu_seconds() - cpu["server"]
        database_cpu = postgres_cpu_seconds() - cpu["database"] if name == "PostgreSQL" else 0
    client_cpu = time.process_time() - cpu["client"]
    for profiler in profilers:
        profiler.wait(timeout=60)
    latencies = tally.latencies
    if tally.failures:
        print("  first failures:", tally.failures[:3])
    print(f"{name:<11} {USERS:>5} {len(tally.acked) / elapsed:>10.0f} "
          f"{percentile(latencies, 0.5):>8.1f} {percentile(latencies, 0.95):>8.1f} "
          f"{percentile(latencies, 0.99):>8.1f} {len(tally.failures):>6} "
          f"{stored_exactly_once(url, tally.acked)!s:>10} "
          f"{1000 * server_cpu / max(1, len(latencies)):>8.2f} "
          f"{1000 * database_cpu / max(1, len(latencies)):>8.2f} "
          f"{1000 * client_cpu / max(1, len(latencies)):>8.2f}")


def server_setup() -> str:
    """How gunicorn runs in these benchmarks, for the tables' titles."""
    from prep.serving import _reuse_port

    threads = f" x {THREADS} threads" if WORKER_CLASS in ("", "gthread") else ""
    sockets = "a socket per worker" if _reuse_port() else "one shared socket"
    return f"gunicorn {WORKERS} {WORKER_CLASS or 'gthread'} workers{threads}, {sockets}"


def on_each_database(run_on: Callable[[str, str], None]) -> None:
    """``run_on(name, url)`` on a fresh SQLite file, then on PostgreSQL when configured."""
    with tempfile.TemporaryDirectory() as folder:
        run_on("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    if postgres := os.environ.get("PREP_BENCH_HTTP_POSTGRES_URL"):
        run_on("PostgreSQL", postgres)


def main() -> None:
    """Print the table."""
    print(f"review answers over HTTP ({MODE}): {server_setup()}, {USERS} users, {SECONDS:.0f} s")
    print(f"{'database':<11} {'users':>5} {'answers/s':>10} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6} {'exact-once':>10} {'srv CPU':>8} {'db CPU':>8} "
          f"{'cli CPU':>8}")
    print("(CPU: milliseconds of CPU time per answer: gunicorn, PostgreSQL's processes and "
          "the load client)")
    on_each_database(run)


if __name__ == "__main__":
    main()
