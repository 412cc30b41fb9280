"""Live two-way sync with Anki through Anki's own sync server and the ``anki`` package's own
client calls (``sync_login``, ``sync_collection``, ``full_upload_or_download``,
``sync_media``): no protocol of prep's making.

prep keeps, per user, a cache of the collection under ``PREP_ANKI_DIR`` (by default
``instance/anki/user-<id>-<account>/collection.anki2`` with its media folder). It is only a
cache: the sync server holds the collection and the database holds prep's history, so a
missing or stale cache is rebuilt (downloaded, or written from the database and uploaded
when the server has none). One sync:

1. claims the user's lease (a guarded UPDATE of ``anki_links``: one sync per user across
   workers and machines; a lease left by a crashed worker expires);
2. brings the cache up to date with the server (a normal sync; a server that demands a full
   sync gets a fresh download: prep's side is rebuilt from the database below);
3. adds the phone's answers to prep's history (``prep.anki.history``: exactly once, cards
   replayed in time order) in one short write;
4. writes prep's side into the collection: new and changed notes (prep's .apkg through
   Anki's importer), retired items and dropped tracks suspended and tagged, each studied
   card's state, and each web answer not yet in Anki as a revlog row; the revlog ids are
   stored first (one short write), so an answer can never come back as a phone answer;
5. syncs again (a full upload instead when the collection is new or its note types
   changed), then media, and stores the result with the lease released.

The network and Anki work never runs inside a database write transaction. This module
commits its own short units of work, because a sync is a series of them around network
calls; everything else here flushes only.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from anki.collection import Collection
from anki.errors import NetworkError, SyncError, SyncErrorKind
from anki.sync import SyncAuth, SyncOutput
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from prep.anki import mirror
from prep.anki.collection_state import PrepSide, read_prep_side
from prep.anki.history import apply_plan, known_revlog_ids, plan_ingest, read_collection
from prep.models import AnkiLink, ReviewLog, User
from prep.models.base import rows_matched

LEASE = timedelta(minutes=15)  # longer than any sync; a crashed worker's lease expires
IO_TIMEOUT = 60  # seconds without progress before the sync client gives up
MEDIA_TIMEOUT = 300.0
Progress = Callable[[str], None]  # told each step: "pulling", then "pushing"


class AnkiSyncError(RuntimeError):
    """A sync or link that could not be done; the message says what happened and what to
    do, and nothing was lost."""


class NotLinked(AnkiSyncError):
    """The user has no Anki link."""


class SyncBusy(AnkiSyncError):
    """Another sync of this user is running."""


@dataclass
class SyncSummary:
    """What one sync did."""

    pulled: int = 0
    pushed: int = 0
    notes_added: int = 0
    notes_updated: int = 0
    cards_updated: int = 0
    notes: list[str] = field(default_factory=list)  # events worth telling (a full sync)

    def line(self) -> str:
        """One line for the CLI and the web panel."""
        text = (f"{self.pulled} reviews pulled from Anki, {self.pushed} pushed to Anki, "
                f"{self.notes_added} notes added, {self.notes_updated} updated")
        return " ".join([text + ".", *self.notes])


def cache_folder(root: Path, user_id: int, hkey: str) -> Path:
    """Where a user's cached collection lives (safe to delete: it is rebuilt). Named after
    the server account too, so that a cache never serves another account (a new link, or
    a reused user id after a deletion)."""
    account = hashlib.sha256(hkey.encode()).hexdigest()[:16]
    return root / f"user-{user_id}-{account}"


def normalise_endpoint(endpoint: str) -> str:
    """The sync server address as Anki's client wants it (http(s)://host[:port]/path/)."""
    endpoint = endpoint.strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AnkiSyncError("The sync server address must start with http:// or https:// "
                            "(for example https://prep.example.org/anki/).")
    return endpoint if endpoint.endswith("/") else endpoint + "/"


def _explain(error: Exception, endpoint: str) -> AnkiSyncError:
    """A message that says what happened and what to do."""
    if isinstance(error, SyncError) and error.kind == SyncErrorKind.AUTH:
        return AnkiSyncError("The sync server refused the username or password (or the key "
                             "prep keeps for it). Link again with the right password.")
    if isinstance(error, NetworkError):
        return AnkiSyncError(f"Could not reach the sync server at {endpoint} ({error}). Check "
                             "that it is running and the address is right, then sync again; "
                             "nothing was lost.")
    return AnkiSyncError(f"The sync server reported a problem: {error}. Sync again later; "
                         "nothing was lost.")


def login(endpoint: str, username: str, password: str) -> SyncAuth:
    """Log in to the sync server with Anki's client; returns the key (no database work)."""
    endpoint = normalise_endpoint(endpoint)
    if not username or not password:
        raise AnkiSyncError("Give the sync server's username and password.")
    with tempfile.TemporaryDirectory() as folder:
        col = Collection(str(Path(folder) / "login.anki2"))
        try:
            return col.sync_login(username, password, endpoint)
        except (SyncError, NetworkError) as error:
            raise _explain(error, endpoint) from None
        finally:
            col.close()


