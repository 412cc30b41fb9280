"""A card's scheduling fields as one value: ``CardSchedule``.

An answer changes exactly these fields, a review log keeps them as they were before (its
``state_before``, so that an undo can put them back), and the account data file carries
them. ``to_dict`` is the JSON form (times as ISO 8601 with their UTC offset); ``from_dict``
checks a stored or uploaded one field by field, so a damaged or tampered snapshot is refused
with a message and never reaches a card.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, ClassVar

from prep.models import Card, CardState

_NONE = type(None)


@dataclass(frozen=True)
class CardSchedule:
    """The FSRS memory state of a card plus the flags an answer can change."""

    state: CardState
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    suspended: bool
    leech: bool

    FIELDS: ClassVar[tuple[str, ...]]
    # The JSON type(s) each field may have (bool is an int in Python: listed where allowed).
    _KINDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "state": (int,), "step": (int, _NONE), "stability": (int, float, _NONE),
        "difficulty": (int, float, _NONE), "due": (str,), "last_review": (str, _NONE),
        "reps": (int,), "lapses": (int,), "suspended": (bool,), "leech": (bool,),
    }

    @classmethod
    def of(cls, card: Card) -> CardSchedule:
        """The fields as ``card`` holds them now (a Card, or a replay copy with its fields)."""
        return cls(CardState(card.state), card.step, card.stability, card.difficulty, card.due,
                   card.last_review, card.reps, card.lapses, card.suspended, card.leech)

    def columns(self) -> dict[str, Any]:
        """The card columns and their values (for an UPDATE)."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: times as ISO 8601 text."""
        values = self.columns()
        values["state"] = int(self.state)
        values["due"] = self.due.isoformat()
        values["last_review"] = self.last_review.isoformat() if self.last_review else None
        return values

    @classmethod
    def from_dict(cls, data: Any) -> CardSchedule:
        """Check and read a JSON form; ValueError saying what is wrong.

        Only these fields, each of its type, are accepted: a snapshot cannot move a card to
        another item or user.
        """
        if not isinstance(data, dict) or set(data) != set(cls.FIELDS):
            raise ValueError(f"expected exactly the fields {', '.join(cls.FIELDS)}")
        values: dict[str, Any] = {}
        for name in cls.FIELDS:
            value, kinds = data[name], cls._KINDS[name]
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                raise ValueError(f"{name}: wrong type")
            if isinstance(value, str):  # due and last_review
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    raise ValueError(f"{name}: the time needs a UTC offset")
            values[name] = value
        if values["state"] not in _STATES or values["reps"] < 0 or values["lapses"] < 0:
            raise ValueError("state, reps or lapses out of range")
        values["state"] = CardState(values["state"])
        return cls(**values)


CardSchedule.FIELDS = tuple(field.name for field in fields(CardSchedule))
_STATES = frozenset(CardState)
