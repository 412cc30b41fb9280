"""Concurrent requests of one user (issue 14): unique-constraint races are answered as the
winner's result, a practice question is checked once, and answers racing a submit never
deadlock. The races are real: requests in threads released together by a barrier (on
SQLite the write lock serialises them; on PostgreSQL they overlap).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import OPEN, AttemptQuestion, Deck, ExamAttempt, Item, User
from tests.conftest import FrozenClock, csrf_token, log_in, post_form, refresh
from tests.web.test_exams import setup_exam, start

THREADS = 8


def logged_in_clients(app: Flask, user: User, count: int) -> list[FlaskClient]:
    """``count`` browsers of one user, each with its own login."""
    clients = [app.test_client() for _ in range(count)]
    for client in clients:
        log_in(client, user.email)
    return clients


def at_once(clients: list[FlaskClient],
            prepare: Callable[[FlaskClient, int], Callable[[], Any]]) -> list[Any]:
    """Each client prepares its request (``prepare(client, n)``, say reading a CSRF token),
    then sends it in a thread of its own, all released together; the responses (or the
    exceptions raised) in client order."""
    barrier = threading.Barrier(len(clients))
    results: list[Any] = [None] * len(clients)

    def run(n: int) -> None:
        send = prepare(clients[n], n)
        barrier.wait()
        try:
            results[n] = send()
        except Exception as error:  # reported by the assertions
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def form_post(path: str, fields: dict[str, str], **kwargs: Any):  # type: ignore[no-untyped-def]
    """A ``prepare`` for ``at_once``: a form post with the client's CSRF token."""
    def prepare(client: FlaskClient, _n: int) -> Callable[[], Any]:
        token = csrf_token(client)
        return lambda: client.post(path, data={"csrf_token": token, **fields}, **kwargs)
    return prepare


def statuses(results: list[Any]) -> list[Any]:
    return [getattr(result, "status_code", result) for result in results]


def test_parallel_exam_starts_open_one_attempt(app: Flask, session: Session, user: User,
                                               clock: FrozenClock) -> None:
    setup_exam(session, clock)
    results = at_once(logged_in_clients(app, user, THREADS), form_post(
        "/exams/alpha-one/start", {"kind": "full", "mode": "exam"}))
    assert statuses(results) == [303] * THREADS
    attempts = {re.search(r"/attempts/(\d+)", r.headers["Location"]).group(1) for r in results}
    assert len(attempts) == 1  # every request is answered with the winner's attempt
    refresh(session)
    assert session.scalar(select(func.count(ExamAttempt.id))) == 1


def test_a_custom_exam_mode_quiz_while_an_exam_is_open_resumes_that_exam(
        user_client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    setup_exam(session, clock)
    first = start(user_client)
    custom = post_form(user_client, "/exams/alpha-one/start",
                       {"kind": "custom", "mode": "exam", "count": "3", "domain": "1"})
    assert custom.status_code == 303
    assert re.search(r"/attempts/\d+", custom.headers["Location"]).group(0) == \
        re.search(r"/attempts/\d+", first).group(0)
    practice = post_form(user_client, "/exams/alpha-one/start",
                         {"kind": "custom", "mode": "practice", "count": "3", "domain": "1"})
    assert practice.status_code == 303  # practice quizzes are not limited to one
    refresh(session)
    assert session.scalar(select(func.count(ExamAttempt.id))
                          .where(ExamAttempt.status == OPEN)) == 2


def test_parallel_own_cards_into_a_new_deck_make_one_deck(
        app: Flask, session: Session, user: User) -> None:
    results = at_once(logged_in_clients(app, user, THREADS), form_post(
        "/cards/new", {"deck": "Brand new", "front": "F", "back": "B"}))
    assert statuses(results) == [303] * THREADS
    refresh(session)
    assert session.scalar(select(func.count(Deck.id)).where(Deck.owner_id == user.id)) == 1
    assert session.scalar(select(func.count(Item.id))) == THREADS


def _attempt_id(location: str) -> int:
    return int(re.search(r"/attempts/(\d+)", location).group(1))


def test_concurrent_practice_answers_check_a_question_once(
        app: Flask, session: Session, user: User, clock: FrozenClock) -> None:
    setup_exam(session, clock)
    clients = logged_in_clients(app, user, THREADS)
    attempt_id = _attempt_id(start(clients[0], mode="practice"))
    results = at_once(clients, form_post(f"/attempts/{attempt_id}/q/1/answer", {"choice": "a"},
                                         headers={"Accept": "application/json"}))
    assert sorted(statuses(results)) == [200] + [409] * (THREADS - 1), statuses(results)
    refused = [r.get_json()["error"] for r in results if r.status_code == 409]
    assert all("already checked" in message for message in refused), refused
    refresh(session)
    first = session.scalar(select(AttemptQuestion).where(
        AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == 1))
    assert first.chosen == ["a"] and first.correct is not None


def test_answers_racing_a_submit_are_stored_or_refused_never_a_deadlock(
        app: Flask, session: Session, user: User, clock: FrozenClock) -> None:
    setup_exam(session, clock)
    clients = logged_in_clients(app, user, 6)
    for _ in range(3):
        attempt_id = _attempt_id(start(clients[0]))
        # Clients 0-4 answer questions 1-5 while client 5 submits.
        senders = [form_post(f"/attempts/{attempt_id}/q/{n + 1}/answer", {"choice": "a"},
                             headers={"Accept": "application/json"}) for n in range(5)]
        senders.append(form_post(f"/attempts/{attempt_id}/submit", {"confirm": "yes"}))

        def send(client: FlaskClient, n: int, senders=senders):  # type: ignore[no-untyped-def]
            return senders[n](client, n)

        results = statuses(at_once(clients, send))
        assert results[5] == 303 and set(results[:5]) <= {200, 409}, results
        refresh(session)
        attempt = session.get(ExamAttempt, attempt_id)
        stored = session.scalar(select(func.count(AttemptQuestion.id)).where(
            AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.chosen.is_not(None)))
        assert attempt.status != OPEN and stored == results[:5].count(200)
