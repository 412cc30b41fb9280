"""The Anki sync benchmark still runs (at a tiny size; speed is never asserted here)."""

from __future__ import annotations

import pytest

from benchmarks import anki_sync


def test_the_anki_sync_benchmark_runs(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(anki_sync, "CARDS", 200)
    monkeypatch.setattr(anki_sync, "DAYS", 40)
    monkeypatch.setattr(anki_sync, "EACH_WAY", 5)
    anki_sync.main()
    out = capsys.readouterr().out
    assert "200 notes added" in out
    assert "5 reviews pulled from Anki, 5 pushed to Anki, 0 notes added" in out
