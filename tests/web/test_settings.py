"""Settings: parsing, validation beside each field, nothing changed on an error."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from prep.models import User
from prep.study.settings import SettingsError, format_steps, parse_steps, update_settings
from tests.conftest import post_form, refresh

GOOD = {"desired_retention": "0.85", "new_per_day": "15", "reviews_per_day": "300",
        "learning_steps": "1m 10m 1h", "relearning_steps": "", "maximum_interval": "3650",
        "day_start_hour": "5", "timezone": "Europe/Berlin"}


def test_steps_round_trip() -> None:
    assert parse_steps("1m 10m, 1.5h 2d", allow_empty=False) == [60, 600, 5400, 172800]
    assert format_steps([60, 600, 5400, 172800]) == "1m 10m 90m 2d"
    for bad in ("", "10", "5x", "0s", "31d"):
        with pytest.raises(ValueError):
            parse_steps(bad, allow_empty=False)


def test_update_is_all_or_nothing() -> None:
    user = User(desired_retention=0.9, new_per_day=20)
    with pytest.raises(SettingsError) as error:
        update_settings(user, {**GOOD, "desired_retention": "0.5", "timezone": "Mars/Base"})
    assert set(error.value.errors) == {"desired_retention", "timezone"}
    assert (user.desired_retention, user.new_per_day) == (0.9, 20)
    update_settings(user, GOOD)
    assert (user.desired_retention, user.learning_steps, user.relearning_steps) == (
        0.85, [60, 600, 3600], [])


def test_settings_page_saves_and_shows_errors_beside_fields(
    user_client: FlaskClient, session: Session, user: User
) -> None:
    assert post_form(user_client, "/settings", GOOD).status_code == 303
    refresh(session)
    assert session.get(User, user.id).timezone == "Europe/Berlin"
    bad = post_form(user_client, "/settings", {**GOOD, "new_per_day": "lots",
                                                "maximum_interval": "0"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'id="new_per_day-error"' in page and "Enter a whole number." in page
    assert 'id="maximum_interval-error"' in page
    refresh(session)
    assert session.get(User, user.id).new_per_day == 15
