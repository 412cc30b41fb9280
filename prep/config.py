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
        instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
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
        # Anki sync: each user's cached collection (rebuilt from the sync server and the
        # database when missing), and the sync server the web panel suggests.
        "PREP_ANKI_DIR": os.environ.get("PREP_ANKI_DIR", str(instance_path / "anki")),
        "PREP_ANKI_SYNC_URL": os.environ.get("PREP_ANKI_SYNC_URL", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PREP_SECURE_COOKIES", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        # Rate limits (Flask-Limiter). Memory storage counts per process; set
        # PREP_RATELIMIT_STORAGE_URL (redis://...) so that every worker shares the counts.
        "RATELIMIT_STORAGE_URI": os.environ.get("PREP_RATELIMIT_STORAGE_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": "prep",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,  # Redis down: per-process limits
        "RATELIMIT_SWALLOW_ERRORS": True,
        "PREP_LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("PREP_LOGIN_LIMIT_PER_ACCOUNT",
                                                       "5 per 15 minutes"),
        "PREP_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE": os.environ.get(
            "PREP_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE", "20 per hour"),
        "PREP_LOGIN_LIMIT_PER_ADDRESS": os.environ.get("PREP_LOGIN_LIMIT_PER_ADDRESS",
                                                       "20 per 15 minutes"),
        "PREP_REGISTER_LIMIT": os.environ.get("PREP_REGISTER_LIMIT", "10 per hour"),
        "PREP_HEAVY_LIMIT": os.environ.get("PREP_HEAVY_LIMIT", "20 per hour"),
        "PREP_REPORT_LIMIT": os.environ.get("PREP_REPORT_LIMIT", "10 per hour"),
        "PREP_CARD_WRITE_LIMIT": os.environ.get("PREP_CARD_WRITE_LIMIT", "300 per hour"),
        "PREP_IMPORT_LIMIT": os.environ.get("PREP_IMPORT_LIMIT", "10 per hour"),
        "PREP_EXPORT_LIMIT": os.environ.get("PREP_EXPORT_LIMIT", "30 per hour"),
        # Logins end this long after they began; admins' after this long without a request.
        "PREP_SESSION_LIFETIME_DAYS": float(os.environ.get("PREP_SESSION_LIFETIME_DAYS", "30")),
        "PREP_ADMIN_IDLE_MINUTES": float(os.environ.get("PREP_ADMIN_IDLE_MINUTES", "30")),
        # Per user: own cards, and characters of their Markdown and HTML together.
        "PREP_OWN_CARDS_MAX": int(os.environ.get("PREP_OWN_CARDS_MAX", "10000")),
        "PREP_OWN_CARDS_MAX_CHARS": int(os.environ.get("PREP_OWN_CARDS_MAX_CHARS", "50000000")),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0 = none).
        "PREP_PROXY_HOPS": int(os.environ.get("PREP_PROXY_HOPS", "0")),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret(instance_path)
    return config