def link(session: Session, user: User, auth: SyncAuth, username: str,
         now: datetime) -> AnkiLink:
    """Store the link (the key ``login`` returned, never the password); flushes."""
    existing = session.get(AnkiLink, user.id)
    if existing is None:
        existing = AnkiLink(user_id=user.id, last_message="")
        session.add(existing)
    existing.endpoint, existing.username, existing.hkey = auth.endpoint, username, auth.hkey
    existing.linked_at, existing.content_stamp = now, None
    existing.last_result, existing.last_message, existing.last_summary = None, "", None
    session.flush()
    return existing


def unlink(session: Session, user: User, cache_root: Path) -> bool:
    """Forget the link and delete the cached collection; flushes. False if not linked."""
    existing = session.get(AnkiLink, user.id)
    if existing is None:
        return False
    shutil.rmtree(cache_folder(cache_root, user.id, existing.hkey), ignore_errors=True)
    session.delete(existing)
    session.flush()
    return True


def claim(session: Session, user_id: int, now: datetime) -> str | None:
    """Take the user's sync lease (flushes); None if a sync is running or no link exists."""
    token = secrets.token_hex(16)
    claimed = rows_matched(session.execute(
        update(AnkiLink)
        .where(AnkiLink.user_id == user_id,
               or_(AnkiLink.lease_until.is_(None), AnkiLink.lease_until < now))
        .values(lease_token=token, lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ))
    return token if claimed == 1 else None


def finish(session: Session, user_id: int, token: str, now: datetime,
           summary: SyncSummary | None, error: str | None) -> None:
    """Store the result and release the lease (only the lease's holder can); flushes."""
    values: dict[str, object] = {"lease_token": None, "lease_until": None,
                                 "last_sync_at": now}
    if error is None and summary is not None:
        values |= {"last_result": "ok", "last_message": summary.line(),
                   "last_summary": asdict(summary)}
    else:
        # content written to a cache that never reached the server: compare it next time
        values |= {"last_result": "failed", "last_message": error or "The sync failed.",
                   "content_stamp": None}
    session.execute(update(AnkiLink).where(AnkiLink.user_id == user_id,
                                           AnkiLink.lease_token == token)
                    .values(**values).execution_options(synchronize_session=False))
    session.flush()


def _write(sessions: sessionmaker[Session]) -> Session:
    """A session whose transaction takes SQLite's write lock up front."""
    session = sessions()
    session.connection(execution_options={"sqlite_immediate": True})
    return session


def sync(sessions: sessionmaker[Session], user_id: int, cache_root: Path, decks_root: Path,
         now: datetime, *, token: str | None = None,
         progress: Progress | None = None) -> SyncSummary:
    """Sync the user's prep history with the sync server; see the module docstring.

    ``token`` is a lease the caller already claimed (the web claims it in the request,
    then syncs in the background); otherwise one is claimed here (SyncBusy if taken).
    """
    if token is None:
        with _write(sessions) as session:
            if session.get(AnkiLink, user_id) is None:
                raise NotLinked("Link prep to a sync server first.")
            token = claim(session, user_id, now)
            session.commit()
        if token is None:
            raise SyncBusy("A sync of this account is already running; wait for it to end.")
    summary, error = None, None
    try:
        summary = _sync(sessions, user_id, cache_root, decks_root, now, progress or _quiet)
    except AnkiSyncError as failure:
        error = str(failure)
        raise
    except Exception as failure:
        error = f"The sync stopped on an unexpected error ({type(failure).__name__}); " \
                "nothing was lost. Sync again; if it keeps failing, tell the operator."
        raise
    finally:
        with _write(sessions) as session:
            finish(session, user_id, token, now, summary, error)
            session.commit()
    return summary


def _quiet(_step: str) -> None:
    return None


def _sync(sessions: sessionmaker[Session], user_id: int, cache_root: Path, decks_root: Path,
          now: datetime, progress: Progress) -> SyncSummary:
    with sessions() as session:
        link_row = session.get(AnkiLink, user_id)
        if link_row is None:
            raise NotLinked("Link prep to a sync server first.")
        auth = SyncAuth(hkey=link_row.hkey, endpoint=link_row.endpoint,
                        io_timeout_secs=IO_TIMEOUT)
        stamp = link_row.content_stamp
    summary = SyncSummary()
    folder = cache_folder(cache_root, user_id, auth.hkey)
    try:
        col, fresh = _open(folder, auth, summary)
    except (SyncError, NetworkError) as error:
        raise _explain(error, auth.endpoint) from None
    try:
        progress("pulling")
        known: set[int] | None = None  # a new collection holds none of prep's answers
        if fresh != "built":
            summary.pulled, known = _ingest(sessions, user_id, col, now)
        with sessions() as session:
            side = read_prep_side(session, user_id, mirror.revlog_ids(col), known,
                                  None if fresh else stamp)
        if side.content_changed:
            with sessions() as session:
                user = session.get_one(User, user_id)
                change = mirror.import_content(col, session, user, side.track_ids, decks_root,
                                               mirror.note_times(col))
            summary.notes_added, summary.notes_updated = change.added, change.updated
            mirror.configure(col, side.user)  # after the import: its decks get the preset
            mirror.mark_notes(col, mirror.RETIRED_TAG, side.retired_guids)
            mirror.mark_notes(col, mirror.NOT_STUDIED_TAG, side.not_studied_guids)
        clock = mirror.DayClock(side.user, now, col.sched.today)
        summary.cards_updated = mirror.reconcile_cards(col, side.cards, side.user, clock)
        summary.pushed = _push(sessions, user_id, col, side, now)
        with _write(sessions) as session:
            session.execute(update(AnkiLink).where(AnkiLink.user_id == user_id)
                            .values(content_stamp=side.content_stamp)
                            .execution_options(synchronize_session=False))
            session.commit()
        progress("pushing")
        try:
            _send(col, auth, upload=fresh == "built" or col.schema_changed())
        except (SyncError, NetworkError) as error:
            raise _explain(error, auth.endpoint) from None
    finally:
        if col.db is not None:
            col.close()
    return summary


def _open(folder: Path, auth: SyncAuth, summary: SyncSummary) -> tuple[Collection, str | None]:
    """The cached collection after a normal sync, or a fresh one: ``"downloaded"`` from the
    server, or ``"built"`` (empty, for prep to fill and upload) when the server has none."""
    path = folder / "collection.anki2"
    if path.exists():
        col = Collection(str(path))
        try:
            out = col.sync_collection(auth, False)
        except BaseException:
            col.close()
            raise
        if out.required in (SyncOutput.NO_CHANGES, SyncOutput.NORMAL_SYNC):
            return col, None
        col.close()
        summary.notes.append(
            "The sync server asked for a full sync (its collection was replaced, say by a "
            "forced upload from a phone): prep took the server's collection and sent its "
            "own reviews and card states again; nothing was lost.")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    col = Collection(str(path))
    try:
        out = col.sync_collection(auth, False)
        if out.required in (SyncOutput.FULL_DOWNLOAD, SyncOutput.FULL_SYNC):
            _full(col, auth, upload=False)
            return col, "downloaded"
    except BaseException:
        col.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return col, "built"


def _full(col: Collection, auth: SyncAuth, *, upload: bool) -> None:
    col.close_for_full_sync()
    try:
        col.full_upload_or_download(auth=auth, server_usn=None, upload=upload)
    finally:
        col.reopen(after_full_sync=True)


def _send(col: Collection, auth: SyncAuth, *, upload: bool) -> None:
    """Send prep's changes (a full upload for a new collection), then the media."""
    if upload:
        _full(col, auth, upload=True)
    else:
        out = col.sync_collection(auth, False)
        if out.required not in (SyncOutput.NO_CHANGES, SyncOutput.NORMAL_SYNC):
            raise AnkiSyncError("The sync server's collection changed while prep was syncing "
                                "and now needs a full sync; sync again (prep will take the "
                                "server's collection and resend its own changes).")
    col.sync_media(auth)
    deadline = time.monotonic() + MEDIA_TIMEOUT
    while col.media_sync_status().active and time.monotonic() < deadline:
        time.sleep(0.05)


_SET_REVLOG_ID = (update(ReviewLog.__table__)
                  .where(ReviewLog.id == bindparam("review_id"),
                         ReviewLog.user_id == bindparam("owner"))
                  .values(anki_revlog_id=bindparam("revlog_id")))


def _ingest(sessions: sessionmaker[Session], user_id: int, col: Collection,
            now: datetime) -> tuple[int, set[int]]:
    """Add the phone's answers to prep (read and replay first, then one short write);
    returns how many, and the revlog ids prep knew before."""
    with sessions() as session:
        user = session.get_one(User, user_id)
        known = known_revlog_ids(session, user)
        plan = plan_ingest(session, user, read_collection(col, known))
    with _write(sessions) as session:
        user = session.get_one(User, user_id)
        added = apply_plan(session, user, plan, now).reviews_added
        session.commit()
    return added, known


def _push(sessions: sessionmaker[Session], user_id: int, col: Collection, side: PrepSide,
          now: datetime) -> int:
    """Write web answers the collection lacks as revlog rows; their ids are stored first, so
    that a crash in between cannot let them come back as phone answers."""
    if not side.reviews:
        return 0
    ids = {review.review_id: review.revlog_id for review in side.reviews
           if review.revlog_id is not None}
    new = [review for review in side.reviews if review.revlog_id is None]
    ids |= mirror.assign_revlog_ids(new, mirror.revlog_ids(col))
    if new:
        with _write(sessions) as session:
            session.execute(_SET_REVLOG_ID, [
                {"review_id": review.review_id, "owner": user_id,
                 "revlog_id": ids[review.review_id]} for review in new])
            session.commit()
    return mirror.write_reviews(col, side.reviews, ids, now)


def link_status(session: Session, user_id: int) -> AnkiLink | None:
    """The user's link with its last result, or None."""
    return session.scalar(select(AnkiLink).where(AnkiLink.user_id == user_id))
