"""Alembic environment: runs prep's migrations against ``DATABASE_URL`` (or the CLI's URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from prep.db import make_engine
from prep.models import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url

    from prep.config import PROJECT_ROOT, load_config

    return load_config(PROJECT_ROOT / "instance", {"SECRET_KEY": "unused"})["DATABASE_URL"]


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection (given by a caller, or made from the URL)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_database_url())
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            _run(connection)
        else:
            _run_without_foreign_keys(connection)
    engine.dispose()


def _run_without_foreign_keys(connection: Connection) -> None:
    """SQLite: batch migrations rebuild a table by copying it and dropping the old one; with
    foreign keys on, that drop would cascade and delete the rows that refer to it (every
    review log of a rebuilt ``cards`` table). So foreign keys are off while migrating (the
    pragma only takes effect outside a transaction) and checked afterwards."""
    raw = connection.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(connection)
        if problems := raw.execute("PRAGMA foreign_key_check").fetchall():
            raise RuntimeError(f"foreign keys broken by the migration: {problems[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("prep runs migrations online only: use `prep db upgrade`")
run_migrations_online()
