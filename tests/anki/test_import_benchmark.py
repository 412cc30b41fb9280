"""The Anki import benchmark still runs (at a tiny size; speed is never asserted here)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import anki_import


def test_the_import_benchmark_imports_every_answer_once(tmp_path: Path) -> None:
    result = anki_import.bench(f"sqlite:///{tmp_path / 'import.sqlite3'}", 20, tmp_path)
    assert result["added"] == result["stored"] == 20 * anki_import.ANSWERS_PER_CARD
    assert result["again_added"] == 0 and result["first"] > 0
