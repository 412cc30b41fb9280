"""Run every benchmark: ``make bench`` (or ``python -m benchmarks``)."""

from benchmarks import (
    anki_export,
    deck_load,
    exam_generation,
    http_review,
    insight,
    review_queue,
)

if __name__ == "__main__":
    for benchmark in (deck_load, review_queue, http_review, exam_generation, anki_export,
                      insight):
        benchmark.main()
        print()
