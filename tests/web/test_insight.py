"""Settings for insight: exam dates, FSRS optimisation preview and confirm, workload."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.synthetic import prep_answers, record, simulate
from prep.models import Card, Enrollment, User
from prep.study.scheduling import SchedulerSettings
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import enrolled_user, in_review


def test_exam_date_errors_show_next_to_the_field(client: FlaskClient, session: Session,
                                                 clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    log_in(client, user.email)
    response = post_form(client, "/settings/exam-dates", {"exam_date_alpha": "next week"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="exam_date_alpha-error"[^>]*>Enter a date as YYYY-MM-DD', page)
    assert 'value="next week"' in page
    refresh(session)
    assert session.get(Enrollment, (user.id, "alpha")).exam_date is None


def test_an_exam_date_inside_the_window_brings_cards_forward(
        client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    in_review(session, user, clock())
    log_in(client, user.email)
    exam_day = (clock() + timedelta(days=2)).date()
    response = post_form(client, "/settings/exam-dates", {"exam_date_alpha": exam_day.isoformat()})
    assert response.status_code == 303
    refresh(session)
    assert session.get(Enrollment, (user.id, "alpha")).exam_date == exam_day
    dues = {card.due.date() for card in session.scalars(select(Card).where(
        Card.user_id == user.id))}
    assert dues == {clock().date(), (clock() + timedelta(days=1)).date()}
    page = client.get("/dashboard").get_data(as_text=True)
    assert f"Exam date: <strong>{exam_day.isoformat()}</strong>" in page
    assert 'data-testid="plan-alpha"' in page


def test_optimising_with_too_little_history_says_so(user_client: FlaskClient) -> None:
    response = post_form(user_client, "/settings/fsrs/preview", {})
    assert response.status_code == 422
    assert "Optimising needs at least 64 answers" in response.get_data(as_text=True)


def test_preview_then_confirm_stores_parameters_once(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    reviews = simulate(600, clock() - timedelta(days=240), 240,
                       prep_answers(SchedulerSettings.of(user)))
    record(session, user, reviews, clock())
    session.commit()
    response = post_form(user_client, "/settings/fsrs/preview", {})
    # POST, redirect, GET: the result's address is a GET that a reload shows again.
    assert response.status_code == 303 and response.location == "/settings/fsrs/preview"
    page = user_client.get("/settings/fsrs/preview").get_data(as_text=True)
    assert "would move by a day or more" in page
    assert user_client.get("/settings/fsrs/preview").get_data(as_text=True) == page
    refresh(session)
    assert session.get(User, user.id).fsrs_parameters is None  # a preview stores nothing
    parameters = re.search(r'name="parameters" value="([^"]+)"', page).group(1)
    parameters = json.loads(parameters.replace("&#34;", '"'))
    response = post_form(user_client, "/settings/fsrs/apply",
                         {"parameters": json.dumps(parameters)}, follow_redirects=True)
    assert "New FSRS parameters saved" in response.get_data(as_text=True)
    refresh(session)
    assert session.get(User, user.id).fsrs_parameters == parameters
    gone = user_client.get("/settings/fsrs/preview")  # applied: the preview is spent
    assert gone.status_code == 303 and gone.location.endswith("/settings#optimise")
    again = post_form(user_client, "/settings/fsrs/apply", {"parameters": json.dumps(parameters)},
                      follow_redirects=True)
    assert "do not predict your history better" in again.get_data(as_text=True)
    broken = post_form(user_client, "/settings/fsrs/apply", {"parameters": "[1, 2]"},
                       follow_redirects=True)
    assert "incomplete" in broken.get_data(as_text=True)


def test_workload_compares_three_retentions(user_client: FlaskClient) -> None:
    page = user_client.get("/settings/workload").get_data(as_text=True)
    assert page.count("<polyline") == 3
    assert "0.9 (yours)" in page and "0.85" in page and "0.94" in page


def test_cli_optimize_reports_and_applies(runner, session: Session, user: User,  # type: ignore[no-untyped-def]
                                          clock: FrozenClock) -> None:
    result = runner.invoke(args=["fsrs", "optimize", "--user", user.email])
    assert result.exit_code == 1 and "at least 64 answers" in result.output
    record(session, user, simulate(600, clock() - timedelta(days=240), 240,
                                   prep_answers(SchedulerSettings.of(user))), clock())
    session.commit()
    declined = runner.invoke(args=["fsrs", "optimize", "--user", user.email], input="n\n")
    assert declined.exit_code == 0 and declined.output.rstrip().endswith("unchanged")
    assert "log loss" in declined.output and "cards would move" in declined.output
    applied = runner.invoke(args=["fsrs", "optimize", "--user", user.email, "--yes"])
    assert applied.exit_code == 0, applied.output
    assert "saved;" in applied.output
    refresh(session)
    assert session.get(User, user.id).fsrs_parameters is not None


def test_the_review_page_opens_the_exam_window_when_it_starts(
        client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    user = enrolled_user(session, clock())
    in_review(session, user, clock())
    log_in(client, user.email)
    exam_day = (clock() + timedelta(days=10)).date()
    post_form(client, "/settings/exam-dates", {"exam_date_alpha": exam_day.isoformat()})
    assert 'id="done"' in client.get("/review").get_data(as_text=True)  # window not open yet
    refresh(session)
    assert min(c.due for c in session.scalars(select(Card))) > clock() + timedelta(days=30)
    clock.advance(days=3)  # the first day of the window
    assert client.get("/review").status_code == 200
    refresh(session)
    dues = sorted(c.due for c in session.scalars(select(Card)))
    assert clock().date() <= dues[0].date() and dues[-1].date() < exam_day
