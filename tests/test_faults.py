"""Faults under load, end to end: gunicorn subprocesses on loopback, real databases.

The scenarios live in benchmarks/http_faults.py (``python -m benchmarks.http_faults`` prints
the same checks); here each one must pass. Every server and database they start is stopped
in a ``finally``; every loop is bounded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks import http_faults
from tests.conftest import FIXTURE_DECKS, IN_CI

pytestmark = pytest.mark.faults

# The small fixture decks and their four-question exam keep each scenario short.
CONTENT = http_faults.Content(FIXTURE_DECKS, "alpha-one")


def failed(checks: dict[str, bool]) -> list[str]:
    return [name for name, passed in checks.items() if not passed]


def test_killing_a_worker_loses_no_acknowledged_review(empty_database: str) -> None:
    assert failed(http_faults.worker_killed(empty_database, users=4, seconds=4,
                                                content=CONTENT)) == []


def test_an_exam_resumes_after_a_server_restart_with_the_right_time(tmp_path: Path) -> None:
    assert failed(http_faults.server_restarted(f"sqlite:///{tmp_path / 'exam.sqlite3'}",
                                                   content=CONTENT)) == []


def test_sigterm_lets_the_answer_in_flight_finish(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stop.sqlite3'}"
    assert failed(http_faults.server_stopped_mid_answer(url, content=CONTENT)) == []


def test_postgres_restart_gives_503_then_recovers_without_restarting_prep() -> None:
    missing = [tool for tool in ("runuser",) if shutil.which(tool) is None]
    if http_faults.POSTGRES_BIN is None or not (http_faults.POSTGRES_BIN / "initdb").exists():
        missing.append("PostgreSQL server binaries (initdb)")
    if missing:
        message = f"cannot start a private PostgreSQL: {', '.join(missing)} missing"
        if IN_CI:
            pytest.fail(f"{message}: under CI this test must run")
        pytest.skip(message)
    assert failed(http_faults.postgres_restarted(content=CONTENT)) == []


def test_a_reload_resets_no_connection_made_meanwhile(tmp_path: Path) -> None:
    """SIGHUP: gunicorn starts new workers and the old ones stop gracefully. Every connection
    made meanwhile is answered, with prep's default sockets: per worker only where the
    kernel moves a closing socket's waiting connections to the others, else one shared."""
    assert failed(http_faults.reloaded(f"sqlite:///{tmp_path / 'reload.sqlite3'}")) == []
