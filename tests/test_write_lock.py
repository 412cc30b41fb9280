"""No rendering inside a write transaction (issue 14): every path that stores rendered
Markdown (own cards, CSV import, account import, deck load) renders first and takes the write
lock for the writes only, so one user's slow content cannot hold up another user's answer.

The probe asks, each time a field is rendered, whether a write transaction is open: on
SQLite whether another connection can take the write lock (``BEGIN IMMEDIATE`` with no
wait), on PostgreSQL whether the request's transaction has written anything yet (it then
holds row locks and, in the view's code, the write phase has begun).
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

from prep import accounts, rendering
from prep.models import Item, ReviewLog, User
from prep.study.enrollment import set_tracks
from tests.conftest import FrozenClock, csrf_token, log_in, post_form, refresh
from tests.factories import PASSWORD, load_decks, make_user


class LockProbe:
    """Records, for every field rendered, whether a write transaction was held meanwhile."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        self.url = app.config["DATABASE_URL"]
        self.held: list[bool] = []
        self.during_render: Callable[[], None] | None = None
        original = rendering._MARKDOWN.render

        def probe(text: str) -> str:
            self.held.append(self.write_lock_held())
            if self.during_render is not None:
                action, self.during_render = self.during_render, None
                action()
            return original(text)

        monkeypatch.setattr(rendering._MARKDOWN, "render", probe)
        forget_rendered(monkeypatch)

    def write_lock_held(self) -> bool:
        return write_lock_held(self.url)


