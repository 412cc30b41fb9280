"""Issue 14's smaller findings: downloads not stored by browsers, private instance files,
input no column can hold refused in paths and bodies, and error pages after a failed flush.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from prep.models import User
from tests.conftest import FrozenClock, csrf_token, log_in
from tests.factories import load_decks


def test_downloads_are_no_store_like_every_page(
        user_client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    load_decks(session, clock())
    for path in ("/account/data.json", "/export/anki.apkg?track=alpha", "/", "/nope"):
        response = user_client.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["Cache-Control"] == "no-store", path
    assert user_client.get("/static/css/prep.css").headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_instance_folder_and_sqlite_files_are_private(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from prep import create_app

    instance = tmp_path / "instance"
    monkeypatch.setenv("PREP_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    old_umask = os.umask(0o022)  # the usual umask, which made 0755 and 0644 before
    try:
        app = create_app({"SECRET_KEY": "k"})  # the default: SQLite in the instance folder
        with app.extensions["prep.engine"].begin() as connection:
            connection.execute(text("CREATE TABLE probe (x INTEGER)"))
            connection.execute(text("INSERT INTO probe VALUES (1)"))
            modes = {path.name: stat.S_IMODE(path.stat().st_mode)
                     for path in instance.iterdir()}
        app.extensions["prep.engine"].dispose()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert modes["prep.sqlite3"] == 0o600 and modes["prep.sqlite3-wal"] == 0o600, modes


def test_nul_lone_surrogates_and_huge_ids_are_4xx_in_paths_and_bodies(
        client: FlaskClient, user_client: FlaskClient) -> None:
    assert client.get("/tracks/%00").status_code == 400  # no login needed to reach it
    assert user_client.get("/exams/a%00b").status_code == 400
    assert user_client.get("/cards?q=%00").status_code == 400
    for path in ("/attempts/99999999999999999999/report", "/cards/2147483648",
                 "/attempts/-2147483649"):
        assert user_client.get(path).status_code == 404, path  # beyond any id column
    token = csrf_token(user_client)
    for body in ('{"timezone": "UTC\\ud800"}', '{"\\udfff": "x"}', '{"a": [{"b": "\\ud800"}]}'):
        response = user_client.post("/settings", data=body, content_type="application/json",
                                    headers={"X-CSRFToken": token})
        assert response.status_code == 400, body
        assert "surrogate" in response.get_data(as_text=True)
    pair = user_client.post("/settings", data='{"timezone": "\\ud83d\\ude00"}',
                            content_type="application/json", headers={"X-CSRFToken": token})
    assert pair.status_code != 400  # a proper pair (an emoji) is ordinary text


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"PROPAGATE_EXCEPTIONS": False}  # answer a bug with the 500 page, as in production


def test_the_error_page_renders_after_a_failed_flush(
        app: Flask, client: FlaskClient, user: User) -> None:
    from prep.db import db_session

    def failing_flush() -> str:
        session = db_session()
        session.expire_all()  # what a domain function may do before it writes
        session.add(User(email=user.email, password_hash="x", session_token="y",
                         created_at=user.created_at))
        session.flush()  # a duplicate e-mail: IntegrityError, the transaction fails
        return "unreachable"

    app.add_url_rule("/test/failing-flush", view_func=failing_flush)
    log_in(client, user.email)
    response = client.get("/test/failing-flush")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert user.email in page  # prep's own page, with the logged-in menu
