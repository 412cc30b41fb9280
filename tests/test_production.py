"""Production behaviour: request ids and JSON logs, 503 when the database is out of reach,
gunicorn settings from the environment."""

from __future__ import annotations

import importlib
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from prep import create_app
from tests.conftest import csrf_token


def test_each_request_logs_one_json_line_with_its_request_id(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    given = client.get("/healthz", headers={"X-Request-ID": "proxy-id-1234"})
    made = client.get("/login")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert given.headers["X-Request-ID"] == "proxy-id-1234"
    assert len(made.headers["X-Request-ID"]) == 32
    assert [(line["request_id"], line["path"], line["status"]) for line in lines] == [
        ("proxy-id-1234", "/healthz", 200), (made.headers["X-Request-ID"], "/login", 200)]
    assert all(line["level"] == "info" and line["ms"] >= 0 for line in lines)


def test_a_malformed_request_id_is_replaced(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert response.headers["X-Request-ID"] != "bad id <script>"
    assert len(response.headers["X-Request-ID"]) == 32


def _closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_out_of_reach_is_a_503_with_retry_after(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://prep@127.0.0.1:{_closed_port()}/prep?connect_timeout=2"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": True})
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "unreachable"
    token = csrf_token(client, "/login")
    page = client.post("/login", data={"csrf_token": token, "email": "a@example.com",
                                       "password": "whatever password"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "database is unavailable" in page.get_data(as_text=True)
    api = client.post("/login", data={"csrf_token": token, "email": "a@example.com",
                                      "password": "whatever password"},
                      headers={"Accept": "application/json"})
    assert api.status_code == 503 and "unavailable" in api.json["error"]


def test_gunicorn_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import prep.serving

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("PREP_THREADS", "8")
    monkeypatch.setenv("PREP_BIND", "127.0.0.1:9001")
    settings = importlib.reload(prep.serving)
    assert (settings.workers, settings.threads, settings.bind) == (5, 8, "127.0.0.1:9001")
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert importlib.reload(prep.serving).workers == 2
    for chosen in ("0", "1"):
        monkeypatch.setenv("PREP_REUSE_PORT", chosen)
        assert importlib.reload(prep.serving).reuse_port is (chosen == "1")
    monkeypatch.delenv("PREP_REUSE_PORT")
    migrates = Path("/proc/sys/net/ipv4/tcp_migrate_req")
    expected = migrates.exists() and migrates.read_text().strip() == "1"
    assert importlib.reload(prep.serving).reuse_port is expected


def test_gunicorn_spreads_keep_alive_connections_over_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a socket per worker, sixteen clients connect at once and each sends a request on
    its own keep-alive connection: both workers serve some (their log lines carry the
    worker's pid)."""
    import threading

    from benchmarks.http_client import Browser, serving

    monkeypatch.setenv("PREP_REUSE_PORT", "1")

    with serving(f"sqlite:///{tmp_path / 'spread.sqlite3'}", workers=2) as server:
        browsers = [Browser(server.port) for _ in range(16)]
        for browser in browsers:
            browser.connection.connect()
        senders = [threading.Thread(target=browser.request, args=("GET", "/healthz"))
                   for browser in browsers]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=30)
        for browser in browsers:
            browser.close()
        lines = [json.loads(line) for line in server.log.read_text().splitlines()
                 if line.startswith("{")]
    served = [line["pid"] for line in lines if line.get("path") == "/healthz"
              and line.get("status") == 200]
    assert len(served) >= 16
    assert len(set(served)) == 2


def test_gunicorn_refuses_a_taken_port_at_once(tmp_path: Path) -> None:
    """With a socket per worker the master binds nothing itself; prep checks the address
    first, so a taken port stops it with a message instead of workers failing in a loop."""
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'taken.sqlite3'}",
               "SECRET_KEY": "test", "PREP_INSTANCE_PATH": str(tmp_path),
               "PREP_BIND": f"127.0.0.1:{port}", "PREP_REUSE_PORT": "1"}
        started = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", "python:prep.serving", "prep:create_app()"],
            env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in started.stderr


def test_serve_refuses_several_workers_with_per_worker_rate_limits(tmp_path: Path) -> None:
    """Memory storage counts failed logins per worker (each would let the full number of
    guesses through): with two workers and no shared storage, prep does not start."""
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
           "SECRET_KEY": "test", "PREP_INSTANCE_PATH": str(tmp_path), "WEB_CONCURRENCY": "2",
           "PREP_BIND": f"127.0.0.1:{_closed_port()}"}
    env.pop("PREP_RATELIMIT_STORAGE_URL", None)
    started = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "python:prep.serving", "prep:create_app()"],
        env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "2 workers with rate limits in each worker's memory" in started.stderr
    assert "PREP_RATELIMIT_STORAGE_URL=redis://" in started.stderr


def test_the_login_limit_holds_across_two_gunicorn_workers_with_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wrong passwords for one account sent on many connections, which the kernel spreads
    over both workers: with Redis the limit counts them all, and the account's lock holds
    on every worker (with memory storage each worker let its own five through)."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from benchmarks.http_client import Browser, serving
    from prep.models import Base
    from tests.factories import PASSWORD, make_user
    from tests.web.test_limits import redis_url

    url = f"sqlite:///{tmp_path / 'login.sqlite3'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    email = f"limit-{uuid.uuid4().hex[:12]}@example.com"  # its own counts in a shared Redis
    with Session(engine) as session:
        make_user(session, datetime.now(UTC), email)
    engine.dispose()
    monkeypatch.setenv("PREP_RATELIMIT_STORAGE_URL", redis_url())
    monkeypatch.setenv("PREP_LOGIN_LIMIT_PER_ACCOUNT", "3 per 15 minutes")
    monkeypatch.setenv("PREP_REUSE_PORT", "1")
    with serving(url, workers=2) as server:
        statuses = []
        for password in ["wrong password"] * 8 + [PASSWORD] * 4:
            browser = Browser(server.port)  # a new connection each time: both workers serve
            browser.request("GET", "/login")
            statuses.append(browser.request("POST", "/login", {
                "csrf_token": browser.token, "email": email, "password": password})[0])
            browser.close()
        lines = [json.loads(line) for line in server.log.read_text().splitlines()
                 if line.startswith("{")]
    workers = {line["pid"] for line in lines if line.get("path") == "/login"
               and line.get("method") == "POST"}
    assert len(workers) == 2, "the kernel sent every connection to one worker: run again"
    assert statuses == [401] * 3 + [429] * 9
