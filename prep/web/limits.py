"""Rate limits (Flask-Limiter): failed logins per account and per address, sign-ups per
address, wrong current passwords and CPU-heavy pages (optimiser, simulator, Anki import) per
user, per user the writes and files that cost rendering, parsing or export time (own cards,
imports, exports), and problem reports per user.
Memory storage by default; Redis (shared by every worker) when ``PREP_RATELIMIT_STORAGE_URL``
is set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from prep.accounts import normalise_email


def _configured(name: str):
    return lambda: current_app.config[name]


def _refused(response) -> bool:
    """Only wrong passwords (401) count towards a lockout, not other form mistakes."""
    return response.status_code == 401


def _account_key() -> str:
    return "account:" + normalise_email(str(request.form.get("email", "")))[:254]


def _pair_key() -> str:
    return f"{_account_key()}|address:{get_remote_address()}"


# A browser that has logged into an account carries a signed cookie saying so. Its failed
# logins count on their own: nobody guessing from elsewhere can lock it out of the account.
DEVICE_COOKIE = "prep_device"
DEVICE_DAYS = 180


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt="prep-known-device")


def _account_digest(email: str) -> str:
    # Keyed, so that the (signed, not encrypted) cookie does not give the address away.
    key = str(current_app.secret_key).encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def known_device() -> str | None:
    """The id of this browser if it has logged into the account the form names, else None."""
    cookie = request.cookies.get(DEVICE_COOKIE, "")
    try:
        account, device = _device_signer().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    if account != _account_digest(str(request.form.get("email", ""))[:254]):
        return None
    return str(device)


def remember_device(response: Response, email: str) -> None:
    """Mark this browser as one that logged into ``email``'s account (after a login)."""
    value = _device_signer().dumps([_account_digest(email), secrets.token_hex(8)])
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])


def _device_key() -> str:
    return f"device:{known_device()}"


def _user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


@dataclass(frozen=True)
class RateLimit:
    """A limit on one endpoint: the config key of its rate, whose requests it counts, and
    whether only refused requests count."""

    setting: str
    key: Callable[[], str] = get_remote_address
    only_refused: bool = False
    methods: tuple[str, ...] = ("POST",)
    exempt: Callable[[], bool] | None = None  # requests it does not apply to


def _known() -> bool:
    return known_device() is not None


def _unknown() -> bool:
    return known_device() is None


# Failed logins, from a browser new to the account: per account and address (one guesser),
# per account from anywhere (many addresses guessing one password) and per address (one
# address trying many accounts). From a browser that has logged into the account before:
# per browser only, so that no guesser elsewhere can lock its owner out. Sign-ups per
# address; wrong current passwords on the pages that ask for one (change, delete).
LIMITS = {
    "auth.login": (RateLimit("PREP_LOGIN_LIMIT_PER_ACCOUNT", _pair_key, only_refused=True,
                             exempt=_known),
                   RateLimit("PREP_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE", _account_key,
                             only_refused=True, exempt=_known),
                   RateLimit("PREP_LOGIN_LIMIT_PER_ADDRESS", only_refused=True, exempt=_known),
                   RateLimit("PREP_LOGIN_LIMIT_PER_ACCOUNT", _device_key, only_refused=True,
                             exempt=_unknown)),
    "auth.register": (RateLimit("PREP_REGISTER_LIMIT"),),
    "account.change_password": (RateLimit("PREP_LOGIN_LIMIT_PER_ACCOUNT", _user_key,
                                          only_refused=True),),
    "account.delete": (RateLimit("PREP_LOGIN_LIMIT_PER_ACCOUNT", _user_key, only_refused=True),),
    # Seconds of CPU each (fsrs-rs training, simulation): not a loop anyone should run.
    "settings.optimise_preview": (RateLimit("PREP_HEAVY_LIMIT", _user_key),),
    "settings.optimise_apply": (RateLimit("PREP_HEAVY_LIMIT", _user_key),),
    "settings.workload": (RateLimit("PREP_HEAVY_LIMIT", _user_key, methods=("GET",)),),
    # Reports land in an admin's list: a burst of them is noise, not feedback.
    "reports.create": (RateLimit("PREP_REPORT_LIMIT", _user_key),),
    # Anki reads the upload and every touched card is replayed: seconds for a large one.
    "account.import_anki": (RateLimit("PREP_HEAVY_LIMIT", _user_key),),
    # Each asks the Anki sync server (a login, or a whole sync in the background).
    "anki.link_account": (RateLimit("PREP_HEAVY_LIMIT", _user_key),),
    "anki.start_sync": (RateLimit("PREP_HEAVY_LIMIT", _user_key),),
    # Each renders Markdown, parses a file or writes one: cheap alone, not in a loop.
    "cards.new": (RateLimit("PREP_CARD_WRITE_LIMIT", _user_key),),
    "cards.edit": (RateLimit("PREP_CARD_WRITE_LIMIT", _user_key),),
    "cards.import_cards": (RateLimit("PREP_IMPORT_LIMIT", _user_key),),
    "account.import_data": (RateLimit("PREP_IMPORT_LIMIT", _user_key),),
    "account.download": (RateLimit("PREP_EXPORT_LIMIT", _user_key, methods=("GET",)),),
    "tracks.export_anki": (RateLimit("PREP_EXPORT_LIMIT", _user_key, methods=("GET",)),),
}
# Where a refusal protects the account from password guessing (the others protect the site).
_GUESSES = {"auth.login", "account.change_password", "account.delete"}


def wait_text(seconds: int) -> str:
    """A wait as people say it: "45 seconds", "3 minutes", "1 hour 5 minutes"."""
    if seconds < 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hour{'s' * (hours != 1)}" + (f" {minutes} minutes" if minutes else "")


def register_rate_limits(app: Flask) -> None:
    """Wrap the limited views with a limiter of this app's own (its storage, prefix and
    rates come from ``app.config``), and answer a breach with when to try again."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    app.extensions["prep.limiter"] = limiter
    for endpoint, limits in LIMITS.items():
        view: Callable[..., Any] = app.view_functions[endpoint]
        for n, limit in enumerate(limits):
            view = limiter.limit(
                _configured(limit.setting), key_func=limit.key, methods=list(limit.methods),
                deduct_when=_refused if limit.only_refused else None,
                exempt_when=limit.exempt, scope=f"{endpoint}-{n}",
            )(view)
        app.view_functions[endpoint] = view

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded) -> ResponseReturnValue:
        current = app.extensions["prep.limiter"].current_limit
        reset_at = current.reset_at if current else int(time.time()) + 60
        wait = max(1, int(reset_at - time.time()))
        at = datetime.fromtimestamp(reset_at, UTC).strftime("%H:%M UTC")
        if request.endpoint in _GUESSES:
            message = (f"Too many attempts. For your account's safety, try again in "
                       f"{wait_text(wait)} (at {at}).")
        else:
            message = (f"You have done this many times in a short while. Try again in "
                       f"{wait_text(wait)} (at {at}).")
        page = render_template("error.html", code=429, message=message)
        return page, 429, {"Retry-After": str(wait)}
