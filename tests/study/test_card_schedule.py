"""CardSchedule: a card's scheduling fields, their JSON form and its checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prep.models import Card, CardState
from prep.study.card_schedule import CardSchedule


def reviewed_card() -> Card:
    return Card(id=1, state=CardState.REVIEW, step=None, stability=12.5, difficulty=4.0,
                due=datetime(2026, 3, 9, 8, tzinfo=UTC),
                last_review=datetime(2026, 2, 25, 8, tzinfo=UTC), reps=6, lapses=1,
                suspended=False, leech=False)


def test_the_json_form_reads_back_to_the_same_fields() -> None:
    schedule = CardSchedule.of(reviewed_card())
    stored = schedule.to_dict()
    assert stored["due"] == "2026-03-09T08:00:00+00:00" and stored["state"] == 2
    assert CardSchedule.from_dict(stored) == schedule
    assert set(schedule.columns()) == set(CardSchedule.FIELDS)


@pytest.mark.parametrize(("change", "message"), [
    ({"user_id": 9}, "expected exactly the fields"),
    ({"due": "2026-03-09T08:00:00"}, "due: the time needs a UTC offset"),
    ({"state": 4}, "state, reps or lapses out of range"),
    ({"reps": -1}, "state, reps or lapses out of range"),
    ({"suspended": 1}, "suspended: wrong type"),
    ({"reps": True}, "reps: wrong type"),
])
def test_a_damaged_json_form_is_refused_with_what_is_wrong(change: dict, message: str) -> None:
    stored = {**CardSchedule.of(reviewed_card()).to_dict(), **change}
    with pytest.raises(ValueError, match=message):
        CardSchedule.from_dict(stored)
