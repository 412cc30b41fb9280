"""Review answers over HTTP: gunicorn (2 workers) on loopback, a bounded load client.

Each simulated user logs in, then loops for a fixed time: GET /review (the card and its
form), POST /review/answer (303 on success), as a browser does. Reports answers per second
and latency percentiles, then checks the database: every acknowledged answer is stored
exactly once. SQLite by default; ``PREP_BENCH_HTTP_POSTGRES_URL`` runs it on PostgreSQL too.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.fixtures import fresh_schema
from prep.accounts import register_user
from prep.db import make_engine
from prep.models import ReviewLog
from prep.study.own_cards import CardDraft, create_own_card

USERS = int(os.environ.get("PREP_BENCH_HTTP_USERS", 16))
CARDS_PER_USER = int(os.environ.get("PREP_BENCH_HTTP_CARDS", 1500))
SECONDS = float(os.environ.get("PREP_BENCH_HTTP_SECONDS", 20))
PASSWORD = "steady measuring stick"
_FIELD = re.compile(r'name="(card_id|reps|review_uid|csrf_token)" value="([^"]*)"')
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def seed(url: str) -> None:
    """USERS users with CARDS_PER_USER new cards each (new-card limit lifted)."""
    engine = make_engine(url)
    fresh_schema(engine)
    now = datetime.now(UTC)
    with Session(engine) as session:
        for n in range(USERS):
            user = register_user(session, f"load{n}@example.com", PASSWORD, now)
            user.new_per_day = 100_000
            for k in range(CARDS_PER_USER):
                create_own_card(session, user, CardDraft("Load", f"Q{n}-{k}", f"A{n}-{k}"), now)
        session.commit()
    engine.dispose()


class Browser:
    """A keep-alive HTTP client with a cookie jar of one cookie (Flask's session)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        if cookie := response.getheader("Set-Cookie"):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text


def encode(fields: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(fields)


def simulate(port: int, n: int, deadline: float, out: dict) -> None:  # type: ignore[type-arg]
    """One user: log in, then review until the deadline."""
    browser = Browser(port)
    _, page = browser.request("GET", "/login")
    token = _META.search(page).group(1)
    status, _ = browser.request("POST", "/login", encode({
        "csrf_token": token, "email": f"load{n}@example.com", "password": PASSWORD}))
    if status != 302:
        out["errors"] += 1
        return
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        status, page = browser.request("GET", "/review")
        fields = dict(_FIELD.findall(page))
        if status != 200 or "card_id" not in fields:
            out["errors"] += 1
            break
        posted = time.perf_counter()
        status, _ = browser.request("POST", "/review/answer", encode({**fields, "rating": "4"}))
        done = time.perf_counter()
        if status == 303:
            out["acked"] += 1
            out["post"].append((done - posted) * 1000)
            out["cycle"].append((done - began) * 1000)
        else:
            out["errors"] += 1


def run(name: str, url: str, workers: int = 2) -> None:
    """Seed, serve with gunicorn, load, check; print one table row."""
    seed(url)
    port = 5400 + os.getpid() % 500
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PREP_INSTANCE_PATH":
               instance}
        log = open(Path(instance) / "gunicorn.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b",
             f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], env=env,
            stdout=log, stderr=log)
        try:
            for _ in range(100):  # wait (bounded) for the server to answer
                try:
                    Browser(port).request("GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            out = {"acked": 0, "errors": 0, "post": [], "cycle": []}
            start = time.perf_counter()
            deadline = start + SECONDS
            threads = [threading.Thread(target=simulate, args=(port, n, deadline, out))
                       for n in range(USERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=SECONDS + 60)
            elapsed = time.perf_counter() - start
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
            if out["errors"]:
                print((Path(instance) / "gunicorn.log").read_text()[-2000:], file=sys.stderr)
    engine = make_engine(url)
    with Session(engine) as session:
        stored = session.scalar(select(func.count(ReviewLog.id)))
        distinct = session.scalar(select(func.count(func.distinct(ReviewLog.review_uid))))
    engine.dispose()
    post, cycle = sorted(out["post"]) or [float("nan")], sorted(out["cycle"]) or [float("nan")]
    p = lambda values, q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    print(f"{name:<11} {USERS:>5} {out['acked'] / elapsed:>10.0f} "
          f"{statistics.median(post):>8.1f} {p(post, 0.95):>8.1f} {p(post, 0.99):>8.1f} "
          f"{p(cycle, 0.95):>9.1f} {out['errors']:>6} {stored == out['acked'] == distinct!s:>9}")


def main() -> None:
    """Print the table."""
    print(f"review answers over HTTP: gunicorn 2 workers, {USERS} users, {SECONDS:.0f} s")
    print(f"{'database':<11} {'users':>5} {'answers/s':>10} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'cycle p95':>9} {'errors':>6} {'exact-once':>9}")
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{Path(folder) / 'http.sqlite3'}")
    if postgres := os.environ.get("PREP_BENCH_HTTP_POSTGRES_URL"):
        run("PostgreSQL", postgres)


if __name__ == "__main__":
    main()
