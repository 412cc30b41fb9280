"""The unit of work (prep.web.unit_of_work), rule by rule, on both databases: views and
commands never commit or roll back; every view declares whether it reads or writes; a view
that returns commits and one that raises rolls back; a write takes SQLite's lock before the
view runs (a two-phase view only inside its write block); a view that reads cannot write;
and no GET of prep's changes the database (the pages that must write say why).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, flash, jsonify
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import prep.cli
import prep.web
from prep.db import db_session
from prep.models import Base, User
from prep.study.bulk_actions import BulkRefused
from prep.web import csrf, now
from prep.web.unit_of_work import (
    UnitOfWorkMisuse,
    WriteOutsideWritePhase,
    after_commit,
    reads,
    reads_then_writes,
    write_phase,
    writes,
)
from tests.conftest import FrozenClock, log_in, refresh
from tests.factories import studied_user
from tests.routes import owned_arguments, rules, url_for_rule
from tests.test_write_lock import write_lock_held

# The GET pages that write when they are opened, each with the reason its declaration gives.
GET_WRITES = {"exams.attempt", "exams.question", "exams.review", "exams.clock",
              "exams.report", "review.study"}


def transaction_calls(path: Path) -> list[str]:
    """Every ``x.commit()`` and ``x.rollback()`` in a source file, as ``file:line``."""
    tree = ast.parse(path.read_text(), str(path))
    return [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")]


def test_no_view_and_no_command_commits_or_rolls_back() -> None:
    web = Path(prep.web.__file__).parent
    sources = [path for path in sorted(web.glob("*.py")) if path.name != "unit_of_work.py"]
    commands = sorted(Path(prep.cli.__file__).parent.glob("*.py"))
    assert len(sources) >= 15 and len(commands) >= 2
    assert [call for path in [*sources, *commands] for call in transaction_calls(path)] == []
    assert transaction_calls(web / "unit_of_work.py")  # the one place that does
    for path in commands:
        assert "sqlite_immediate" not in path.read_text()  # the write setup is prep.db's


def test_every_view_declares_whether_it_reads_or_writes(app: Flask) -> None:
    declared = {}
    for rule in rules(app):
        if rule.endpoint != "static":
            view = app.view_functions[rule.endpoint]
            declared[rule.endpoint] = (getattr(view, "unit_of_work", None),
                                       getattr(view, "write_reason", None), rule.methods)
    assert [name for name, (kind, _, _) in declared.items() if kind is None] == []
    get_only = {name for name, (_, _, methods) in declared.items()
                if methods <= {"GET", "HEAD", "OPTIONS"}}
    writing_gets = {name for name in get_only if declared[name][0] != "reads"}
    assert writing_gets == GET_WRITES
    assert all(declared[name][1] for name in GET_WRITES)  # each says why
    assert {name for name, (_, reason, _) in declared.items() if reason} == GET_WRITES


# --- the rules, on views made for the test --------------------------------------------------

def _add_user(name: str) -> None:
    session = db_session()
    session.add(User(email=f"{name}@example.com", password_hash="x", session_token="t",
                     created_at=now()))
    session.flush()


def _write_lock_held(app: Flask) -> bool:
    return write_lock_held(app.config["DATABASE_URL"])


def _make_views(app: Flask, committed: list[str]) -> dict[str, Callable[..., Any]]:
    @writes
    def writes_and_returns() -> str:
        _add_user("returned")
        after_commit(lambda: committed.append("returned"))
        return "ok"

    @writes
    def writes_and_is_refused() -> str:
        _add_user("refused")
        after_commit(lambda: committed.append("refused"))
        raise BulkRefused("Tick at least one card.")

    @writes
    def writes_and_fails() -> str:
        _add_user("failed")
        raise RuntimeError("a bug")

    @writes
    def lock_in_a_write() -> Any:
        return jsonify(held=_write_lock_held(app), open=db_session().in_transaction())

    @reads
    def lock_in_a_read() -> Any:
        db_session().scalar(select(func.count(User.id)))
        return jsonify(held=_write_lock_held(app))

    @reads_then_writes
    def lock_in_two_phases() -> Any:
        before = _write_lock_held(app)
        with write_phase():
            _add_user("phase")
            during = _write_lock_held(app)
        return jsonify(before=before, during=during, after=_write_lock_held(app))

    @reads
    def reads_but_adds() -> str:
        _add_user("reader")
        return "ok"

    @reads
    def reads_but_updates() -> str:
        db_session().execute(update(User).values(is_admin=True))
        return "ok"

    @reads_then_writes
    def refused_in_the_block() -> Any:
        try:
            with write_phase():
                _add_user("block")
                raise BulkRefused("Tick at least one card.")
        except BulkRefused:
            pass
        return jsonify(users=db_session().scalar(select(func.count(User.id))))

    @writes
    def flashes_then_is_refused() -> str:
        _add_user("flashed")
        flash("Card buried until tomorrow.", "info")
        raise BulkRefused("Tick at least one card.")

    @reads_then_writes
    def block_refused_after_its_callback() -> str:
        flash("Kept: said before the block.", "info")
        try:
            with write_phase():
                _add_user("called")
                after_commit(lambda: committed.append("called"))
                flash("Card added.", "success")
                raise BulkRefused("Tick at least one card.")
        except BulkRefused:
            pass
        return "ok"

    @reads_then_writes
    def writes_in_a_get() -> str:
        with write_phase():
            _add_user("get")
        return "ok"

    @reads_then_writes(reason="the test says so")
    def writes_in_a_get_with_reason() -> str:
        with write_phase():
            _add_user("reasoned")
        return "ok"

    @writes
    def form_page() -> str:
        _add_user("form")
        return "ok"

    return {name: view for name, view in locals().items() if hasattr(view, "unit_of_work")}


@pytest.fixture
def committed() -> list[str]:
    """What the test views' after_commit callbacks recorded."""
    return []