def write_lock_held(url: str) -> bool:
    """SQLite: whether another connection is kept from taking the write lock. PostgreSQL:
    whether the current request's transaction has written (it holds row locks then)."""
    if url.startswith("sqlite"):
        other = sqlite3.connect(make_url(url).database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            other.close()
    session = g.get("db_session") if has_app_context() else None
    if session is None or not session.in_transaction():
        return False
    return session.connection().exec_driver_sql(
        "SELECT pg_current_xact_id_if_assigned()").scalar() is not None


def forget_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty render cache, so that every field is rendered (and probed) again."""
    monkeypatch.setattr(rendering, "_CACHE", rendering._SizedCache(rendering.CACHE_CHARS))


@pytest.fixture
def probe(app: Flask, monkeypatch: pytest.MonkeyPatch) -> LockProbe:
    return LockProbe(app, monkeypatch)


def slow_block(marker: str) -> str:
    """A card back that took seconds to highlight: a long block for a super-linear lexer."""
    return f"{marker}\n\n```livescript\n{'<' * 19_000}\n```\n"


def test_own_card_create_and_edit_render_before_the_write_lock(
    user_client: FlaskClient, session: Session, probe: LockProbe
) -> None:
    marker = uuid.uuid4().hex
    created = post_form(user_client, "/cards/new", {
        "deck": "Mine", "front": f"Front {marker}", "back": slow_block(marker)})
    assert created.status_code == 303
    card_id = int(created.headers["Location"].rsplit("/", 1)[1])
    edited = post_form(user_client, f"/cards/{card_id}/edit", {
        "deck": "Mine", "front": f"Front *{marker}*", "back": slow_block(marker + "x")})
    assert edited.status_code == 303
    assert len(probe.held) >= 3 and not any(probe.held)
    refresh(session)
    item = session.scalar(select(Item).where(Item.prompt == f"Front *{marker}*"))
    assert "<span" not in item.rendered["answer"]  # livescript is not highlighted for users


def test_csv_import_renders_before_the_write_lock(
    user_client: FlaskClient, session: Session, probe: LockProbe
) -> None:
    marker = uuid.uuid4().hex
    rows = "".join(f'"Q{n} *{marker}*","A{n} `{marker}`"\n' for n in range(5))
    response = post_form(user_client, "/cards/import", {
        "deck": "CSV", "file": (io.BytesIO(rows.encode()), "cards.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert len(probe.held) == 10 and not any(probe.held)
    refresh(session)
    assert session.scalar(select(func.count(Item.id)).where(Item.prompt.like("Q%"))) == 5


def test_account_import_renders_before_the_write_lock(
    app: Flask, user_client: FlaskClient, session: Session, clock: FrozenClock,
    probe: LockProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = uuid.uuid4().hex
    post_form(user_client, "/cards/new", {"deck": "Mine", "front": f"F *{marker}*",
                                          "back": f"B `{marker}`"})
    document = user_client.get("/account/data.json").get_data()
    make_user(session, clock(), "newcomer@example.com")
    newcomer = app.test_client()
    log_in(newcomer, "newcomer@example.com")
    probe.held.clear()
    forget_rendered(monkeypatch)
    response = post_form(newcomer, "/account/import", {
        "data_file": (io.BytesIO(document), "prep-data.json")},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert len(probe.held) == 2 and not any(probe.held)


def test_deck_load_renders_before_the_write_lock(app: Flask, probe: LockProbe) -> None:
    result = app.test_cli_runner().invoke(args=["decks", "load"])
    assert result.exit_code == 0, result.output
    assert probe.held and not any(probe.held)


def test_another_users_answer_completes_while_a_slow_card_renders(
    app: Flask, user_client: FlaskClient, session: Session, clock: FrozenClock,
    probe: LockProbe
) -> None:
    load_decks(session, clock())
    learner = make_user(session, clock(), "learner@example.com")
    set_tracks(session, learner, ["alpha"], clock())
    session.commit()
    other = app.test_client()
    log_in(other, "learner@example.com")
    token = csrf_token(other, "/review")
    page = other.get("/review").get_data(as_text=True)
    fields = {name: page.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]
              for name in ("card_id", "reps", "review_uid")}
    replies = []

    def answer() -> None:  # another user's answer, sent while the slow card renders
        replies.append(other.post("/review/answer", data={**fields, "rating": "3"},
                                  headers={"Accept": "application/json",
                                           "X-CSRFToken": token}))

    def answer_meanwhile() -> None:
        thread = threading.Thread(target=answer)
        thread.start()
        thread.join()

    probe.during_render = answer_meanwhile
    marker = uuid.uuid4().hex
    created = post_form(user_client, "/cards/new", {"deck": "Mine", "front": f"F {marker}",
                                                    "back": slow_block(marker)})
    assert created.status_code == 303
    assert [reply.status_code for reply in replies] == [200], replies[0].get_data(as_text=True)
    refresh(session)
    assert session.scalar(select(func.count(ReviewLog.id))
                          .where(ReviewLog.user_id == learner.id)) == 1
    assert json.loads(replies[0].get_data())["undo_id"]


def test_password_hashing_runs_before_the_write_lock(
    app: Flask, client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scrypt takes about 0.1 s a run, and a password change runs it three times: held under
    # SQLite's write lock, every other user's answer would wait that long.
    url, held = app.config["DATABASE_URL"], []

    def probed(original: Callable[..., object]) -> Callable[..., object]:
        def run(*args: object) -> object:
            held.append(write_lock_held(url))
            return original(*args)
        return run

    for name in ("generate_password_hash", "check_password_hash"):
        monkeypatch.setattr(accounts, name, probed(getattr(accounts, name)))
    new = "a brand new passphrase"
    registered = post_form(client, "/register", {
        "email": "hash@example.com", "password": PASSWORD, "confirm": PASSWORD})
    assert registered.status_code == 302
    changed = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": new, "confirm": new})
    assert changed.status_code == 303, changed.get_data(as_text=True)
    wrong = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert wrong.status_code == 401
    deleted = post_form(client, "/account/delete", {"password": new, "understood": "y"})
    assert deleted.status_code == 303
    assert len(held) >= 6 and not any(held)
    refresh(session)
    assert session.scalar(select(func.count(User.id))) == 0
