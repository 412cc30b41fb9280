"""Accounts: register, log in, log out; hashed passwords; messages next to the field."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import User
from tests.conftest import log_in, post_form, refresh
from tests.factories import PASSWORD


def register(client: FlaskClient, email: str, password: str = PASSWORD, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return post_form(client, "/register", {
        "email": email, "password": password, "confirm": password if confirm is None else confirm,
    })


def test_register_hashes_the_password_and_logs_in(client: FlaskClient, session: Session) -> None:
    response = register(client, "  New.User@Example.com ")
    assert response.status_code == 302
    user = session.scalars(select(User)).one()
    assert user.email == "new.user@example.com"
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    page = client.get("/").get_data(as_text=True)
    assert "new.user@example.com" in page and "Log out" in page


def test_register_errors_sit_next_to_their_field(client: FlaskClient, session: Session,
                                                 user: User) -> None:
    response = register(client, "ada@example.com")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and "already exists" in page
    short = register(client, "bo@example.com", "short").get_data(as_text=True)
    assert 'id="password-error"' in short and "at least 10" in short
    mismatch = register(client, "bo@example.com", PASSWORD, "something else").get_data(
        as_text=True)
    assert 'id="confirm-error"' in mismatch and "The passwords differ." in mismatch
    bad_email = register(client, "not-an-email").get_data(as_text=True)
    assert 'id="email-error"' in bad_email
    assert session.scalars(select(User.email)).all() == ["ada@example.com"]


def test_login_with_a_wrong_password_says_so(client: FlaskClient, user: User) -> None:
    response = post_form(client, "/login", {"email": user.email, "password": "wrong password"})
    assert response.status_code == 401
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    unknown = post_form(client, "/login", {"email": "nobody@example.com", "password": PASSWORD})
    assert unknown.status_code == 401


def test_logout_invalidates_the_old_session_cookie(client: FlaskClient, user: User) -> None:
    log_in(client, user.email)
    stolen = client.get_cookie("session").value
    assert post_form(client, "/logout", {}).status_code == 302
    thief = client.application.test_client()
    thief.set_cookie("session", stolen)
    assert "ada@example.com" not in thief.get("/").get_data(as_text=True)


def test_login_does_not_follow_offsite_next(client: FlaskClient, user: User) -> None:
    response = post_form(client, "/login?next=//evil.example/x",
                         {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/today"
    client.application.test_client()
    other = client.application.test_client()
    response = post_form(other, "/login?next=/tracks/alpha",
                         {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/tracks/alpha"


def test_forms_without_csrf_token_are_refused(client: FlaskClient, session: Session) -> None:
    response = client.post("/register", data={
        "email": "eve@example.com", "password": PASSWORD, "confirm": PASSWORD,
    })
    assert response.status_code == 403
    assert session.scalars(select(User)).all() == []
    assert client.post("/login", data={"email": "x@example.com", "password": "y"}).status_code \
        == 403


def test_logout_needs_a_login(client: FlaskClient) -> None:
    response = post_form(client, "/logout", {})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_head_requests_of_the_forms_are_ok(client: FlaskClient) -> None:
    assert client.head("/login").status_code == 200
    assert client.head("/register").status_code == 200


def test_register_validates_the_address_properly(client: FlaskClient, session: Session) -> None:
    # Each passed the earlier pattern (something@something.something) and none can get mail.
    for email in ("a..b@example.com", ".lead@example.com", "trail.@example.com",
                  "under@exa_mple.com", "reserved@mail.test", "x@[127.0.0.1].com",
                  "sp ace@example.com"):
        response = register(client, email)
        assert response.status_code == 422, email
        assert 'id="email-error"' in response.get_data(as_text=True), email
    assert session.scalars(select(User)).all() == []
    assert register(client, "Jo.O'Neil+prep@Example.org").status_code == 302
    refresh(session)
    assert session.scalars(select(User.email)).all() == ["jo.o'neil+prep@example.org"]


def test_a_login_ends_after_its_lifetime_and_an_idle_admin_is_logged_out(
        app, client: FlaskClient, session: Session, user: User,  # type: ignore[no-untyped-def]
        clock) -> None:
    log_in(client, user.email)
    clock.advance(days=29, hours=23)
    assert client.get("/account").status_code == 200  # in use all along: still logged in
    clock.advance(hours=1, seconds=1)
    assert client.get("/account").status_code == 302  # 30 days after the login
    log_in(client, user.email)
    assert client.get("/account").status_code == 200  # a new login starts a new lifetime

    user.is_admin = True
    session.commit()
    admin = app.test_client()
    log_in(admin, user.email)
    for _ in range(6):  # two hours of work with a request every 20 minutes
        clock.advance(minutes=20)
        assert admin.get("/admin/users").status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert admin.get("/admin/users").status_code == 302  # logged out: to the login page
    assert admin.get("/account").status_code == 302
