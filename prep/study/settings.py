"""Review settings: parsing and validating what a user types, then applying it all at once."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from prep.models import User
from prep.study.new_order import NEW_CARD_ORDERS

_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RETENTION_RANGE = (0.70, 0.99)


class SettingsError(ValueError):
    """Invalid settings; ``errors`` maps each bad field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def format_steps(seconds: list[int]) -> str:
    """Steps as a user writes them: ``1m 10m``."""
    parts = []
    for value in seconds:
        unit = next(u for u in ("d", "h", "m", "s") if value % _UNIT_SECONDS[u] == 0)
        parts.append(f"{value // _UNIT_SECONDS[unit]}{unit}")
    return " ".join(parts)


def parse_steps(text: str, *, allow_empty: bool) -> list[int]:
    """``"1m 10m"`` -> ``[60, 600]``; raises ValueError with a message for the user."""
    words = text.replace(",", " ").split()
    if not words and not allow_empty:
        raise ValueError("Give at least one step, like 1m 10m.")
    if len(words) > 10:
        raise ValueError("Use at most 10 steps.")
    steps = []
    for word in words:
        match = _STEP.match(word.lower())
        if not match:
            raise ValueError(f"{word[:20]!r} is not a step: write a number and s, m, h or d.")
        seconds = round(float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
        if not 1 <= seconds <= 30 * 86400:
            raise ValueError("Each step must be between 1 second and 30 days.")
        steps.append(seconds)
    return steps


def _number(raw: str, kind: type, low: float, high: float, label: str) -> int | float:
    try:
        value = kind(raw.strip())
    except ValueError:
        raise ValueError(f"Enter {label}.") from None
    if not low <= value <= high:
        raise ValueError(f"Enter a value from {low:g} to {high:g}.")
    return value


def _choice(raw: str, choices: dict[str, str]) -> str | None:
    """One of ``choices`` (None when left out: the setting stays as it is)."""
    value = raw.strip()
    if not value:
        return None
    if value not in choices:
        raise ValueError(f"Choose one of: {', '.join(choices.values())}.")
    return value


def _timezone(raw: str) -> str:
    name = raw.strip()
    if name not in available_timezones() and name != "UTC":
        raise ValueError("Pick a time zone such as Europe/Berlin or America/New_York.")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("Unknown time zone.") from None
    return name


_PARSERS = {
    "desired_retention": lambda raw: _number(raw, float, *RETENTION_RANGE, "a number like 0.9"),
    "new_per_day": lambda raw: _number(raw, int, 0, 9999, "a whole number"),
    "reviews_per_day": lambda raw: _number(raw, int, 0, 99999, "a whole number"),
    "learning_steps": lambda raw: parse_steps(raw, allow_empty=False),
    "relearning_steps": lambda raw: parse_steps(raw, allow_empty=True),
    "maximum_interval": lambda raw: _number(raw, int, 1, 36500, "a number of days"),
    "day_start_hour": lambda raw: _number(raw, int, 0, 23, "an hour from 0 to 23"),
    "timezone": _timezone,
    "new_card_order": lambda raw: _choice(raw, NEW_CARD_ORDERS),
}
FIELDS = tuple(_PARSERS)


def current_values(user: User) -> dict[str, str]:
    """The user's settings as the form shows them."""
    values = {name: str(getattr(user, name)) for name in FIELDS}
    values["learning_steps"] = format_steps(user.learning_steps)
    values["relearning_steps"] = format_steps(user.relearning_steps)
    return values


def update_settings(user: User, raw: dict[str, str]) -> None:
    """Apply every field, or none: any invalid field raises SettingsError and changes nothing."""
    for name, value in parse_settings(raw).items():
        if value is not None:  # a field that parses to None keeps its value
            setattr(user, name, value)


def parse_settings(raw: dict[str, str]) -> dict[str, object]:
    """Every field parsed; SettingsError with a message per invalid field."""
    parsed: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, parser in _PARSERS.items():
        try:
            parsed[name] = parser(str(raw.get(name, ""))[:200])
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise SettingsError(errors)
    return parsed
