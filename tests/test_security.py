"""Security by default, checked over every route of the URL map: another user's ids give
404, every state-changing route wants a CSRF token, headers and cookies, the admin role.

The matrices are built from ``app.url_map``: a new route with an id argument, or a new
POST route, is covered (or fails loudly until it is classified) without editing a list.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import ReviewLog, User
from tests.conftest import FrozenClock, csrf_token, log_in, post_form, refresh
from tests.factories import make_user, studied_user
from tests.routes import STATE_CHANGING, owned_arguments, rules, snapshot, url_for_rule

# Endpoints anyone may reach without logging in.
PUBLIC = {"auth.login", "auth.register", "health.healthz", "static", "tracks.home",
          "tracks.track"}


@pytest.fixture
def victim(session: Session, clock: FrozenClock) -> User:
    """Ada's neighbour Kim, with data of every kind."""
    return studied_user(session, clock(), "kim@example.com")


def test_another_users_ids_are_404_on_every_route_and_change_nothing(
        app: Flask, user_client: FlaskClient, session: Session, clock: FrozenClock,
        victim: User) -> None:
    owned = owned_arguments(session, victim)
    assert all(owned.values())
    before = snapshot(session, victim.id, clock())
    checked = []
    for rule in rules(app):
        if not rule.arguments & owned.keys():
            continue
        path = url_for_rule(rule, owned)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = user_client.get(path)
            else:
                response = user_client.open(path, method=method,
                                            data={"csrf_token": csrf_token(user_client)})
            assert response.status_code == 404, f"{method} {path}: {response.status_code}"
            checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 15  # every card, attempt and admin route
    # Ids sent in forms rather than URLs.
    card_id = owned["card_id"]
    log_id = session.scalar(select(ReviewLog.id).where(ReviewLog.user_id == victim.id))
    answer = post_form(user_client, "/review/answer", {
        "card_id": card_id, "rating": 3, "reps": 1, "review_uid": "x" * 16})
    assert answer.status_code == 404
    assert post_form(user_client, "/review/undo", {"log_id": log_id}).status_code == 404
    assert snapshot(session, victim.id, clock()) == before


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(
        app: Flask, client: FlaskClient, session: Session, clock: FrozenClock,
        victim: User) -> None:
    victim.is_admin = True  # so that the admin routes are reachable and need their token
    session.commit()
    owned = owned_arguments(session, victim)
    log_in(client, victim.email)
    before = snapshot(session, victim.id, clock())
    checked = []
    for rule in rules(app):
        for method in sorted(rule.methods & STATE_CHANGING):
            path = url_for_rule(rule, owned)
            for data in ({}, {"csrf_token": "forged"}):
                response = client.open(path, method=method, data=data)
                assert response.status_code == 403, f"{method} {path}: {response.status_code}"
            checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 20
    assert snapshot(session, victim.id, clock()) == before


def test_login_required_everywhere_but_the_public_pages(app: Flask, client: FlaskClient,
                                                        session: Session, victim: User) -> None:
    owned = owned_arguments(session, victim)
    for rule in rules(app):
        if rule.endpoint in PUBLIC or "GET" not in rule.methods:
            continue
        response = client.get(url_for_rule(rule, owned))
        assert response.status_code == 302 and "/login" in response.location, rule.rule


def test_security_headers_on_every_page_and_cookie_flags(
        app: Flask, user_client: FlaskClient) -> None:
    for path in ("/", "/review", "/cards", "/account", "/static/css/prep.css", "/nope",
                 "/healthz"):
        with user_client.get(path) as response:
            headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
    assert user_client.get("/review").headers["Cache-Control"] == "no-store"
    cookie = user_client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # plain HTTP in tests; PREP_SECURE_COOKIES=1 turns it on


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_secure_cookies_when_configured(tmp_path: Any, database_url: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from prep import create_app

    monkeypatch.setenv("PREP_INSTANCE_PATH", str(tmp_path / "secure"))
    monkeypatch.setenv("PREP_SECURE_COOKIES", "1")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k"})
    response = app.test_client().get("/login", base_url="https://prep.example")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    app.extensions["prep.engine"].dispose()


def test_login_starts_a_new_session_and_logout_ends_it(app: Flask, client: FlaskClient,
                                                       user: User) -> None:
    client.get("/login")
    anonymous = client.get_cookie("session").value
    log_in(client, user.email)
    logged_in = client.get_cookie("session").value
    assert logged_in != anonymous
    stolen = app.test_client()
    stolen.set_cookie("session", logged_in)
    assert stolen.get("/dashboard").status_code == 200
    post_form(client, "/logout", {})
    assert stolen.get("/dashboard").status_code == 302  # the copied cookie died with the logout


def test_admin_sees_users_and_disables_one(app: Flask, client: FlaskClient, session: Session,
                                           clock: FrozenClock, victim: User) -> None:
    admin = make_user(session, clock(), "root@example.com")
    admin.is_admin = True
    session.commit()
    victims_browser = app.test_client()
    log_in(victims_browser, victim.email)
    log_in(client, admin.email)
    page = client.get("/admin/users").get_data(as_text=True)
    assert page.count('data-testid="user-row"') == 2 and "kim@example.com" in page
    assert post_form(client, f"/admin/users/{admin.id}/disable", {}).status_code == 303
    assert post_form(client, f"/admin/users/{victim.id}/disable", {}).status_code == 303
    refresh(session)
    assert session.get(User, victim.id).is_disabled and not session.get(User, admin.id).is_disabled
    assert victims_browser.get("/review").status_code == 302  # logged out at once
    refused = post_form(app.test_client(), "/login", {"email": victim.email,
                                                       "password": "correct horse battery"})
    assert refused.status_code == 401
    assert post_form(client, "/admin/users/99999/disable", {}).status_code == 404
    post_form(client, f"/admin/users/{victim.id}/disable", {})  # enable again
    log_in(app.test_client(), victim.email)


def test_nul_characters_are_refused_before_any_view(user_client: FlaskClient) -> None:
    response = post_form(user_client, "/settings", {"timezone": "UTC\x00"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert user_client.get("/cards?q=a%00b").status_code == 400
    token = csrf_token(user_client)
    nested = user_client.post("/login", json={"email": ["a\x00@example.com"],
                                              "password": ["x"], "csrf_token": [token]},
                              headers={"X-CSRFToken": token})
    assert nested.status_code == 400
    deep = user_client.post("/login", data="[" * 100_000, content_type="application/json",
                            headers={"X-CSRFToken": token})
    assert deep.status_code == 400
