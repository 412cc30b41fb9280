"""Shared fixtures: the app on SQLite and PostgreSQL, clients, a frozen clock, CLI runner.

Every test that asks for ``app`` (or anything built on it) runs twice: on a fresh SQLite
file and on PostgreSQL (``PREP_TEST_POSTGRES_URL``). Locally PostgreSQL tests skip when the
variable is unset; under CI (``CI`` set) an unset or unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from prep import create_app
from prep.models import Base

FIXTURE_DECKS = Path(__file__).parent / "fixtures" / "decks"
IN_CI = bool(os.environ.get("CI"))
# One schema per test run, so that two runs on one machine cannot truncate each other's data.
TEST_SCHEMA = f"prep_test_{os.getpid()}"


class FrozenClock:
    """A clock the tests move by hand; the app reads it through ``PREP_CLOCK``."""

    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def postgres_url(schema: str) -> str | None:
    """The PostgreSQL test URL with its search path set to ``schema``, or None (skip/fail)."""
    base = os.environ.get("PREP_TEST_POSTGRES_URL")
    if not base:
        message = "PREP_TEST_POSTGRES_URL is not set"
        if IN_CI:
            pytest.fail(f"{message}: under CI the PostgreSQL tests must run")
        pytest.skip(message)
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def reset_schema(url: str, schema: str) -> None:
    """Drop and recreate ``schema`` (fails the run under CI when PostgreSQL is down)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable under CI: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    finally:
        engine.dispose()


def drop_schema(url: str, schema: str) -> None:
    """Remove a test schema and everything in it."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL schema with prep's tables, created once per test run and dropped after."""
    url = postgres_url(TEST_SCHEMA)
    reset_schema(url, TEST_SCHEMA)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    drop_schema(url, TEST_SCHEMA)


def truncate_all(url: str) -> None:
    """Empty every prep table (fast per-test isolation on PostgreSQL)."""
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean database with prep's schema: a new SQLite file, or truncated PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'prep.sqlite3'}"
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("postgres_schema_url")
    truncate_all(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no tables) of each kind, for migrations and servers."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    schema = f"prep_empty_{os.getpid()}"
    url = postgres_url(schema)
    reset_schema(url, schema)
    yield url
    drop_schema(url, schema)


@pytest.fixture
def clock() -> FrozenClock:
    """Time stands still at 2026-03-02 09:00 UTC until a test moves it."""
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def app_overrides() -> dict[str, object]:
    """Extra app settings; a test module overrides this fixture to change them."""
    return {}


class ServerLikeClient(FlaskClient):
    """The test client, reading each response whole and then closing it as a WSGI server
    does (so that, say, the file ``send_file`` sends is closed)."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(
    database_url: str, tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch,
    app_overrides: dict[str, object],
) -> Iterator[Flask]:
    """The app on the parametrised database, with the fixture decks and a frozen clock."""
    monkeypatch.setenv("PREP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "PREP_DECKS_DIR": str(FIXTURE_DECKS),
        "PREP_CLOCK": clock,
        **app_overrides,
    })
    app.test_client_class = ServerLikeClient
    yield app
    app.extensions["prep.engine"].dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session outside any request, for arranging and checking data."""
    with app.extensions["prep.sessions"]() as session:
        yield session


def refresh(session: Session) -> None:
    """End the test session's read transaction and forget loaded rows, to see app commits."""
    session.rollback()
    session.expire_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF_META.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client: FlaskClient, path: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
    """POST a form the way the page would: with the session's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client), **data}, **kwargs)


def log_in(client: FlaskClient, email: str, password: str | None = None) -> None:
    """Log ``client`` in through the login form (the factories' password by default)."""
    from tests.factories import PASSWORD

    password = PASSWORD if password is None else password
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def user(session: Session, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """A registered user (password ``PASSWORD``)."""
    from tests.factories import make_user

    return make_user(session, clock(), "ada@example.com")


@pytest.fixture
def user_client(client: FlaskClient, user) -> FlaskClient:  # type: ignore[no-untyped-def]
    """A client logged in as ``user``."""
    log_in(client, user.email)
    return client
