"""The benchmarks still run: each measured step at a tiny size, on SQLite.

Speed is never asserted here (benchmarks/ prints it); this only keeps ``make bench`` from
breaking unnoticed, e.g. when account rules or fixtures change under it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import insight, review_queue


def test_the_review_step_benchmark_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_queue, "STEPS", 20)
    result = review_queue.bench(f"sqlite:///{tmp_path / 'review.sqlite3'}", 300, 3_000)
    assert result["steps"] == 20 and result["median"] > 0


def test_the_dashboard_benchmark_logs_in_and_renders(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(insight, "REQUESTS", 2)
    result = insight.bench_dashboard(f"sqlite:///{tmp_path / 'dash.sqlite3'}", 300, 3_000)
    assert result["median"] > 0


def test_the_paced_load_test_runs_and_its_checks_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import http_load

    monkeypatch.setattr(http_load, "USERS", 3)
    monkeypatch.setattr(http_load, "SECONDS", 2.0)
    monkeypatch.setattr(http_load, "RATE", 30.0)  # 10 review answers/s per user, paced
    http_load.run("SQLite", f"sqlite:///{tmp_path / 'load.sqlite3'}")
    row = capsys.readouterr().out.splitlines()[0].split()
    assert row[0] == "SQLite" and row[1] == "3" and 0 < int(row[2]) <= 40
    assert row[8] == "0" and row[9] == "True"  # no errors; every database check passed


def test_the_user_content_benchmark_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import user_content

    monkeypatch.setattr(user_content, "LANGUAGES", ["python", "livescript"])
    monkeypatch.setattr(user_content, "PATTERNS", ["<"])
    assert len(user_content.worst_renders()) == 2
    results = user_content.bench_requests(tmp_path)
    assert set(results) == {"POST /cards/new, 40 KB", "CSV import, 156 KB"}
    assert all(request > 0 and lock > 0 for request, lock in results.values())
