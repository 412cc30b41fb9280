"""Reporting a problem with a question or flashcard: stored once while open, seen as
received, listed for admins with counts and resolvable; bad input is a 4xx; rate-limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep import reports
from prep.accounts import delete_account
from prep.models import Card, Deck, ExamAttempt, Item, ItemReport, User
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import (
    PASSWORD,
    add_flashcards,
    enrolled_user,
    load_decks,
    make_user,
    studied_user,
)

URL = "/items/al-q001/report"


def count(session: Session, **where: object) -> int:
    refresh(session)
    query = select(func.count()).select_from(ItemReport)
    for name, value in where.items():
        query = query.where(getattr(ItemReport, name) == value)
    return session.scalar(query)


@pytest.fixture
def decks(session: Session, clock: FrozenClock) -> None:
    load_decks(session, clock())


@pytest.fixture
def admin_client(app: Flask, session: Session, clock: FrozenClock) -> FlaskClient:
    admin = make_user(session, clock(), "root@example.com")
    admin.is_admin = True
    session.commit()
    client = app.test_client()
    log_in(client, admin.email)
    return client


def test_a_report_is_stored_and_the_user_sees_it_was_received(
        user_client: FlaskClient, session: Session, decks: None, user: User) -> None:
    form = user_client.get(URL + "?next=/cards").get_data(as_text=True)
    assert "Report a problem with this question" in form and 'name="reason"' in form
    response = post_form(user_client, URL, {"reason": "wrong_answer", "next": "/cards",
                                            "comment": "  The key should be b.  "})
    assert response.status_code == 303
    page = user_client.get(response.location).get_data(as_text=True)
    assert "Thank you: your report was received." in page
    assert "Received: you reported this question on 2026-03-02 09:00 UTC" in page
    assert 'href="/cards"' in page and 'name="reason"' not in page
    report = session.scalars(select(ItemReport)).one()
    assert (report.user_id, report.item.uid, report.reason, report.comment) == (
        user.id, "al-q001", "wrong_answer", "The key should be b.")
    assert report.resolved_at is None


def test_one_open_report_per_user_and_item(
        app: Flask, user_client: FlaskClient, admin_client: FlaskClient, session: Session,
        clock: FrozenClock, decks: None) -> None:
    assert post_form(user_client, URL, {"reason": "typo"}).status_code == 303
    again = post_form(user_client, URL, {"reason": "outdated", "comment": "Renamed."})
    assert again.status_code == 409
    assert "Received: you reported this question" in again.get_data(as_text=True)
    assert count(session) == 1
    other = app.test_client()  # another user may report the same item
    make_user(session, clock(), "bo@example.com")
    log_in(other, "bo@example.com")
    assert post_form(other, URL, {"reason": "typo"}).status_code == 303
    first = session.scalars(select(ItemReport).order_by(ItemReport.id)).first()
    clock.advance(minutes=20)  # within an admin's idle timeout (30 minutes)
    assert post_form(admin_client, f"/admin/reports/{first.id}/resolve", {}).status_code == 303
    # Resolved: the user may report the item again.
    assert post_form(user_client, URL, {"reason": "outdated",
                                        "comment": "Renamed."}).status_code == 303
    assert (count(session), count(session, resolved_at=None)) == (3, 2)


def test_the_database_holds_one_open_report_even_when_the_check_is_raced(
        session: Session, clock: FrozenClock, decks: None, user: User) -> None:
    item = reports.shared_item(session, "al-q001")
    session.add(ItemReport(item_id=item.id, user_id=user.id, reason="typo", comment="",
                           created_at=clock()))
    session.commit()
    session.add(ItemReport(item_id=item.id, user_id=user.id, reason="other", comment="x",
                           created_at=clock()))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    with pytest.raises(reports.AlreadyReported):
        reports.report_problem(session, user, item, "other", "again", clock())


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose what is wrong with the item."),
        ({"reason": "boring"}, "Choose what is wrong with the item."),
        ({"reason": "other", "comment": "   "}, "Say in the comment what is wrong."),
        ({"reason": "typo", "comment": "x" * 2001}, "Keep the comment under 2000 characters."),
    ],
)
def test_bad_reports_are_422_and_store_nothing(
        user_client: FlaskClient, session: Session, decks: None, form: dict[str, str],
        message: str) -> None:
    response = post_form(user_client, URL, form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert count(session) == 0


def test_own_cards_retired_and_unknown_items_cannot_be_reported(
        user_client: FlaskClient, session: Session, clock: FrozenClock, decks: None) -> None:
    owner = make_user(session, clock(), "kim@example.com")
    add_flashcards(session, owner, 1, clock())
    own_uid = session.scalar(select(Item.uid).where(Item.uid.startswith("own-")))
    retired = reports.shared_item(session, "al-c001")
    retired.retired_at = clock()
    session.commit()
    for uid in (own_uid, "al-c001", "nope"):
        assert user_client.get(f"/items/{uid}/report").status_code == 404, uid
        assert post_form(user_client, f"/items/{uid}/report",
                         {"reason": "typo"}).status_code == 404, uid
    assert count(session) == 0


def test_admins_see_counts_per_item_and_resolve(
        app: Flask, admin_client: FlaskClient, user_client: FlaskClient, session: Session,
        clock: FrozenClock, decks: None) -> None:
    post_form(user_client, URL, {"reason": "wrong_answer", "comment": "<b>b</b> is right"})
    post_form(user_client, "/items/al-c002/report", {"reason": "typo"})
    other = app.test_client()
    make_user(session, clock(), "bo@example.com")
    log_in(other, "bo@example.com")
    post_form(other, URL, {"reason": "wrong_answer"})
    assert user_client.get("/admin/reports").status_code == 404  # not an admin
    listing = admin_client.get("/admin/reports").get_data(as_text=True)
    assert listing.count('data-testid="report-row"') == 2
    assert listing.index("al-q001") < listing.index("al-c002")  # most open reports first
    assert "The marked answer is wrong: 2" in listing
    detail = admin_client.get("/admin/reports/items/al-q001").get_data(as_text=True)
    assert detail.count('data-testid="item-report"') == 2
    assert "&lt;b&gt;b&lt;/b&gt; is right" in detail  # comments are escaped
    report_id = session.scalar(select(ItemReport.id).where(ItemReport.comment != ""))
    clock.advance(minutes=20)  # within an admin's idle timeout (30 minutes)
    resolved = post_form(admin_client, f"/admin/reports/{report_id}/resolve", {})
    assert resolved.status_code == 303 and resolved.location.endswith("/items/al-q001")
    assert post_form(admin_client, f"/admin/reports/{report_id}/resolve", {}).status_code == 303
    report = session.get(ItemReport, report_id)
    refresh(session)
    assert report.resolved_at == clock() and report.resolved_by.email == "root@example.com"
    summary = {s.item.uid: (s.open, s.total) for s in reports.report_summaries(session)}
    assert summary == {"al-q001": (1, 2), "al-c002": (1, 1)}
    assert post_form(admin_client, "/admin/reports/999999/resolve", {}).status_code == 404
    assert admin_client.get("/admin/reports/items/nope").status_code == 404


def test_report_links_on_the_review_screen_the_card_page_and_the_exam_report(
        app: Flask, session: Session, clock: FrozenClock) -> None:
    lea = enrolled_user(session, clock())  # studies the fixture track's shared cards only
    client = app.test_client()
    log_in(client, lea.email)
    review = client.get("/review").get_data(as_text=True)
    assert 'class="report-link">Report a problem</a>' in review and "report?next=/review" in review
    kim = studied_user(session, clock(), "kim@example.com")
    log_in(client, kim.email)
    shared, own = (session.scalar(select(Card.id).join(Item).join(Deck).where(
        Card.user_id == kim.id, condition)) for condition in (Deck.owner_id.is_(None),
                                                               Deck.owner_id == kim.id))
    assert "Report a problem with this" in client.get(f"/cards/{shared}").get_data(as_text=True)
    assert "Report a problem" not in client.get(f"/cards/{own}").get_data(as_text=True)
    attempt = session.scalar(select(ExamAttempt.id).where(ExamAttempt.user_id == kim.id))
    report = client.get(f"/attempts/{attempt}/report").get_data(as_text=True)
    assert report.count("Report a problem with this question") == 4
    assert f"report?next=/attempts/{attempt}/report%23q1" in report


def test_reports_are_rate_limited_per_user(
        app: Flask, user_client: FlaskClient, session: Session, decks: None) -> None:
    app.config["PREP_REPORT_LIMIT"] = "2 per hour"
    statuses = [post_form(user_client, f"/items/{uid}/report", {"reason": "typo"}).status_code
                for uid in ("al-q001", "al-q002", "al-c001")]
    assert statuses == [303, 303, 429]
    assert count(session) == 2


def test_deleting_an_account_removes_its_reports_and_keeps_resolved_ones(
        session: Session, clock: FrozenClock, decks: None) -> None:
    lea = enrolled_user(session, clock())
    admin = make_user(session, clock(), "root@example.com")
    item = reports.shared_item(session, "al-q001")
    kept = reports.report_problem(session, make_user(session, clock(), "bo@example.com"),
                                  item, "typo", "", clock())
    reports.report_problem(session, lea, item, "typo", "", clock())
    reports.resolve_report(kept, admin, clock() + timedelta(hours=1))
    session.commit()
    delete_account(session, lea, PASSWORD)
    delete_account(session, admin, PASSWORD)
    session.commit()
    refresh(session)
    remaining = session.scalars(select(ItemReport)).all()
    assert [(r.id, r.resolved_by_id) for r in remaining] == [(kept.id, None)]
