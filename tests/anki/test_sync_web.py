"""The "Sync with Anki" page: link, a sync in the background, its status, unlink."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from prep.models import AnkiLink, User
from tests.anki.server import PASSWORD, USERNAME, SyncingPhone, SyncServer
from tests.conftest import FrozenClock, log_in, post_form, refresh
from tests.factories import enrolled_user


def wait_for_syncs(app: Flask) -> None:
    """Let the background syncs this app started finish."""
    for thread in app.extensions.get("prep.anki_syncs", []):
        thread.join(timeout=120)


def linked_client(app: Flask, session: Session, clock: FrozenClock, client: FlaskClient,
                  server: SyncServer) -> User:
    clock.current = datetime.now(UTC).replace(microsecond=0)
    user = enrolled_user(session, clock())
    log_in(client, user.email)
    form = {"endpoint": server.endpoint, "username": USERNAME}
    refused = post_form(client, "/anki/link", {**form, "password": "wrong"})
    assert refused.status_code == 422
    assert "refused the username or password" in refused.get_data(as_text=True)
    linked = post_form(client, "/anki/link", {**form, "password": PASSWORD})
    assert linked.status_code == 303
    return user


def test_link_sync_in_the_background_and_unlink(app: Flask, session: Session,
                                                clock: FrozenClock, client: FlaskClient,
                                                sync_server: SyncServer,
                                                phone: SyncingPhone) -> None:
    user = linked_client(app, session, clock, client, sync_server)
    page = client.get("/anki").get_data(as_text=True)
    assert sync_server.endpoint in page and "never: sync once" in page
    started = post_form(client, "/anki/sync", {})
    assert started.status_code == 303
    wait_for_syncs(app)
    page = client.get("/anki").get_data(as_text=True)
    assert "done." in page and "0 reviews pulled from Anki" in page
    phone.sync()
    assert phone.col.note_count() > 0
    refresh(session)
    assert session.get(AnkiLink, user.id).lease_token is None
    unlinked = post_form(client, "/anki/unlink", {})
    assert unlinked.status_code == 303
    refresh(session)
    assert session.get(AnkiLink, user.id) is None
    assert "Link to a sync server" in client.get("/anki").get_data(as_text=True)


def test_a_running_sync_is_not_started_twice(app: Flask, session: Session, clock: FrozenClock,
                                             client: FlaskClient,
                                             sync_server: SyncServer) -> None:
    user = linked_client(app, session, clock, client, sync_server)
    row = session.get(AnkiLink, user.id)
    row.lease_token, row.lease_until = "another-worker", clock() + timedelta(minutes=5)
    session.commit()
    busy = post_form(client, "/anki/sync", {})
    assert busy.status_code == 409 and "already running" in busy.get_data(as_text=True)
    assert "Running" in client.get("/anki").get_data(as_text=True)
    clock.advance(minutes=20)  # the other worker died: its lease expires
    assert post_form(client, "/anki/sync", {}).status_code == 303
    wait_for_syncs(app)
    refresh(session)
    assert session.get(AnkiLink, user.id).last_result == "ok"


def test_sync_without_a_link_is_refused(user_client: FlaskClient) -> None:
    response = post_form(user_client, "/anki/sync", {})
    assert response.status_code == 409
    assert "Link to a sync server" in response.get_data(as_text=True)


def test_the_page_shows_the_address_phones_use(app: Flask, user_client: FlaskClient) -> None:
    app.config["PREP_ANKI_SYNC_URL"] = "https://prep.example.org/anki/"
    page = user_client.get("/anki").get_data(as_text=True)
    assert 'value="https://prep.example.org/anki/"' in page
    assert "<code>https://prep.example.org/anki/</code>" in page
