"""Home and track pages: tracks with exam status, choosing what to study."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.decks.catalog import track_summaries
from prep.models import Card, Enrollment, User
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import FIXTURE_DECKS, KINDS_DECKS, date_fixture_items, load_decks


def test_home_lists_tracks_with_status(client: FlaskClient, session: Session,
                                       clock: FrozenClock) -> None:
    load_decks(session, clock())
    page = client.get("/").get_data(as_text=True)
    assert page.index("Alpha") < page.index("Beta")
    assert "Active" in page and "Retired 2025-01-31" in page
    assert "2 flashcards · 2 exam questions" in page and "1 flashcards · 0 exam" in page
    assert 'name="track"' not in page  # anonymous visitors cannot enrol


def test_choosing_tracks_creates_cards_and_can_be_undone(
    user_client: FlaskClient, session: Session, clock: FrozenClock, user: User
) -> None:
    load_decks(session, clock())
    response = post_form(user_client, "/tracks", {"track": ["alpha", "beta"]})
    assert response.status_code == 302
    cards = select(func.count(Card.id)).where(Card.user_id == user.id)
    assert session.scalar(cards) == 3  # the flashcards of both tracks
    post_form(user_client, "/tracks", {"track": ["beta"]})
    refresh(session)
    assert session.scalars(select(Enrollment.track_id)).all() == ["beta"]
    assert session.scalar(cards) == 3  # leaving a track keeps its cards and history
    page = user_client.get("/").get_data(as_text=True)
    assert "You now study 1 track." in page


def test_unknown_track_is_a_clear_400(user_client: FlaskClient, session: Session,
                                      clock: FrozenClock) -> None:
    load_decks(session, clock())
    response = post_form(user_client, "/tracks", {"track": ["alpha", "nope"]})
    assert response.status_code == 400
    assert "unknown track: nope" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_track_page_shows_blueprint_and_retirement_notice(
    client: FlaskClient, session: Session, clock: FrozenClock
) -> None:
    load_decks(session, clock())
    page = client.get("/tracks/beta").get_data(as_text=True)
    assert "This exam was retired on 2025-01-31." in page
    assert "40–60% (50.0)" in page
    alpha = client.get("/tracks/alpha").get_data(as_text=True)
    assert "720 on 100–1000" in alpha and "10 minutes" in alpha and "retired" not in alpha
    assert client.get("/tracks/nope").status_code == 404


def test_track_page_shows_how_current_the_content_is(
    client: FlaskClient, session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    date_fixture_items(root, {"al-q001": "2026-11", "al-q002": "2025-02", "al-c002": "2026-05"})
    exam = root / "alpha" / "alpha-one.exam.yaml"
    exam.write_text(exam.read_text().replace("status: active\n",
                                             "status: active\nstatus_note: beta exam\n"))
    load_decks(session, clock(), root)
    page = client.get("/tracks/alpha").get_data(as_text=True)
    assert ("Facts checked against the documentation: newest 2026-11, median 2026-05, "
            "oldest 2025-02 (1 of 4 items not yet dated).") in page
    assert '<span class="hint">beta exam</span>' in page
    assert "content-checked" not in client.get("/tracks/beta").get_data(as_text=True)


def test_practice_blueprint_shows_no_certification(
    user_client: FlaskClient, session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    exam = root / "beta" / "beta-one.exam.yaml"
    exam.write_text(exam.read_text().replace("status: retired\nretired_on: 2025-01-31\n",
                                             "status: practice\nunverified: [pass]\n"))
    load_decks(session, clock(), root)
    home = user_client.get("/").get_data(as_text=True)
    assert '<span class="badge badge-practice">Practice — no certification</span>' in home
    page = user_client.get("/tracks/beta").get_data(as_text=True)
    assert "Practice — no certification" in page and 'id="practice-note"' in page
    assert "<dt>Target score</dt>" in page and "Pass mark" not in page
    assert "prep's own choices, configurable in the deck files: pass." in page
    assert "Not verified against an official source" not in page
    assert "retired on" not in page and "2025-01-31" not in page and "None" not in page
    overview = user_client.get("/exams/beta-one").get_data(as_text=True)
    assert "Practice — no certification" in overview and "Target score: 70%" in overview
    assert "The target score is 70%." in overview and "pass mark" not in overview.lower()
    # A real exam keeps its pass mark and shows no practice wording.
    alpha = user_client.get("/tracks/alpha").get_data(as_text=True)
    assert "<dt>Pass mark</dt>" in alpha and "Practice" not in alpha


def test_counts_are_of_answerable_items_never_of_cases_or_series(
        client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    load_decks(session, clock(), KINDS_DECKS)
    (gamma,) = track_summaries(session, track_id="gamma")
    # 1 question, 2 orderings (one in the case), 1 matching, 1 case question, 3 solutions.
    assert (gamma.cards, gamma.questions) == (0, 8)
    assert "0 flashcards · 8 exam questions" in client.get("/").get_data(as_text=True)
