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
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("prep runs migrations online only: use `prep db upgrade`")
run_migrations_online()