@pytest.fixture
def probe(app: Flask, committed: list[str]) -> FlaskClient:
    """A client of the app with the test views at /uow/<name> (GET for reads, POST for
    writes, both for form_page and the GET writers)."""
    for name, view in _make_views(app, committed).items():
        csrf.exempt(view)
        methods = ["GET", "POST"] if name in ("form_page", "writes_in_a_get",
                                              "writes_in_a_get_with_reason") else (
            ["GET"] if view.unit_of_work == "reads" else ["POST"])
        app.add_url_rule(f"/uow/{name}", endpoint=f"uow.{name}", view_func=view,
                         methods=methods)
    return app.test_client()


def _emails(session: Session) -> set[str]:
    refresh(session)
    return {email.split("@")[0] for email in session.scalars(select(User.email))}


def test_a_view_that_returns_commits(probe: FlaskClient, session: Session,
                                     committed: list[str]) -> None:
    assert probe.post("/uow/writes_and_returns").status_code == 200
    assert _emails(session) == {"returned"}
    assert committed == ["returned"]  # after_commit ran, once committed


def test_a_view_that_raises_rolls_back(probe: FlaskClient, session: Session,
                                       committed: list[str]) -> None:
    refused = probe.post("/uow/writes_and_is_refused")
    assert refused.status_code == 422  # the app's handler of the domain's refusals
    assert "Tick at least one card." in refused.get_data(as_text=True)
    with pytest.raises(RuntimeError, match="a bug"):
        probe.post("/uow/writes_and_fails")
    assert _emails(session) == set()
    assert committed == []  # nothing was committed, so no after_commit ran


def _flashes(client: FlaskClient) -> list[str]:
    with client.session_transaction() as cookie:
        return [message for _, message in cookie.get("_flashes", [])]


def test_what_is_rolled_back_neither_flashes_nor_calls_back(
        probe: FlaskClient, session: Session, committed: list[str]) -> None:
    # A flash says what was done: a view rolled back did nothing, so it must not linger
    # for the next page; a callback queued in a block rolled back has nothing to find.
    refused = probe.post("/uow/flashes_then_is_refused")
    assert refused.status_code == 422
    assert "Card buried" not in refused.get_data(as_text=True) and _flashes(probe) == []
    assert probe.post("/uow/block_refused_after_its_callback").status_code == 200
    assert _flashes(probe) == ["Kept: said before the block."]
    assert committed == []
    assert _emails(session) == set()


def test_a_write_takes_sqlites_lock_before_the_view_runs(
        probe: FlaskClient, app: Flask, session: Session) -> None:
    sqlite = app.config["DATABASE_URL"].startswith("sqlite")
    write = probe.post("/uow/lock_in_a_write").get_json()
    # SQLite: the lock is held from the start. PostgreSQL: a transaction is open, and it
    # has locked nothing (it locks the rows it writes, when it writes them).
    assert write == {"held": sqlite, "open": True}
    assert probe.get("/uow/lock_in_a_read").get_json() == {"held": False}
    phases = probe.post("/uow/lock_in_two_phases").get_json()
    # The two-phase form: the lock only inside the block; SQLite gives it back at its end,
    # PostgreSQL commits the block with the reply.
    assert phases == {"before": False, "during": True, "after": not sqlite}
    assert _emails(session) == {"phase"}


def test_a_view_that_reads_cannot_write(probe: FlaskClient, session: Session) -> None:
    with pytest.raises(WriteOutsideWritePhase):
        probe.get("/uow/reads_but_adds")
    with pytest.raises(WriteOutsideWritePhase):
        probe.get("/uow/reads_but_updates")
    assert _emails(session) == set()


def test_a_write_block_that_raises_is_rolled_back_and_the_view_goes_on(
        probe: FlaskClient, session: Session) -> None:
    reply = probe.post("/uow/refused_in_the_block")
    assert reply.status_code == 200 and reply.get_json() == {"users": 0}
    assert _emails(session) == set()


def test_a_get_writes_only_with_a_reason(probe: FlaskClient, session: Session) -> None:
    with pytest.raises(WriteOutsideWritePhase):
        probe.get("/uow/form_page")  # @writes applies to the POST; its GET reads
    with pytest.raises(UnitOfWorkMisuse):
        probe.get("/uow/writes_in_a_get")
    assert probe.get("/uow/writes_in_a_get_with_reason").status_code == 200
    assert probe.post("/uow/form_page").status_code == 200
    assert _emails(session) == {"reasoned", "form"}


# --- no GET of prep's changes the database --------------------------------------------------

def database_contents(session: Session) -> dict[str, list[str]]:
    """Every row of every table, as text."""
    refresh(session)
    return {table.name: sorted(map(repr, session.execute(select(table)).all()))
            for table in Base.metadata.sorted_tables}


def test_no_get_of_prep_changes_the_database(
        app: Flask, client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    # The pages that may write (GET_WRITES) have nothing to write here: Kim's attempt is
    # graded and her exam window is not open yet (tests/web/test_exams.py and
    # tests/web/test_insight.py show them writing when they must).
    kim = studied_user(session, clock(), "kim@example.com")
    kim.is_admin = True  # so that the admin pages answer too
    session.commit()
    owned = owned_arguments(session, kim)
    log_in(client, kim.email)
    before = database_contents(session)
    assert sum(map(len, before.values())) > 50  # data of every kind
    answered = []
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = url_for_rule(rule, owned)
        response = client.get(path)
        assert response.status_code < 500, path
        assert database_contents(session) == before, f"GET {path} changed the database"
        answered.append(response.status_code)
    assert len(answered) >= 30 and answered.count(200) >= 20

