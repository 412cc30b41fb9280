"""Engine and per-request sessions: plain SQLAlchemy, so the domain layer needs no Flask."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine set up for prep: pre-ping pooling; WAL, a busy timeout and FKs on SQLite."""
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            connection.isolation_level = None  # prep issues BEGIN itself (see below)
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # A write transaction takes the write lock up front (BEGIN IMMEDIATE), so a
            # read-then-write cannot fail on a snapshot another writer has moved past.
            immediate = connection.get_execution_options().get("sqlite_immediate", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _create_private(database: str | None) -> None:
    """Create a missing SQLite file readable by its owner only (0600); SQLite gives its WAL
    and shared-memory files the database file's mode."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    # An existing file is kept as it is; a missing folder is reported by SQLite on connecting.
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def init_db(app: Flask) -> None:
    """Attach an engine and a session factory to the app; close each request's session."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["prep.engine"] = engine
    app.extensions["prep.sessions"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_error: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def holds_write_lock(session: Session) -> bool:
    """Whether the session's write transaction locks the whole database (SQLite), so that it
    should commit before doing anything else; PostgreSQL locks only the rows written."""
    return session.get_bind().dialect.name == "sqlite"


def read_snapshot(session: Session) -> None:
    """Begin ``session``'s (read) transaction so that every statement in it sees the same
    snapshot: SQLite's read transaction does already; PostgreSQL's default, READ COMMITTED,
    takes a new one per statement, so it is asked for REPEATABLE READ."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def begin_write(session: Session) -> None:
    """Begin ``session``'s write transaction the way the database needs it: on SQLite with
    ``BEGIN IMMEDIATE``, so that it takes the write lock before it reads anything.

    On SQLite, a read-only transaction already open (loading the user, or the object to
    change) is ended first: a deferred transaction that reads, then writes, fails at once
    when another writer got in between, whatever the busy timeout. (Reading before this
    call keeps the lock short; loaded objects stay usable, since sessions do not expire on
    commit.) On PostgreSQL the open transaction simply goes on: no extra commit, no second
    checkout; it locks only the rows it writes.
    """
    if holds_write_lock(session) and session.in_transaction() \
            and not (session.new or session.dirty or session.deleted):
        session.commit()  # nothing to write yet
    if not session.in_transaction():
        session.connection(execution_options={"sqlite_immediate": True})


def db_session() -> Session:
    """The current request's (or CLI command's) session, opened on first use."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["prep.sessions"]()
    return g.db_session

