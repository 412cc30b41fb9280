"""Faults under load (issue 9): each scenario returns named checks, printed by ``main``.

- ``worker_killed``: SIGKILL a gunicorn worker twice in the middle of the load; the master
  starts new ones; no acknowledged review is lost and none is stored twice (a client whose
  connection dropped sends the same answer again, as the review page does).
- ``server_restarted``: stop the whole server in the middle of a timed exam and start it
  again: the attempt resumes where it was, with the remaining time the deadline leaves.
- ``server_stopped_mid_answer``: SIGTERM to gunicorn while an answer is being served: the
  answer completes and is acknowledged, then gunicorn exits (graceful shutdown).
- ``postgres_restarted``: a private, throwaway PostgreSQL cluster (its own port and folder;
  never the shared one) is stopped under prep: requests get a clear 503 with Retry-After;
  once it is back, the same prep processes serve again.

Every loop is bounded in count and time, traffic stays on 127.0.0.1, and every process
started here is stopped in a ``finally``. tests/test_faults.py runs these scenarios.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import make_url

from benchmarks.http_client import Browser, free_port, run_users, serving, start_server
from benchmarks.http_load import (
    EXAM,
    Load,
    answer_question,
    check_database,
    prepare,
    seed,
    study,
)
from prep.config import PROJECT_ROOT

Checks = dict[str, bool]


class Content(NamedTuple):
    """The decks to load and the exam the users sit."""

    decks: Path
    exam: str


SHIPPED = Content(PROJECT_ROOT / "decks", EXAM)


def worker_killed(url: str, users: int = 6, seconds: float = 6, kills: int = 2,
                  content: Content = SHIPPED) -> Checks:
    """Kill a worker ``kills`` times during ``seconds`` of load by ``users`` users."""
    emails = seed(url, users, content.decks)
    load = Load()
    killed: list[int] = []
    with serving(url, workers=2, threads=2) as server:
        before = server.worker_pids()

        def kill_workers() -> None:
            for _ in range(kills):
                time.sleep(seconds / (kills + 1))
                victim = server.worker_pids()[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        killer = threading.Thread(target=kill_workers, daemon=True)
        run_users(lambda n: prepare(server.port, emails[n], load, content.exam),
                  lambda prepared, deadline: study(prepared, deadline, load),
                  users, seconds, on_start=killer.start)
        killer.join(timeout=seconds)
        for _ in range(100):  # the master replaces a dead worker within moments (bounded)
            after = server.worker_pids()
            if len(after) == len(before) and not set(killed) & set(after):
                break
            time.sleep(0.1)
    return {
        "workers were killed": len(killed) == kills,
        "the master replaced them": len(after) == len(before)
        and not set(killed) & set(after),
        "answers went on": len(load.reviews.acked) > 5 * users,
        **check_database(url, load),
    }


def reloaded(url: str, seconds: float = 4) -> Checks:
    """SIGHUP to the master while idle keep-alive connections hold the old workers in their
    grace period; meanwhile a client opens a new connection per request, with no retry."""
    failures: list[str] = []
    answered = 0
    with serving(url, workers=2) as server:
        held = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                for _ in range(8)]
        for connection in held:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
        old = set(server.worker_pids())
        os.kill(server.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                probe.request("GET", "/healthz")
                status = probe.getresponse().status
                answered += status == 200
                if status != 200:
                    failures.append(str(status))
            except (OSError, http.client.HTTPException) as error:
                failures.append(repr(error))
            finally:
                probe.close()
        for connection in held:
            connection.close()
        new = set(server.worker_pids())
    if failures:
        print("  reload failures:", failures[:3])
    return {
        "the workers were replaced": bool(old) and len(new) == 2 and not old & new,
        "every connection made meanwhile was answered": not failures and answered > 20,
    }


def server_restarted(url: str, pause: float = 2.0, content: Content = SHIPPED) -> Checks:
    """Stop and start the server in the middle of a timed exam; compare the clocks."""
    emails = seed(url, 1, content.decks)
    load = Load()
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(url, Path(folder))
        try:
            prepared = prepare(server.port, emails[0], load, content.exam)
            assert prepared is not None, load.reviews.failures
            browser, sitting = prepared
            for _ in range(min(3, sitting.questions - 1)):
                answer_question(browser, sitting)
            left_before, asked_at = _remaining(browser, sitting.attempt_id), time.monotonic()
            server.stop()
            time.sleep(pause)
            server = start_server(url, Path(folder))
            resumed = Browser(server.port)
            resumed.cookie = browser.cookie  # the same browser, back after the restart
            resumed.request("GET", f"/attempts/{sitting.attempt_id}")
            where = resumed.location
            left_after, asked_again = _remaining(resumed, sitting.attempt_id), time.monotonic()
            browser.close()
            resumed.close()
        finally:
            server.stop()
    expected = left_before - (asked_again - asked_at)
    return {
        "the attempt resumes at its question":
            where == f"/attempts/{sitting.attempt_id}/q/{sitting.position - 1}",
        # The server reports whole seconds; the clock kept running while it was down.
        "remaining time is the deadline's": abs(left_after - expected) <= 2,
        "the time went on while it was down": left_after <= left_before - pause + 1,
        **check_database(url, load),
    }


def server_stopped_mid_answer(url: str, content: Content = SHIPPED) -> Checks:
    """SIGTERM to gunicorn while an answer is in flight: the answer completes (SQLite only:
    the test holds SQLite's write lock so that the answer is surely still being served)."""
    emails = seed(url, 1, content.decks)
    load = Load()
    replies: list[tuple[int, dict]] = []  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(url, Path(folder), workers=1, threads=2)
        blocker = sqlite3.connect(make_url(url).database, isolation_level=None, timeout=30)
        try:
            prepared = prepare(server.port, emails[0], load, content.exam)
            assert prepared is not None, load.reviews.failures
            browser, _ = prepared
            shown = browser.review_fields()
            blocker.execute("BEGIN IMMEDIATE")  # the answer will wait for this lock

            def send() -> None:
                try:
                    replies.append(browser.json("/review/answer", {
                        "csrf_token": browser.token, "rating": 4, **shown}))
                except OSError as error:
                    load.reviews.failures.append(repr(error))

            sender = threading.Thread(target=send, daemon=True)
            sender.start()
            time.sleep(1.0)  # the request reaches the worker and waits on the lock
            server.process.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            still_serving = server.process.poll() is None
            blocker.execute("COMMIT")
            sender.join(timeout=30)
            exit_code = server.process.wait(timeout=40)
            browser.close()
        finally:
            blocker.close()
            server.stop()
    if replies and replies[0][0] == 200:
        load.reviews.acked.append(shown["review_uid"])
    return {
        "the server waited for the answer in flight": still_serving,
        "the answer in flight was acknowledged": bool(replies) and replies[0][0] == 200,
        "gunicorn then exited cleanly": exit_code == 0,
        **check_database(url, load),
    }


def _remaining(browser: Browser, attempt_id: int) -> int:
    import json

    status, text = browser.request("GET", f"/attempts/{attempt_id}/clock")
    assert status == 200, text
    return json.loads(text)["remaining"]


POSTGRES_BIN = Path(os.environ.get("PREP_POSTGRES_BIN", "")) if os.environ.get(
    "PREP_POSTGRES_BIN") else next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                                               reverse=True)), None)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on its own port."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                       capture_output=True, timeout=60)

    def _pg_ctl(self, *args: str) -> None:
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-w",
                  "-t", "30", *args)

    def create(self) -> None:
        """initdb (trust authentication: the cluster listens on loopback only)."""
        self._run(str(POSTGRES_BIN / "initdb"), "-D", str(self.folder / "data"), "-U",
                  "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._pg_ctl("-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                     "-c fsync=off", "-l", str(self.folder / "log"), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (fast: open connections are cut)."""
        self._pg_ctl("-m", mode, "stop")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private cluster, removed afterwards (never the shared one)."""
    if POSTGRES_BIN is None or not (POSTGRES_BIN / "initdb").exists():
        raise FileNotFoundError("PostgreSQL server binaries (initdb) not found")
    folder = Path(tempfile.mkdtemp(prefix="prep-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    cluster = PrivatePostgres(folder)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def postgres_restarted(pause: float = 2.0, content: Content = SHIPPED) -> Checks:
    """Stop a private PostgreSQL under prep, then start it again."""
    with private_postgres() as cluster:
        emails = seed(cluster.url, 1, content.decks)
        load = Load()
        with serving(cluster.url, workers=2, threads=2) as server:
            workers = server.worker_pids()
            prepared = prepare(server.port, emails[0], load, content.exam)
            assert prepared is not None, load.reviews.failures
            browser, _ = prepared
            shown = browser.review_fields()
            form = {"csrf_token": browser.token, "rating": 4, **shown}
            cluster.stop()
            try:
                down, reply_down = browser.json("/review/answer", form)
                retry_after = browser.last_headers.get("Retry-After")
                health_down = browser.request("GET", "/healthz")[0]
                time.sleep(pause)
            finally:
                cluster.start()
            health_up = browser.request("GET", "/healthz")[0]
            status, reply = browser.json("/review/answer", form)  # the same answer again
            if status == 200:
                load.reviews.acked.append(shown["review_uid"])
            after = server.worker_pids()
            browser.close()
        checks = {
            "an answer while down is a 503": down == 503
            and "unavailable" in reply_down.get("error", ""),
            "with Retry-After": retry_after is not None,
            "health while down is a 503": health_down == 503,
            "health after the restart is 200": health_up == 200,
            "the retried answer is stored": status == 200 and reply.get("next") is not None,
            "the same prep processes serve": after == workers,
        }
        return {**checks, **check_database(cluster.url, load)}


def main() -> None:
    """Run every scenario on SQLite (and PostgreSQL when PREP_BENCH_HTTP_POSTGRES_URL is set)."""
    with tempfile.TemporaryDirectory() as folder:
        scenarios = [
            ("worker killed, SQLite", lambda: worker_killed(f"sqlite:///{folder}/kill.db")),
            ("server restarted, SQLite",
             lambda: server_restarted(f"sqlite:///{folder}/restart.db")),
            ("server stopped mid-answer, SQLite",
             lambda: server_stopped_mid_answer(f"sqlite:///{folder}/stop.db")),
            ("workers reloaded (SIGHUP)", lambda: reloaded(f"sqlite:///{folder}/reload.db")),
            ("PostgreSQL restarted", postgres_restarted),
        ]
        if postgres := os.environ.get("PREP_BENCH_HTTP_POSTGRES_URL"):
            scenarios.insert(1, ("worker killed, PostgreSQL", lambda: worker_killed(postgres)))
        for name, scenario in scenarios:
            checks = scenario()
            verdict = "ok" if all(checks.values()) else "FAILED"
            print(f"{name}: {verdict}")
            for check, passed in checks.items():
                print(f"  {'ok' if passed else 'FAILED'}  {check}")


if __name__ == "__main__":
    main()
