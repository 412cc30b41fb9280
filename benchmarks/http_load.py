"""Many users at once (issue 9): logging in, reviewing and sitting a timed exam concurrently.

N simulated users each log in, start a timed mock exam, then for a fixed time answer review
cards (one JSON request per answer, as the page's script does) and, after every few
answers, the next exam question (its page, then the autosave). gunicorn serves prep on
loopback as ``prep serve`` does. Reports throughput, latency percentiles and errors, then
checks the database (``check_database``): every acknowledged review stored exactly once,
every acknowledged exam answer in its attempt, every card's state consistent with its
review log. SQLite by default; ``PREP_BENCH_HTTP_POSTGRES_URL`` adds PostgreSQL.

Pacing: ``PREP_BENCH_LOAD_RATE`` review answers per second are offered by the users
together (each user keeps its own schedule, with one exam answer after every
``REVIEWS_PER_EXAM_ANSWER`` reviews). Latency is measured from the moment an action was
due, not from when it could be sent, so a server that falls behind is charged for the
queue it builds (no coordinated omission). ``PREP_BENCH_LOAD_RATE=0`` removes the pacing:
every user sends its next action as soon as the last one is answered (closed loop, the
server's capacity).
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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
from benchmarks.http_review import (
    CARDS,
    THREADS,
    WORKER_CLASS,
    WORKERS,
    Tally,
    answer,
    on_each_database,
    server_setup,
)
from prep.config import PROJECT_ROOT
from prep.db import make_engine
from prep.decks.check import check_decks
from prep.decks.sync import sync_decks
from prep.models import AttemptQuestion, Card, ReviewLog

USERS = int(os.environ.get("PREP_BENCH_LOAD_USERS", 50))
SECONDS = float(os.environ.get("PREP_BENCH_LOAD_SECONDS", 20))
RATE = float(os.environ.get("PREP_BENCH_LOAD_RATE", 330))
EXAM = "mla-c01"
# A person spends seconds on a card and a minute or more on an exam question; one exam
# answer per ten reviews is still far more exam traffic than that.
REVIEWS_PER_EXAM_ANSWER = 10
_ATTEMPT = re.compile(r"/attempts/(\d+)/q/1$")
_CHOICE = re.compile(r'name="choice" value="([^"]+)"')
_STEP = re.compile(r'name="place-([^"]+)"')  # an ordering item's steps, as first shown
_PROMPT = re.compile(r'name="match-([^"]+)"')  # a matching item's prompts
_ANSWER = re.compile(r'<option value="([^"]+)"')  # a matching item's answers
_COUNT = re.compile(r'data-count="(\d+)"')


def seed(url: str, users: int, decks: Path = PROJECT_ROOT / "decks") -> list[str]:
    """The decks (for the exam) and ``users`` users with CARDS new cards each."""
    engine = make_engine(url)
    fresh_schema(engine)
    now = datetime.now(UTC)
    with Session(engine) as session:
        sync_decks(session, check_decks(decks), now)
        session.commit()
    emails = study_group(engine, users, CARDS, now)
    engine.dispose()
    return emails


@dataclass
class Sitting:
    """One user's exam as the client saw it: the attempt and the answers acknowledged."""

    attempt_id: int
    questions: int
    position: int = 1
    acked: dict[int, list[str]] = field(default_factory=dict)


def start_exam(browser: Browser, exam: str = EXAM) -> Sitting:
    """Start a timed mock exam from its overview page; the attempt the server made."""
    browser.request("GET", f"/exams/{exam}")
    status, _ = browser.request("POST", f"/exams/{exam}/start", {
        "csrf_token": browser.token, "kind": "full", "mode": "exam", "allow_short": "1"})
    found = _ATTEMPT.search(browser.location or "")
    if status != 303 or found is None:
        raise RuntimeError(f"exam not started: {status} {browser.location}")
    _, page = browser.request("GET", browser.location)
    return Sitting(int(found.group(1)), int(_COUNT.search(page).group(1)))


