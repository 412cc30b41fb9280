"""The advisor's plan and page: the daily load against the simulator, one-click apply."""

from __future__ import annotations

from datetime import date, timedelta

import fsrs_rs_python as fsrs_rs
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from prep.config import PROJECT_ROOT
from prep.insight.simulation import SEED
from prep.models import Enrollment, User
from prep.skills.advisor import Profile
from prep.skills.plan import LAST_WEEK, SPANS_WEEKS, advise, new_per_day, plan_exam
from prep.study.enrollment import track_flashcards
from prep.study.scheduling import SchedulerSettings
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import load_decks


def simulated_minutes(user: User, cards: int, days: int) -> float:
    """The mean daily minutes straight from fsrs-rs, as the plan should have asked for."""
    config = fsrs_rs.default_simulator_config()
    config.deck_size, config.learn_span = cards, days
    config.learn_limit = max(1, -(-cards // (days - LAST_WEEK)))
    config.review_limit, config.max_ivl = 10_000, float(user.maximum_interval)
    config.learning_step_count = len(user.learning_steps)
    config.relearning_step_count = len(user.relearning_steps)
    result = fsrs_rs.simulate(list(SchedulerSettings.of(user).parameters),
                              user.desired_retention, config, SEED)
    return sum(result.cost_per_day) / 60 / days


@pytest.mark.parametrize("minutes", [8, 20, 60])
def test_plan_date_is_the_first_span_whose_simulated_load_fits(
        session: Session, user: User, clock: FrozenClock, minutes: int) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    tracks = ["foundations", "sagemaker"]
    cards = sum(len(track_flashcards(session, t)) for t in tracks)
    today = clock().date()
    plan = plan_exam(session, user, tracks, minutes, today)
    assert plan.cards == cards > 150
    assert plan.exam_date == today + timedelta(days=plan.days)
    assert plan.new_per_day == new_per_day(cards, plan.days)
    assert plan.mean_minutes == pytest.approx(simulated_minutes(user, cards, plan.days))
    assert plan.fits and plan.mean_minutes <= minutes
    shorter = [w * 7 for w in SPANS_WEEKS if w * 7 < plan.days]
    for days in shorter:  # every earlier date asks more than the daily minutes
        assert simulated_minutes(user, cards, days) > minutes
    if minutes == 8:
        assert plan.days > 28


def test_more_minutes_never_give_a_later_date(session: Session, user: User,
                                              clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    dates = [plan_exam(session, user, ["mlflow"], m, clock().date()).exam_date
             for m in (5, 10, 20, 40, 80)]
    assert dates == sorted(dates, reverse=True)
    with pytest.raises(ValueError):
        plan_exam(session, user, ["mlflow"], 2, clock().date())


def test_advise_uses_the_latest_skills_check_and_lists_foundation_decks(
        session: Session, user: User, clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    found = advise(session, user, Profile("none", 0, "classical"), 30, clock().date())
    assert found.advice.goal.id == "databricks-ml-associate"
    assert found.advice.tracks == ["foundations", "mlflow"]
    assert [deck.slug for deck in found.decks] == [
        "foundations/linear-algebra", "foundations/calculus",
        "foundations/probability-statistics"]


def test_the_advisor_page_and_one_click_apply(user_client: FlaskClient, session: Session,
                                              user: User, clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    page = user_client.get("/advisor").get_data(as_text=True)
    assert "skills check" in page and 'id="advisor-form"' in page
    query = {"cloud": "azure", "years": "2", "lean": "deep", "minutes": "30"}
    advice = user_client.get("/advisor", query_string=query)
    text = advice.get_data(as_text=True)
    assert advice.status_code == 200
    assert "Aim for AI-103" in text and "It replaces AI-102" in text
    assert "AI-102:" not in text
    assert "For practice only" in text  # the closed TensorFlow track, for a deep lean
    bad = user_client.get("/advisor", query_string={**query, "years": "lots"})
    assert bad.status_code == 422 and "as a number" in bad.get_data(as_text=True)
    assert user_client.get("/advisor", query_string={**query, "cloud": "mars"}
                           ).status_code == 422
    response = post_form(user_client, "/advisor/apply", query)
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard")
    refresh(session)
    enrolled = {e.track_id: e.exam_date for e in session.query(Enrollment).filter_by(
        user_id=user.id)}
    assert set(enrolled) == {"azure-ai"}
    assert isinstance(enrolled["azure-ai"], date) and enrolled["azure-ai"] > clock().date()
    refused = post_form(user_client, "/advisor/apply", {**query, "minutes": "0"})
    assert refused.status_code == 303
