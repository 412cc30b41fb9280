"""Exam pages: start, answer, flag, review, submit, report; clock and isolation over HTTP."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import GRADED, Exam, ExamAttempt, User
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import PASSWORD, make_question_bank


def setup_exam(session: Session, clock: FrozenClock, count: int = 5) -> None:
    make_question_bank(session, clock(), {1: 12, 2: 8})
    exam = session.get(Exam, "alpha-one")
    exam.question_count, exam.minutes = count, 10
    session.commit()


def start(client: FlaskClient, **fields) -> str:  # type: ignore[no-untyped-def]
    response = post_form(client, "/exams/alpha-one/start", {"kind": "full", "mode": "exam",
                                                           **fields})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_full_flow_over_http(user_client: FlaskClient, session: Session, user: User,
                             clock: FrozenClock) -> None:
    setup_exam(session, clock)
    location = start(user_client)
    attempt_id = int(re.search(r"/attempts/(\d+)/q/1", location).group(1))
    page = user_client.get(location).get_data(as_text=True)
    assert 'data-remaining="600"' in page and "Question 1 of 5" in page
    keys = re.findall(r'name="choice" value="([a-f])"', page)
    saved = post_form(user_client, f"/attempts/{attempt_id}/q/1/answer", {"choice": keys[0]},
                      headers={"Accept": "application/json"})
    assert saved.status_code == 200 and saved.json["saved"] is True
    assert post_form(user_client, f"/attempts/{attempt_id}/q/2/flag", {}).status_code == 303
    clock.advance(minutes=3)
    page = user_client.get(f"/attempts/{attempt_id}/q/2").get_data(as_text=True)
    assert 'data-remaining="420"' in page  # a reload shows the server's time
    review = user_client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Unanswered (4)" in review and "Flagged (1)" in review  # the filter buttons
    assert "4 unanswered · 1 flagged" in review
    unconfirmed = post_form(user_client, f"/attempts/{attempt_id}/submit", {})
    assert unconfirmed.status_code == 303 and "/review" in unconfirmed.headers["Location"]
    done = post_form(user_client, f"/attempts/{attempt_id}/submit", {"confirm": "yes"},
                     follow_redirects=True)
    report = done.get_data(as_text=True)
    assert "By domain" in report and "Scaled score" in report and "your answer" in report
    refresh(session)
    assert session.get(ExamAttempt, attempt_id).status == GRADED
    again = post_form(user_client, f"/attempts/{attempt_id}/submit", {"confirm": "yes"})
    assert again.status_code == 303  # a double submit changes nothing
    late = post_form(user_client, f"/attempts/{attempt_id}/q/3/answer", {"choice": "a"},
                     headers={"Accept": "application/json"})
    assert late.status_code == 409


def test_deadline_refuses_late_answers(user_client: FlaskClient, session: Session,
                                       clock: FrozenClock) -> None:
    setup_exam(session, clock)
    location = start(user_client)
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))
    clock.advance(minutes=10, seconds=1)
    late = post_form(user_client, f"/attempts/{attempt_id}/q/1/answer", {"choice": "a"},
                     headers={"Accept": "application/json"})
    assert late.status_code == 409 and "Time is up" in late.json["error"]
    refresh(session)
    attempt = session.get(ExamAttempt, attempt_id)
    assert attempt.status == GRADED and attempt.correct_count == 0


def test_one_open_exam_is_resumed(user_client: FlaskClient, session: Session,
                                  clock: FrozenClock) -> None:
    setup_exam(session, clock)
    first = start(user_client)
    second = start(user_client)
    assert re.search(r"/attempts/(\d+)", first).group(1) == re.search(
        r"/attempts/(\d+)", second).group(1)
    overview = user_client.get("/exams/alpha-one").get_data(as_text=True)
    assert 'id="resume"' in overview


def test_small_pool_is_explained(user_client: FlaskClient, session: Session,
                                 clock: FrozenClock) -> None:
    setup_exam(session, clock, count=50)
    response = post_form(user_client, "/exams/alpha-one/start", {"kind": "full", "mode": "exam"},
                         follow_redirects=True)
    assert "fewer than the 50 asked for" in response.get_data(as_text=True)
    assert session.scalars(select(ExamAttempt)).all() == []


def test_bad_input_is_4xx(user_client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    setup_exam(session, clock)
    location = start(user_client)
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))
    json = {"Accept": "application/json"}
    assert post_form(user_client, f"/attempts/{attempt_id}/q/1/answer", {"choice": "zz"},
                     headers=json).status_code == 422
    assert post_form(user_client, f"/attempts/{attempt_id}/q/99/answer", {"choice": "a"},
                     headers=json).status_code == 404
    assert user_client.get(f"/attempts/{attempt_id}/q/0").status_code == 404
    assert user_client.get("/exams/nope").status_code == 404
    assert post_form(user_client, "/exams/alpha-one/start", {"kind": "custom", "count": "x",
                                                             "mode": "weird"}).status_code == 303


def test_other_users_attempts_are_404(client: FlaskClient, user_client: FlaskClient,
                                      session: Session, clock: FrozenClock) -> None:
    setup_exam(session, clock)
    location = start(user_client)
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))
    other = client.application.test_client()
    post_form(other, "/register", {"email": "mallory@example.com", "password": PASSWORD,
                                   "confirm": PASSWORD})
    for path in (f"/attempts/{attempt_id}", f"/attempts/{attempt_id}/q/1",
                 f"/attempts/{attempt_id}/review", f"/attempts/{attempt_id}/report",
                 f"/attempts/{attempt_id}/clock"):
        assert other.get(path).status_code == 404, path
    for path in (f"/attempts/{attempt_id}/q/1/answer", f"/attempts/{attempt_id}/q/1/flag",
                 f"/attempts/{attempt_id}/submit"):
        assert post_form(other, path, {"choice": "a", "confirm": "yes"}).status_code == 404, path
    refresh(session)
    assert session.get(ExamAttempt, attempt_id).status == "open"


def test_track_page_shows_readiness(user_client: FlaskClient, session: Session,
                                    clock: FrozenClock) -> None:
    setup_exam(session, clock)
    page = user_client.get("/tracks/alpha").get_data(as_text=True)
    assert "Readiness by domain" in page and "pass mark is 69%" in page


def test_practice_blueprint_reports_a_target_not_a_pass(
    user_client: FlaskClient, session: Session, clock: FrozenClock
) -> None:
    setup_exam(session, clock)
    session.get(Exam, "alpha-one").status = "practice"  # prep's own blueprint
    session.commit()
    attempt_id = int(re.search(r"/attempts/(\d+)/", start(user_client)).group(1))
    report = post_form(user_client, f"/attempts/{attempt_id}/submit", {"confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert 'id="result">Below target</p>' in report  # nothing answered: 0%
    assert "Practice — no certification" in report and "Fail" not in report
    overview = user_client.get("/exams/alpha-one").get_data(as_text=True)
    assert "<td>Below target</td>" in overview and "<td>Fail</td>" not in overview
