"""Run every benchmark: ``make bench`` (or ``python -m benchmarks``)."""

from benchmarks import deck_load

if __name__ == "__main__":
    deck_load.main()
