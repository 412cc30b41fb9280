"""Alembic: the migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

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
