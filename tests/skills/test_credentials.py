"""Credentials: expiry from the exam's validity or the user's date, 90-day warnings on the
dashboard, the next credential, bad input and isolation; the clock is frozen."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.config import PROJECT_ROOT
from prep.models import Credential, Exam, User
from prep.skills.credentials import (
    EXPIRED,
    EXPIRING,
    UNKNOWN,
    VALID,
    add_years,
    credential_statuses,
    state_on,
)
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import load_decks

# The clock fixture stands at 2026-03-02.


def test_add_years_keeps_the_day_or_falls_back_to_28_february() -> None:
    assert add_years(date(2024, 5, 31), 3) == date(2027, 5, 31)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


@pytest.mark.parametrize(("expires", "state"), [
    (None, UNKNOWN), (date(2026, 3, 1), EXPIRED), (date(2026, 3, 2), EXPIRING),
    (date(2026, 5, 30), EXPIRING), (date(2026, 5, 31), EXPIRING), (date(2026, 6, 1), VALID),
])
def test_warning_starts_90_days_ahead(expires: date | None, state: str) -> None:
    assert state_on(expires, date(2026, 3, 2)) == state


def add(client: FlaskClient, exam: str, passed: str, expires: str = ""):  # type: ignore[no-untyped-def]
    return post_form(client, "/credentials",
                     {"exam": exam, "passed_on": passed, "expires_on": expires})


def test_expiry_warnings_and_next_credential_over_http(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    assert add(user_client, "mla-c01", "2023-04-15").status_code == 303  # 3 years: 2026-04-15
    assert add(user_client, "databricks-ml-associate", "2025-01-10").status_code == 303
    assert add(user_client, "ai-102", "2024-01-20", "2025-01-20").status_code == 303
    assert add(user_client, "mls-c01", "2022-06-01").status_code == 303  # no validity in file
    statuses = {s.credential.exam_id: s for s in credential_statuses(
        session, session.get(User, user.id), clock().date())}
    mla = statuses["mla-c01"]
    assert (mla.expires_on, mla.state, mla.days_left) == (date(2026, 4, 15), EXPIRING, 44)
    assert mla.expiry_source == "3 years' validity"
    assert mla.next_exam is None  # AWS has no professional exam in prep
    dbx = statuses["databricks-ml-associate"]
    assert (dbx.expires_on, dbx.state) == (date(2027, 1, 10), VALID)
    ai102 = statuses["ai-102"]
    assert (ai102.expires_on, ai102.expiry_source, ai102.state) == (
        date(2025, 1, 20), "given", EXPIRED)
    assert ai102.next_exam.id == "ai-103" and "succeeds" in ai102.next_reason
    mls = statuses["mls-c01"]
    assert (mls.expires_on, mls.state, mls.next_exam.id) == (None, UNKNOWN, "mla-c01")
    dashboard = user_client.get("/dashboard").get_data(as_text=True)
    assert "Expires on 2026-04-15, in 44 days: renew it." in dashboard
    assert "Expired on 2025-01-20." in dashboard
    assert 'href="/tracks/azure-ai">AI-103</a>' in dashboard
    clock.advance(days=60)  # after the expiry (and after a login's 30-day lifetime)
    log_in(user_client, user.email)
    assert "Expired on 2026-04-15." in user_client.get("/dashboard").get_data(as_text=True)


def test_professional_after_an_associate_of_the_same_vendor(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    for exam in session.scalars(select(Exam)):
        if exam.id == "pmle":
            exam.vendor = "Google Cloud"
        if exam.id == "databricks-ml-associate":
            exam.vendor = "Google Cloud"  # pretend: an associate of PMLE's vendor
    session.commit()
    add(user_client, "databricks-ml-associate", "2025-01-10")
    status = credential_statuses(session, session.get(User, user.id), clock().date())[0]
    assert status.next_exam.id == "pmle" and "professional level" in status.next_reason


@pytest.mark.parametrize(("fields", "message"), [
    (("foundations", "2025-01-01", ""), "Choose a certification exam."),
    (("no-such", "2025-01-01", ""), "Choose a certification exam."),
    (("mla-c01", "", ""), "Enter the date you passed"),
    (("mla-c01", "yesterday", ""), "Enter the date passed as YYYY-MM-DD."),
    (("mla-c01", "2027-01-01", ""), "must be a past date"),
    (("mla-c01", "2025-01-01", "2024-01-01"), "must come after the date passed"),
    (("mla-c01", "2025-01-01", "soon"), "Enter the expiry date as YYYY-MM-DD."),
])
def test_bad_input_is_422_and_stores_nothing(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock,
        fields: tuple[str, str, str], message: str) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    response = add(user_client, *fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    refresh(session)
    assert session.scalar(select(Credential.id)) is None


def test_a_repeat_is_refused_and_another_users_credential_is_404(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    load_decks(session, clock(), PROJECT_ROOT / "decks")
    assert add(user_client, "pmle", "2025-05-05").status_code == 303
    again = add(user_client, "pmle", "2025-05-05")
    assert again.status_code == 422 and "already recorded" in again.get_data(as_text=True)
    refresh(session)
    own = session.scalar(select(Credential.id))
    assert post_form(user_client, f"/credentials/{own + 1000}/delete", {}).status_code == 404
    assert post_form(user_client, f"/credentials/{own}/delete", {}).status_code == 303
    refresh(session)
    assert session.scalar(select(Credential.id)) is None
