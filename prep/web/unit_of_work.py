"""One unit of work per request: a view says whether it reads or writes, and this module
begins, commits and rolls back its transaction. Views (and CLI commands) never commit or
roll back; this is the only module of the web layer that does.

Every view carries one of three declarations, directly above the function (below the
route and ``login_required``, so that a request turned away never takes a lock):

``@reads``
    The view only reads. Its session refuses to write: a flush with changes, or an ORM
    insert, update or delete, raises ``WriteOutsideWritePhase`` (a bug: a 500). The read
    transaction ends when the view returns, before the reply is sent.

``@writes``
    The whole view is one write transaction, begun before the view runs the way the
    database needs it (``prep.db.begin_write``): SQLite takes its write lock up front
    (``BEGIN IMMEDIATE``), so that a read-then-write cannot fail on a snapshot another writer
    has moved past; PostgreSQL goes on in the transaction that loaded the user and locks only
    the rows it writes. The changes are committed when the view returns, before the reply is
    sent, and rolled back when it raises. The domain refuses before it writes, so a view
    that catches a refusal and answers it (the message beside a form field, a flash) has
    nothing to undo; a view that can meet a refusal after a write (a unique constraint that
    a concurrent request met first) uses the two-phase form below.

``@reads_then_writes``
    The two-phase form, for a view that does slow work first (renders Markdown, plans,
    replays a history, waits on a file or on another server) and then writes briefly: nothing
    heavy runs while SQLite's write lock is held, which every other user's answer waits on.
    The view reads as under ``@reads`` and writes only inside
    ``with write_phase() as session:``, which begins the write transaction as ``@writes``
    does. A block that raises is rolled back at once, so a view catches a refusal outside
    the block and answers it as it likes (a flash and a redirect), knowing that nothing of
    it was kept. A block that ends normally gives the lock back at once on SQLite (it
    commits there); on PostgreSQL it flushes, and the reply (the next card, say) is read in
    the same transaction (one pooled connection, one pre-ping), which commits as the view
    returns, by the rule of ``@writes`` (so there, a view that raises after its block rolls
    the block back too).

GET and HEAD requests do not write. ``@writes`` on a view that also takes GET applies to its
other methods (its GET reads); ``write_phase()`` in a GET refuses to begin unless the view
states why it must write (``@reads_then_writes(reason=...)``, or ``@writes(reason=...)``):
the few pages that write when opened say so where they are declared (an exam's clock).

``after_commit(callback)`` runs a callback once the request's changes are committed (a
background job that must find them); ``end_read_transaction()`` ends a read transaction
before the view waits on something slow, so that no transaction or connection is held
meanwhile; ``roll_back()`` ends a failed transaction for the error pages.

The CLI's commands carry the same declarations (without a request: a command that returns
commits, one that raises or exits rolls back).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Literal, TypeVar, cast, overload

from flask import Flask, g, has_request_context, request
from flask import session as cookie
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session

from prep.db import begin_write, db_session, holds_write_lock, read_snapshot

View = TypeVar("View", bound=Callable[..., Any])
Kind = Literal["reads", "writes", "reads_then_writes"]
READ_ONLY = "prep.read_only"  # session.info: the session may not write now


class WriteOutsideWritePhase(RuntimeError):
    """A view (or command) wrote where it declared that it reads: a bug."""


class UnitOfWorkMisuse(RuntimeError):
    """A view broke a rule of its declaration (a write block outside the two-phase form, a
    GET that writes without a reason): a bug."""


@dataclass
class UnitOfWork:
    """The request's (or command's) declaration and what is to run once it is committed."""

    kind: Kind
    reason: str | None
    writing: bool = False  # inside the write transaction (all of a @writes view, or a block)
    after_commit: list[Callable[[], None]] = field(default_factory=list)


def register_unit_of_work(app: Flask) -> None:
    """Make the app's sessions refuse writes while a view (or command) only reads."""
    sessions = app.extensions["prep.sessions"]
    event.listen(sessions, "before_flush", _refuse_flush)
    event.listen(sessions, "do_orm_execute", _refuse_statement)


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY) and (session.new or session.deleted or any(
            session.is_modified(instance) for instance in session.dirty)):
        raise WriteOutsideWritePhase(
            "this view reads: declare it @writes, or write inside write_phase()")


def _refuse_statement(state: ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY) and (state.is_insert or state.is_update
                                               or state.is_delete):
        raise WriteOutsideWritePhase(
            "this view reads: declare it @writes, or write inside write_phase()")


def _get_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD")


def _declare(kind: Kind, reason: str | None, snapshot: bool = False) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            return _run(view, UnitOfWork(kind, reason), snapshot, args, kwargs)

        vars(run).update(unit_of_work=kind, write_reason=reason)  # for the URL map's tests
        return cast(View, run)

    return decorate