def answer_question(browser: Browser, sitting: Sitting) -> None:
    """Open the next question and answer it as a hurried user would (saved as the page
    autosaves): the first option; an ordering's steps as shown; the first answer for every
    prompt of a matching."""
    path = f"/attempts/{sitting.attempt_id}/q/{sitting.position}"
    status, page = browser.request("GET", path)
    steps, prompts = _STEP.findall(page), _PROMPT.findall(page)
    choice: str | list[str]
    if steps:
        choice = steps
    elif prompts:
        choice = [_ANSWER.findall(page)[0]] * len(prompts)
    else:
        choice = _CHOICE.findall(page)[:1]
    if status != 200 or not choice:
        raise RuntimeError(f"question page: {status}")
    status, reply = browser.json(f"{path}/answer", {"csrf_token": browser.token,
                                                    "choice": choice})
    if status != 200 or not reply.get("saved"):
        raise RuntimeError(f"exam answer refused: {status} {reply}")
    sitting.acked[sitting.position] = reply["chosen"]
    sitting.position += 1


@dataclass
class Load:
    """Everything the simulated users saw."""

    reviews: Tally = field(default_factory=Tally)
    exam_latencies: list[float] = field(default_factory=list)
    sittings: list[Sitting] = field(default_factory=list)


def prepare(port: int, email: str, load: Load,
            exam: str = EXAM) -> tuple[Browser, Sitting] | None:
    """Log in and start an exam (before the timed window opens)."""
    browser = Browser(port)
    try:
        if not browser.log_in(email):
            raise RuntimeError("login failed")
        sitting = start_exam(browser, exam)
    except (OSError, RuntimeError) as error:
        load.reviews.failures.append(repr(error))
        browser.close()
        return None
    load.sittings.append(sitting)
    return browser, sitting


def study(prepared: tuple[Browser, Sitting] | None, deadline: float, load: Load,
          steps: int = 100_000, every: float = 0) -> None:
    """One user until the deadline: review, and after every few answers an exam question;
    one action every ``every`` seconds (0: each as soon as the last one is answered)."""
    if prepared is None:
        return
    browser, sitting = prepared
    try:
        _study(browser, sitting, deadline, load, steps, every)
    except OSError as error:
        load.reviews.failures.append(repr(error))
    finally:
        browser.close()


def _study(browser: Browser, sitting: Sitting, deadline: float, load: Load,
           steps: int, every: float) -> None:
    shown = browser.review_fields()
    # Users are out of step with each other: each starts at a random moment of its first
    # interval and at a random place in its review/exam cycle (in step, all fifty exam
    # questions would be asked within one interval).
    due = time.perf_counter() + random.uniform(0, every)
    cycle = REVIEWS_PER_EXAM_ANSWER + 1
    offset = random.randrange(cycle)
    for step in range(offset, offset + steps):
        if every:
            time.sleep(max(0.0, due - time.perf_counter()))
        if shown is None or time.perf_counter() >= deadline:
            break
        began = due if every else time.perf_counter()  # latency counts from when it was due
        due += every
        try:
            if step % cycle == REVIEWS_PER_EXAM_ANSWER \
                    and sitting.position <= sitting.questions:
                retried(lambda: answer_question(browser, sitting))
                load.exam_latencies.append((time.perf_counter() - began) * 1000)
                continue
            following = retried(lambda: answer(browser, shown))  # noqa: B023 - called at once
        except (OSError, RuntimeError, KeyError) as error:
            load.reviews.failures.append(repr(error))
            try:
                shown = browser.review_fields()  # as a reload would
            except OSError:
                time.sleep(0.05)
            continue
        load.reviews.answered(shown["review_uid"], began, time.perf_counter())
        shown = following


