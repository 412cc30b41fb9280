"""Typed access to a parsed deck file: every misfit value becomes a ``path:line`` fault."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from prep.decks.source import Fault, LineMap

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
RESERVED_PREFIX = "own-"  # prep.study.own_cards.OWN_PREFIX
MONTH_PATTERN = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


class FileReader:
    """Typed access to the mappings of one file, recording a fault for every misfit."""

    def __init__(self, path: str, faults: list[Fault]):
        self.path = path
        self.faults = faults

    def fault(self, line: int, message: str) -> None:
        self.faults.append(Fault(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.fault(line, f"{what} must be a mapping (key: value)")
        return None

    def keys(self, data: LineMap, required: set[str], optional: set[str], what: str) -> bool:
        """Report unknown and missing keys; True when every required key is present."""
        for key in data:
            if key not in required and key not in optional:
                self.fault(data.line_of(key), f"unknown key {key!r} in {what}")
        missing = sorted(required - set(data))
        for key in missing:
            self.fault(data.line, f"{what} is missing {key!r}")
        return not missing

    def text(self, data: LineMap, key: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required and key in data:
                self.fault(data.line_of(key), f"{key!r} must not be empty")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fault(data.line_of(key), f"{key!r} must be text")
            return None
        value = str(value).strip()
        if not value and required:
            self.fault(data.line_of(key), f"{key!r} must not be empty")
            return None
        return value or None

    def identifier(self, data: LineMap, key: str) -> str | None:
        value = self.text(data, key)
        if value is not None and key == "id" and value.startswith(RESERVED_PREFIX):
            self.fault(data.line_of(key), f"ids starting with {RESERVED_PREFIX!r} are reserved "
                                          "for users' own cards")
            return None
        if value is not None and not ID_PATTERN.match(value):
            self.fault(
                data.line_of(key),
                f"{key!r} {value!r} must be lowercase letters, digits and dashes (max 64)",
            )
            return None
        return value

    def integer(self, data: LineMap, key: str, *, minimum: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fault(data.line_of(key), f"{key!r} must be a whole number >= {minimum}")
            return None
        return value

    def number(self, data: LineMap, key: str) -> float | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.fault(data.line_of(key), f"{key!r} must be a number")
            return None
        return float(value)

    def boolean(self, data: LineMap, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fault(data.line_of(key), f"{key!r} must be true or false")
            return default
        return value

    def text_list(self, data: LineMap, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(entry, str) and entry.strip() for entry in value
        ):
            self.fault(data.line_of(key), f"{key!r} must be a list of non-empty texts")
            return []
        return [entry.strip() for entry in value]

    def month(self, data: LineMap, key: str, today: date | None) -> str | None:
        """A ``YYYY-MM`` month, not after ``today``'s month when a day is given."""
        value = data.get(key)
        if value is None and key not in data:
            return None
        if not isinstance(value, str) or not MONTH_PATTERN.match(value.strip()):
            self.fault(data.line_of(key), f"{key!r} must be a month YYYY-MM (e.g. 2026-12), "
                                          f"not {value}")
            return None
        value = value.strip()
        if today is not None and value > f"{today:%Y-%m}":
            self.fault(data.line_of(key), f"{key!r} {value} is in the future")
            return None
        return value

    def date(self, data: LineMap, key: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, date):
            self.fault(data.line_of(key), f"{key!r} must be a date (YYYY-MM-DD)")
            return None
        return value
