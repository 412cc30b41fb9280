"""Run every benchmark: ``make bench`` (or ``python -m benchmarks``).

The fault scenarios print their checks with ``python -m benchmarks.http_faults`` (and run as
tests in tests/test_faults.py).
"""

from benchmarks import (
    anki_export,
    anki_import,
    anki_sync,
    deck_load,
    exam_generation,
    http_load,
    http_review,
    insight,
    review_queue,
    user_content,
)

if __name__ == "__main__":
    for benchmark in (deck_load, review_queue, http_review, http_load, exam_generation,
                      anki_export, anki_import, anki_sync, insight, user_content):
        benchmark.main()
        print()
