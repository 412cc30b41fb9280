"""Cross-cutting web behaviour: security headers, health, error pages."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for path in ("/", "/login", "/nope", "/healthz", "/static/css/prep.css"):
        response = client.get(path)
        response.close()
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_health_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_redirect_targets_stay_on_the_site() -> None:
    from prep.web import local_path

    for evil in ("//evil.example/x", "/\\evil.example", "https://evil.example", "javascript:x"):
        assert local_path(evil, "/home") == "/home"
    assert local_path("/cards/3?x=1", "/home") == "/cards/3?x=1"
    assert local_path(None, "/home") == "/home"
