"""prep: a self-hosted spaced-repetition exam-prep engine for ML certifications.

``create_app`` is the application factory; it builds the app in named steps so that each
concern (configuration, database, extensions, blueprints, errors, headers, commands) is
set up in one place. ``prep.serving`` holds the settings for serving it with gunicorn.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from prep.clock import utc_now
from prep.config import PROJECT_ROOT, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the prep web app; ``config`` overrides settings from the environment."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PREP_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)  # its owner's only
    app.config.update(load_config(Path(app.instance_path), config))
    app.config.setdefault("PREP_CLOCK", utc_now)

    from prep.db import init_db
    from prep.logs import register_logging
    from prep.web import (
        register_blueprints,
        register_errorhandlers,
        register_extensions,
        register_request_guards,
        register_security_headers,
    )

    register_logging(app)
    init_db(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_guards(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_commands(app: Flask) -> None:
    """The ``prep`` command groups: db, decks, export, fsrs, user, anki."""
    from prep.cli import anki_cli, db_cli, decks_cli, export_cli, fsrs_cli, user_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(decks_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(fsrs_cli)
    app.cli.add_command(anki_cli)
