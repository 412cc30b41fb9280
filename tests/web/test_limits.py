"""Failed-login rate limits on memory storage and on Redis (shared by every worker).

Redis comes from ``PREP_TEST_REDIS_URL`` (.ci/run sets redis://127.0.0.1:6379/0): locally
the Redis case skips when it is unset; under CI an unset or unreachable Redis fails.
"""

from __future__ import annotations

import io
import os
import uuid

import pytest
from flask.testing import FlaskClient

from tests.conftest import IN_CI, csrf_token
from tests.factories import PASSWORD

PER_ACCOUNT, PER_ADDRESS = 5, 8


def redis_url() -> str:
    url = os.environ.get("PREP_TEST_REDIS_URL")
    if not url:
        if IN_CI:
            pytest.fail("PREP_TEST_REDIS_URL is not set: under CI the Redis tests must run")
        pytest.skip("PREP_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis unreachable under CI: {error}")
        pytest.skip(f"Redis unreachable: {error}")
    return url


@pytest.fixture(params=["memory", "redis"])
def app_overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    storage = "memory://" if request.param == "memory" else redis_url()
    return {
        "RATELIMIT_STORAGE_URI": storage,
        # A prefix per test, so that runs sharing one Redis never see each other's counts.
        "RATELIMIT_KEY_PREFIX": f"prep-test-{uuid.uuid4().hex}",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,  # a Redis fault must not hide here
        "RATELIMIT_SWALLOW_ERRORS": False,
        "PREP_LOGIN_LIMIT_PER_ACCOUNT": f"{PER_ACCOUNT} per 15 minutes",
        "PREP_LOGIN_LIMIT_PER_ADDRESS": f"{PER_ADDRESS} per 15 minutes",
    }


def attempt(client: FlaskClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                       "email": email, "password": password})


def test_the_next_failed_login_after_the_limit_is_429_with_when_to_retry(
        client: FlaskClient, user) -> None:  # type: ignore[no-untyped-def]
    for _ in range(PER_ACCOUNT):
        assert attempt(client, user.email, "wrong password").status_code == 401
    locked = attempt(client, user.email, PASSWORD)  # even the right password waits now
    page = locked.get_data(as_text=True)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "try again in 15 minutes" in page and " UTC)" in page
    # Another account from the same address is not locked by this one's failures.
    assert attempt(client, "someone@example.com", "wrong password").status_code == 401


def test_successful_logins_do_not_count(client: FlaskClient, user) -> None:  # type: ignore[no-untyped-def]
    for _ in range(PER_ACCOUNT + 2):
        assert attempt(client, user.email, PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client)})


def test_many_accounts_from_one_address_hit_the_address_limit(client: FlaskClient) -> None:
    for n in range(PER_ADDRESS):
        assert attempt(client, f"guess{n}@example.com", "wrong password").status_code == 401
    assert attempt(client, "fresh@example.com", "wrong password").status_code == 429


def test_heavy_pages_are_limited_per_user(app, user_client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    app.config["PREP_HEAVY_LIMIT"] = "2 per hour"
    assert [user_client.get("/settings/workload").status_code for _ in range(3)] == [200, 200,
                                                                                      429]


def test_card_writes_imports_and_exports_are_limited_per_user(  # type: ignore[no-untyped-def]
        app, user_client: FlaskClient, session, clock) -> None:
    from tests.conftest import log_in, post_form
    from tests.factories import load_decks, make_user

    load_decks(session, clock())
    for setting in ("PREP_CARD_WRITE_LIMIT", "PREP_IMPORT_LIMIT", "PREP_EXPORT_LIMIT"):
        app.config[setting] = "2 per hour"
    cards = [post_form(user_client, "/cards/new", {"deck": "D", "front": f"F{n}", "back": "B"})
             for n in range(3)]
    assert [r.status_code for r in cards] == [303, 303, 429]
    assert "Try again in" in cards[2].get_data(as_text=True) and cards[2].headers["Retry-After"]
    card_id = int(cards[0].headers["Location"].rsplit("/", 1)[1])
    edits = [post_form(user_client, f"/cards/{card_id}/edit",
                       {"deck": "D", "front": f"E{n}", "back": "B"}) for n in range(3)]
    assert [r.status_code for r in edits] == [303, 303, 429]
    csv = [post_form(user_client, "/cards/import", {"deck": "I", "file": (
        io.BytesIO(f"Q{n},A\n".encode()), "c.csv")},
        content_type="multipart/form-data") for n in range(3)]
    assert [r.status_code for r in csv] == [303, 303, 429]
    downloads = [user_client.get("/account/data.json") for _ in range(3)]
    assert [r.status_code for r in downloads] == [200, 200, 429]
    packages = [user_client.get("/export/anki.apkg?track=alpha") for _ in range(3)]
    assert [r.status_code for r in packages] == [200, 200, 429]
    imports = [post_form(user_client, "/account/import", {"data_file": (
        io.BytesIO(b"{}"), "d.json")}, content_type="multipart/form-data")
        for _ in range(3)]
    assert [r.status_code for r in imports] == [422, 422, 429]
    # Another user has budgets of their own.
    make_user(session, clock(), "other@example.com")
    other = app.test_client()
    log_in(other, "other@example.com")
    assert post_form(other, "/cards/new", {"deck": "D", "front": "F", "back": "B"}
                     ).status_code == 303
    assert other.get("/account/data.json").status_code == 200


def test_guessing_from_elsewhere_never_locks_out_a_browser_that_logged_in_before(  # type: ignore[no-untyped-def]
        app, client: FlaskClient, user) -> None:
    app.config["PREP_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE"] = "6 per 15 minutes"
    assert attempt(client, user.email, PASSWORD).status_code == 302  # the owner's browser
    client.post("/logout", data={"csrf_token": csrf_token(client)})

    def browser_at(address: str) -> FlaskClient:
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        return browser

    guesser = browser_at("10.0.0.1")
    results = [attempt(guesser, user.email, "wrong password").status_code for _ in range(6)]
    assert results == [401] * PER_ACCOUNT + [429]  # one address: the pair's limit
    # Another address gets one more guess: the sixth failure, the account's limit from
    # anywhere; then every new browser waits, whatever its address.
    assert attempt(browser_at("10.0.0.2"), user.email, "wrong password").status_code == 401
    assert attempt(browser_at("10.0.0.9"), user.email, "wrong password").status_code == 429
    # A new browser now waits (the trade-off: guessing stays bounded), but the owner's
    # browser, which logged in before, logs in at once: the right password, first time.
    assert attempt(browser_at("10.0.0.9"), user.email, PASSWORD).status_code == 429
    assert attempt(client, user.email, PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    # Its own mistakes still count, per browser.
    mine = [attempt(client, user.email, "wrong password").status_code for _ in range(6)]
    assert mine == [401] * PER_ACCOUNT + [429]