def check_database(url: str, load: Load) -> dict[str, bool]:
    """The database against what the clients were told (see the module docstring)."""
    engine = make_engine(url)
    with Session(engine) as session:
        stored = defaultdict(int)
        for review_uid, count in session.execute(
                select(ReviewLog.review_uid, func.count()).group_by(ReviewLog.review_uid)):
            stored[review_uid] = count
        logs = dict(session.execute(
            select(ReviewLog.card_id, func.count()).group_by(ReviewLog.card_id)).all())
        latest = dict(session.execute(
            select(ReviewLog.card_id, func.max(ReviewLog.reviewed_at))
            .group_by(ReviewLog.card_id)).all())
        cards = session.execute(select(Card.id, Card.reps, Card.last_review)).all()
        chosen = {(row.attempt_id, row.position): row.chosen for row in session.execute(
            select(AttemptQuestion.attempt_id, AttemptQuestion.position,
                   AttemptQuestion.chosen))}
    engine.dispose()
    acked = load.reviews.acked
    return {
        "acked reviews stored once": all(stored[uid] == 1 for uid in acked),
        "no review stored twice": all(count == 1 for count in stored.values()),
        "exam answers in attempts": all(
            sorted(chosen.get((sitting.attempt_id, position)) or []) == sorted(keys)
            for sitting in load.sittings for position, keys in sitting.acked.items()),
        "cards agree with logs": all(
            reps == logs.get(card_id, 0) and last_review == latest.get(card_id)
            for card_id, reps, last_review in cards),
    }


def step_interval(users: int, rate: float) -> float:
    """Seconds between one user's actions so that all together offer ``rate`` review answers
    per second (and their exam answers on top); 0 without pacing."""
    if rate <= 0:
        return 0.0
    actions_per_review = 1 + 1 / REVIEWS_PER_EXAM_ANSWER
    return users / (rate * actions_per_review)


def run(name: str, url: str) -> None:
    """Seed, serve, load, check; print one table row and the checks."""
    emails = seed(url, USERS)
    load = Load()
    cpu: dict[str, float] = {}

    def window_opens() -> None:
        cpu["server"], cpu["database"] = server.cpu_seconds(), postgres_cpu_seconds()
        cpu["client"] = time.process_time()

    with serving(url, workers=WORKERS, threads=THREADS, worker_class=WORKER_CLASS) as server:
        elapsed = run_users(lambda n: prepare(server.port, emails[n], load),
                            lambda prepared, deadline: study(prepared, deadline, load,
                                                             every=step_interval(USERS, RATE)),
                            USERS, SECONDS, on_start=window_opens)
        cpu["server"] = server.cpu_seconds() - cpu["server"]
        cpu["database"] = postgres_cpu_seconds() - cpu["database"] if name == "PostgreSQL" else 0
        cpu["client"] = time.process_time() - cpu["client"]
    reviews, exam = load.reviews.latencies, load.exam_latencies
    used = {part: 100 * seconds / elapsed for part, seconds in cpu.items()}  # % of one core
    checks = check_database(url, load)
    print(f"{name:<11} {USERS:>5} {len(reviews) / elapsed:>10.0f} "
          f"{percentile(reviews, 0.5):>8.1f} {percentile(reviews, 0.95):>8.1f} "
          f"{percentile(reviews, 0.99):>8.1f} {len(exam) / elapsed:>7.0f} "
          f"{percentile(exam, 0.95):>9.1f} {len(load.reviews.failures):>6} "
          f"{all(checks.values())!s:>7} {used['server']:>6.0f}% {used['database']:>6.0f}% "
          f"{used['client']:>6.0f}%")
    for check, passed in checks.items():
        if not passed:
            print(f"  FAILED: {check}")
    if load.reviews.failures:
        print("  first failures:", load.reviews.failures[:3])


def main() -> None:
    """Print the table."""
    offered = "no pacing (closed loop)"
    if RATE > 0:
        offered = (f"{RATE:.0f} review answers/s offered (one action per user every "
                   f"{1000 * step_interval(USERS, RATE):.0f} ms)")
    print(f"{USERS} users reviewing and sitting an exam over HTTP for {SECONDS:.0f} s, "
          f"{offered}: {server_setup()}")
    print(f"{'database':<11} {'users':>5} {'answers/s':>10} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'exam/s':>7} {'exam p95':>9} {'errors':>6} {'checks':>7} "
          f"{'server':>7} {'db':>7} {'client':>7}")
    print("(server, db, client: CPU used by gunicorn, by PostgreSQL and by the load client, in "
          "% of one core; the machine has two)")
    on_each_database(run)


if __name__ == "__main__":
    main()
