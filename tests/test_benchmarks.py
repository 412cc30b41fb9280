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
