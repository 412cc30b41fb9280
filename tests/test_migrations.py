"""Alembic: the migrations build the schema the models describe, on SQLite and PostgreSQL,
and upgrading a database of an earlier release keeps its data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, insert, inspect, select

from prep.cli import alembic_config
from prep.models import Base


def schema_drift(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return diff


def test_upgrade_builds_exactly_the_models_schema(empty_database: str) -> None:
    command.upgrade(alembic_config(empty_database), "head")
    assert schema_drift(empty_database) == []
    engine = create_engine(empty_database)
    indexes = {index["name"] for index in inspect(engine).get_indexes("cards")}
    engine.dispose()
    assert {"ix_cards_queue", "uq_cards_user_item"} <= indexes


def test_downgrade_to_base_and_upgrade_again(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(config, "head")
    assert schema_drift(empty_database) == []


def test_revisions_form_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


BEFORE = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
# One of everything, as the first release stored it (the baseline schema's columns).
BASELINE_ROWS: dict[str, list[dict[str, Any]]] = {
    "tracks": [{"id": "t", "name": "Track", "vendor": "V", "description": "", "position": 1}],
    "users": [{"id": 1, "email": "old@example.com", "password_hash": "scrypt$x",
               "session_token": "tok", "is_admin": False, "is_disabled": False,
               "created_at": BEFORE, "desired_retention": 0.9, "new_per_day": 20,
               "reviews_per_day": 200, "learning_steps": [60, 600],
               "relearning_steps": [600], "maximum_interval": 36500, "day_start_hour": 4,
               "timezone": "Europe/Paris", "fsrs_parameters": None}],
    "decks": [{"id": 1, "slug": "t/basics", "track_id": "t", "owner_id": None,
               "title": "Basics", "description": "", "source_path": None, "retired_at": None}],
    "enrollments": [{"user_id": 1, "track_id": "t", "exam_date": None, "created_at": BEFORE}],
    "exams": [{"id": "e", "track_id": "t", "is_primary": True, "code": "E-1", "name": "Exam",
               "vendor": "V", "guide_version": "1", "status": "active", "retired_on": None,
               "successor_id": None, "successor_note": None, "question_count": 1,
               "scored_question_count": None, "minutes": 10, "multiple_response": False,
               "item_types": [], "scoring_kind": "percent", "scale_min": None,
               "scale_max": None, "pass_mark": 70.0, "unverified": []}],
    "exam_domains": [{"id": 1, "exam_id": "e", "number": 1, "name": "Data", "weight": 100.0,
                      "weight_low": None, "weight_high": None, "topics": []}],
    "items": [{"id": 1, "uid": "t-c1", "deck_id": 1, "kind": "card", "prompt": "Front",
               "answer_text": "Back", "options": None, "correct": None, "reference": None,
               "image": None, "tags": ["x"], "content_hash": "h1", "source_path": None,
               "source_line": None, "created_at": BEFORE, "updated_at": BEFORE,
               "retired_at": None},
              {"id": 2, "uid": "t-q1", "deck_id": 1, "kind": "question", "prompt": "Stem",
               "answer_text": None, "options": [{"key": "a", "text": "A", "explanation": "E"},
                                                {"key": "b", "text": "B", "explanation": "F"}],
               "correct": ["a"], "reference": None, "image": None, "tags": [],
               "content_hash": "h2", "source_path": None, "source_line": None,
               "created_at": BEFORE, "updated_at": BEFORE, "retired_at": None}],
    "item_domains": [{"item_id": 2, "domain_id": 1}],
    "cards": [{"id": 1, "user_id": 1, "item_id": 1, "state": 2, "step": None,
               "stability": 3.5, "difficulty": 5.0, "due": BEFORE, "last_review": BEFORE,
               "reps": 1, "lapses": 0, "new_position": 0, "suspended": False,
               "buried_until": None, "flagged": True, "leech": False}],
    "review_logs": [{"id": 1, "user_id": 1, "card_id": 1, "review_uid": "r-1", "rating": 3,
                     "reviewed_at": BEFORE, "duration_ms": 1500,
                     "state_before": {"state": 0, "reps": 0}}],
    "exam_attempts": [{"id": 1, "user_id": 1, "exam_id": "e", "mode": "exam",
                       "status": "graded", "seed": 7, "started_at": BEFORE,
                       "deadline": None, "submitted_at": BEFORE, "question_count": 1,
                       "correct_count": 1, "score_scaled": 100.0, "passed": True,
                       "notes": []}],
    "attempt_questions": [{"id": 1, "attempt_id": 1, "position": 1, "item_id": 2,
                           "option_order": ["b", "a"], "chosen": ["a"], "flagged": False,
                           "correct": True, "answered_at": BEFORE, "time_spent_ms": 4000}],
}


def _as_utc(value: Any) -> Any:
    """Reflected SQLite columns read naive datetimes: prep stores them in UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def test_upgrading_from_the_first_release_keeps_every_row(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "0001_baseline")
    engine = create_engine(empty_database)
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for name, rows in BASELINE_ROWS.items():
            connection.execute(insert(tables.tables[name]), rows)
    command.upgrade(config, "head")
    assert schema_drift(empty_database) == []
    upgraded = MetaData()
    upgraded.reflect(engine)
    with engine.connect() as connection:
        for name, rows in BASELINE_ROWS.items():
            table = upgraded.tables[name]
            stored = [{column: _as_utc(value) for column, value in row._asdict().items()}
                      for row in connection.execute(select(table))]
            assert len(stored) == len(rows), name
            for before, after in zip(rows, stored, strict=True):
                kept = {column: after[column] for column in before if column in after}
                dropped = set(before) - set(after)
                assert dropped <= {"new_position"}, name  # replaced by the active flag
                assert kept == {k: v for k, v in before.items() if k not in dropped}, name
        card = connection.execute(select(upgraded.tables["cards"])).one()
        log = connection.execute(select(upgraded.tables["review_logs"])).one()
    engine.dispose()
    assert card.active and not card.from_exam  # the user studies the card's track
    assert log.previous_state == 0  # derived from the undo snapshot
