"""The Anki import on the account page: upload, summary, errors beside the field."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from prep.models import ReviewLog, User
from tests.anki.phone import Phone, phone_with_prep_decks, studying_user
from tests.conftest import FrozenClock, csrf_token, log_in, post_form, refresh

UPLOAD_LIMIT = 2 * 1024 * 1024


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"MAX_CONTENT_LENGTH": UPLOAD_LIMIT}


@pytest.fixture
def user(session: Session, clock: FrozenClock) -> User:
    return studying_user(session, clock())


@pytest.fixture
def phone(session: Session, user: User, tmp_path: Path) -> Iterator[Phone]:
    phone = phone_with_prep_decks(session, user, tmp_path / "anki", tracks=["alpha"])
    phone.answer_many(phone.card_ids()[:10], 20, datetime(2026, 2, 20, 8, 0, tzinfo=UTC))
    yield phone
    phone.close()


def upload(client: FlaskClient, data: bytes, name: str, **fields: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/account/anki", {"package": (io.BytesIO(data), name), **fields},
                     content_type="multipart/form-data")


def reviews(session: Session) -> int:
    refresh(session)
    return session.scalar(select(func.count(ReviewLog.id)))


def test_an_upload_adds_the_answers_and_shows_the_summary(
        client: FlaskClient, session: Session, user: User, phone: Phone, tmp_path: Path) -> None:
    package = phone.export_colpkg(tmp_path / "phone.colpkg").read_bytes()
    log_in(client, user.email)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/anki"' in page and "up to 2 MB" in page

    response = upload(client, package, "phone.colpkg")
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text
    assert "Reviews added: 20" in text and "Notes matched: 30" in text
    assert reviews(session) == 20

    again = upload(client, package, "phone.colpkg").get_data(as_text=True)
    assert "Reviews added: 0" in again and "Skipped (already in prep): 20" in again
    assert reviews(session) == 20


def test_a_bad_file_is_refused_beside_the_field_and_changes_nothing(
        client: FlaskClient, session: Session, user: User, phone: Phone, tmp_path: Path) -> None:
    log_in(client, user.email)
    package = phone.export_colpkg(tmp_path / "phone.colpkg").read_bytes()
    for data, name, message in (
            (b"front,back\n", "cards.colpkg", "not an Anki package"),
            (package[:2000], "cut.apkg", "not an Anki package"),
            (package, "phone.csv", ".colpkg or .apkg"),
            (b"", "", "Choose the .colpkg or .apkg")):
        response = upload(client, data, name)
        text = response.get_data(as_text=True)
        assert response.status_code == 422, text
        assert 'class="field-error" id="package-error"' in text and message in text
    assert reviews(session) == 0


def test_an_upload_over_the_limit_is_refused_beside_the_field(
        client: FlaskClient, session: Session, user: User) -> None:
    log_in(client, user.email)
    # encoded here: the test client would spool a large file to a temporary file that it
    # never closes when the app refuses the body unread
    boundary, body = encode_multipart({"csrf_token": csrf_token(client), "package": FileStorage(
        io.BytesIO(b"\0" * (UPLOAD_LIMIT + 1)), "big.colpkg")})
    response = client.post("/account/anki", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'id="package-error"' in text and "larger than 2 MB" in text
    assert reviews(session) == 0


def test_the_import_is_rate_limited_per_user(
        app: Flask, client: FlaskClient, user: User) -> None:
    app.config["PREP_HEAVY_LIMIT"] = "2 per hour"
    log_in(client, user.email)
    codes = [upload(client, b"junk", "x.colpkg").status_code for _ in range(3)]
    assert codes == [422, 422, 429]
