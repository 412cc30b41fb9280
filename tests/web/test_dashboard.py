"""The dashboard page: charts with their numbers, only for the logged-in user."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from prep.models import User
from prep.study.review import answer_card
from tests.conftest import FrozenClock
from tests.factories import add_flashcards, enrolled_user


def test_dashboard_needs_a_login(client: FlaskClient) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_dashboard_shows_todays_reviews_in_the_heatmap(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    card_ids = add_flashcards(session, user, 3, clock())
    answer_card(session, user, card_ids[0], 3, "first-answer", 0, clock(), 5000)
    session.commit()
    page = user_client.get("/dashboard").get_data(as_text=True)
    assert page.count('class="day ') == 365
    assert page.count('data-count="1"') == 1
    assert "1 review in the last 365 days; busiest day 1." in page
    assert '<span class="stat-value count-new" data-testid="due-new">2</span>' in page
    assert '<span class="stat-value" data-testid="streak">1</span>' in page


def test_dashboard_shows_readiness_of_studied_tracks(client: FlaskClient, session: Session,
                                                     clock: FrozenClock) -> None:
    from tests.conftest import log_in

    user = enrolled_user(session, clock())
    log_in(client, user.email)
    clock.advance(days=1)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="track-alpha"' in page
    assert "No graded mock exam yet." in page
    assert page.count('class="bar"') == 30
    assert f"<td>{clock().date().isoformat()}</td>" in page  # the forecast starts today