@overload
def reads(view: View) -> View: ...
@overload
def reads(*, snapshot: bool = False) -> Callable[[View], View]: ...
def reads(view: View | None = None, *, snapshot: bool = False) -> Any:
    """Declare a view that only reads; ``snapshot=True``: every statement of it sees one
    snapshot (PostgreSQL's REPEATABLE READ; SQLite's reads do already)."""
    decorate = _declare("reads", None, snapshot)
    return decorate(view) if view is not None else decorate


@overload
def writes(view: View) -> View: ...
@overload
def writes(*, reason: str | None = None) -> Callable[[View], View]: ...
def writes(view: View | None = None, *, reason: str | None = None) -> Any:
    """Declare a view that writes in one transaction begun up front; ``reason``: why its
    GET writes too."""
    decorate = _declare("writes", reason)
    return decorate(view) if view is not None else decorate


@overload
def reads_then_writes(view: View) -> View: ...
@overload
def reads_then_writes(*, reason: str | None = None) -> Callable[[View], View]: ...
def reads_then_writes(view: View | None = None, *, reason: str | None = None) -> Any:
    """Declare a view that reads (and does its slow work) first and writes only inside
    ``write_phase()``; ``reason``: why its GET writes."""
    decorate = _declare("reads_then_writes", reason)
    return decorate(view) if view is not None else decorate


def _run(view: Callable[..., Any], unit: UnitOfWork, snapshot: bool,
         args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``view`` as one unit of work: begin, then commit or roll back."""
    session = db_session()
    outer = g.pop("unit_of_work", None)
    g.unit_of_work = unit
    unit.writing = unit.kind == "writes" and (unit.reason is not None or not _get_request())
    flashed = _flash_count()
    try:
        if unit.writing:
            begin_write(session)
        else:
            session.info[READ_ONLY] = True
            if snapshot:
                session.commit()  # the user was read in a transaction of its own: end it
                read_snapshot(session)
        reply = view(*args, **kwargs)
        session.commit()  # a read transaction with changes fails here: see _refuse_flush
    except BaseException:
        roll_back()
        _forget_flashes(flashed)
        raise
    finally:
        session.info.pop(READ_ONLY, None)
        g.unit_of_work = outer
    for callback in unit.after_commit:
        callback()
    return reply


def _current() -> UnitOfWork:
    unit = g.get("unit_of_work")
    if unit is None:
        raise UnitOfWorkMisuse("the view has no @reads, @writes or @reads_then_writes")
    return unit


@contextlib.contextmanager
def write_phase() -> Iterator[Session]:
    """The write block of a ``@reads_then_writes`` view: begins the write transaction (SQLite
    takes its lock), rolls back when the block raises, gives the lock back when it ends."""
    unit = _current()
    if unit.kind != "reads_then_writes" or unit.writing:
        raise UnitOfWorkMisuse("write_phase() belongs in a @reads_then_writes view, once at "
                               "a time")
    if unit.reason is None and _get_request():
        raise UnitOfWorkMisuse("a GET does not write unless its view gives the reason")
    session = db_session()
    session.info[READ_ONLY] = False
    unit.writing = True
    flashed, callbacks = _flash_count(), len(unit.after_commit)
    try:
        begin_write(session)
        yield session
        if holds_write_lock(session):
            session.commit()  # SQLite: every other writer waits while the lock is held
        else:
            session.flush()  # PostgreSQL: committed with the reply, in one transaction
    except BaseException:
        roll_back()
        _forget_flashes(flashed)  # what the block said it did, and would have started,
        del unit.after_commit[callbacks:]  # was not kept
        raise
    finally:
        unit.writing = False
        session.info[READ_ONLY] = True


def _flash_count() -> int:
    return len(cookie.get("_flashes", ())) if has_request_context() else 0


def _forget_flashes(count: int) -> None:
    """Drop the messages flashed since there were ``count``: they tell of changes rolled
    back (the error page, or the next page, would show them)."""
    if has_request_context() and len(cookie.get("_flashes", ())) > count:
        cookie["_flashes"] = cookie["_flashes"][:count]


def end_read_transaction() -> None:
    """End the read transaction before waiting on something slow (a file, another server),
    so that neither a transaction nor a pooled connection is held meanwhile."""
    if _current().writing:
        raise UnitOfWorkMisuse("end_read_transaction() ends reads, not a write")
    session = db_session()
    if session.in_transaction():
        session.commit()  # nothing to write in a read transaction (see _refuse_flush)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's changes are committed (not if they are rolled
    back): a background job that must find them."""
    _current().after_commit.append(callback)


def roll_back() -> None:
    """End the request's transaction if one is open, a failed one included (a failed flush
    leaves it unusable): before an error page reads the user for its menu."""
    session = g.get("db_session")
    if session is not None and session.in_transaction():
        with contextlib.suppress(DBAPIError):  # a lost connection: the pool replaces it
            session.rollback()
