"""Configuration from the environment, with safe defaults for the embedded SQLite setup."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_secret(instance_path: Path) -> str:
    """A secret key generated once and kept in the instance folder (never hard-coded)."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's settings: environment variables, then ``overrides`` (tests pass these)."""
    overrides = overrides or {}
    config: dict[str, Any] = {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'prep.sqlite3'}"
        ),
        "PREP_DECKS_DIR": os.environ.get("PREP_DECKS_DIR", str(PROJECT_ROOT / "decks")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PREP_SECURE_COOKIES", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret(instance_path)
    return config
