"""How current a bank's facts are: the ``checked: YYYY-MM`` month of its items.

The months are ``YYYY-MM`` strings, so they sort and compare as text. The linter warns about
items never checked or checked more than :data:`STALE_AFTER_MONTHS` months before today;
the track page shows the newest, median and oldest month of its items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

STALE_AFTER_MONTHS = 12


@dataclass(frozen=True)
class CheckedSummary:
    """The spread of ``checked`` months over a set of items."""

    items: int
    unchecked: int
    newest: str | None
    median: str | None
    oldest: str | None


def summarise_checked(months: Iterable[str | None]) -> CheckedSummary:
    """Newest, median (the lower middle one of an even count) and oldest month, and the gaps."""
    values = list(months)
    known = sorted(month for month in values if month)
    if not known:
        return CheckedSummary(len(values), len(values), None, None, None)
    return CheckedSummary(len(values), len(values) - len(known), known[-1],
                          known[(len(known) - 1) // 2], known[0])


def stale_before(today: date, months: int = STALE_AFTER_MONTHS) -> str:
    """The oldest month that is still current: ``today``'s month minus ``months``."""
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def is_stale(checked: str | None, today: date) -> bool:
    """True when an item was never checked or was checked more than 12 months ago."""
    return checked is None or checked < stale_before(today)
