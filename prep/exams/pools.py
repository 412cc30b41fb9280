"""The question-pool cache: what each exam can draw, read once per process and content version.

Contract
- Holds, per exam: its live answerable items that serve its domains, with each item's kind,
  option keys and domain: standalone single/multiple-choice questions and standalone ordering
  and matching items by domain, and whole case-study sets and yes/no series (members in group
  order). Group members are never drawn alone. Values are shared between threads: read only.
- Keyed by (database engine, exam id, content version). The content version is the one row of
  ``content_versions``; reading it is one cheap query per draw.
- Invalidated by a new content version, and nothing else. ``bump_content_version`` is the one
  function that moves it.
- Who must call what: whoever adds, changes, retires or re-domains question content (every
  item that is not a flashcard: questions, the new kinds and their groups) calls
  ``bump_content_version`` in the same transaction; the deck loader does, once per load that
  changed anything. Readers call ``exam_pools`` (or ``domain_pools``).
- Enforced: a session hook notes each flush that writes question content through the ORM and
  refuses to commit such a transaction without the bump (``ContentNotVersioned``). Flashcards,
  a user's own ones included, never reach a pool and are not watched; Core statements (bulk
  inserts into a fresh database, as the benchmarks do) bypass the hook.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.orm import Session

from prep.models import (
    ANSWERABLE_KINDS,
    CARD,
    GROUP_KINDS,
    MATCHING,
    ORDERING,
    QUESTION,
    ContentVersion,
    Exam,
    ExamDomain,
    Item,
    ItemDomain,
)


class ContentNotVersioned(RuntimeError):
    """Question content changed in a transaction that did not bump the content version."""


@dataclass(frozen=True)
class ItemSet:
    """A case study or a yes/no series as a form draws it: all its members, in group order."""

    group_id: int
    kind: str  # CASE or SERIES
    members: tuple[int, ...]
    domains: tuple[int, ...]  # each member's domain id


@dataclass(frozen=True)
class ExamPools:
    """An exam's drawable items (see the module's contract)."""

    by_domain: dict[int, list[int]]  # standalone questions per domain id, by item id
    option_keys: dict[int, tuple[str, ...]]  # every drawable item's keys, authored order
    # The rest of the bank (kind items and group members; a standalone question is in
    # neither): its kind and its domain id (the first of its domains in this exam).
    kinds: dict[int, str]
    domain_of: dict[int, int]
    singles: dict[str, dict[int, list[int]]] = field(default_factory=dict)  # ordering/matching
    sets: dict[str, list[ItemSet]] = field(default_factory=dict)  # by group kind

    def kind(self, item_id: int) -> str:
        """The kind of a drawable item."""
        return self.kinds.get(item_id, QUESTION)


def exam_pools(session: Session, exam: Exam) -> ExamPools:
    """The exam's pools, read once per process and content version.

    Drawing from a bank of 20,000 questions re-reads neither their ids nor their options: each
    process keeps the pools it has read until the version moves (one cheap query to check).
    """
    version = session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0
    key = (exam.id, version)
    engine = session.get_bind().engine
    with _POOL_CACHE_LOCK:
        cache = _POOL_CACHE.setdefault(engine, {})
        cached = cache.get(key)
    if cached is not None:
        return cached
    pools = _read_pools(session, exam)
    with _POOL_CACHE_LOCK:
        for stale in [k for k in cache if k[0] == exam.id]:
            del cache[stale]
        cache[key] = pools
    return pools


def _read_pools(session: Session, exam: Exam) -> ExamPools:
    connection = session.connection()
    rows = connection.execute(
        select(ItemDomain.domain_id, Item.id, Item.kind, Item.options, Item.group_id,
               Item.group_position)
        .join(Item, Item.id == ItemDomain.item_id)
        .join(ExamDomain, ExamDomain.id == ItemDomain.domain_id)
        .where(ExamDomain.exam_id == exam.id, Item.kind.in_(ANSWERABLE_KINDS),
               Item.retired_at.is_(None))
        .order_by(ItemDomain.item_id, ItemDomain.domain_id)
    ).all()
    pools = ExamPools({}, {}, {}, {})
    by_domain, option_keys = pools.by_domain, pools.option_keys
    members: dict[int, list[tuple[int, int]]] = {}  # group id -> (position, item id)
    for domain_id, item_id, kind, options, group_id, group_position in rows:
        if kind == QUESTION and group_id is None:  # the bulk of the bank: kept lean
            if domain_id in by_domain:
                by_domain[domain_id].append(item_id)
            else:
                by_domain[domain_id] = [item_id]
            option_keys[item_id] = tuple([option["key"] for option in options or ()])
            continue
        if item_id in pools.domain_of:
            continue  # a second domain of the same item
        pools.domain_of[item_id] = domain_id
        pools.kinds[item_id] = kind
        pools.option_keys[item_id] = tuple(option["key"] for option in options or ())
        if group_id is not None:
            members.setdefault(group_id, []).append((group_position or 0, item_id))
        elif kind in (ORDERING, MATCHING):
            pools.singles.setdefault(kind, {}).setdefault(domain_id, []).append(item_id)
    live_groups: dict[int, str] = dict(connection.execute(select(Item.id, Item.kind).where(
        Item.id.in_(list(members)), Item.kind.in_(GROUP_KINDS), Item.retired_at.is_(None))
    ).all()) if members else {}
    for group_id, placed in sorted(members.items()):
        if group_id not in live_groups:
            continue  # a retired case or series: its members go with it
        ordered = tuple(item_id for _, item_id in sorted(placed))
        pools.sets.setdefault(live_groups[group_id], []).append(ItemSet(
            group_id, live_groups[group_id], ordered,
            tuple(pools.domain_of[item_id] for item_id in ordered)))
    return pools


def domain_pools(session: Session, exam: Exam,
                 numbers: list[int] | None = None) -> dict[ExamDomain, list[int]]:
    """Ids of the live standalone questions of each domain of ``exam`` (optionally only the
    domains numbered ``numbers``)."""
    pools = exam_pools(session, exam)
    return {domain: pools.by_domain.get(domain.id, []) for domain in exam.domains
            if numbers is None or domain.number in numbers}


# Per engine (one database), per (exam, content version): the exam's pools.
_POOL_CACHE: WeakKeyDictionary[Engine, dict[tuple[str, int], ExamPools]] = WeakKeyDictionary()
_POOL_CACHE_LOCK = threading.Lock()


def bump_content_version(session: Session, now: datetime) -> int:
    """Record that shared content changed: every process's cached pools go stale."""
    row = session.get(ContentVersion, 1) or ContentVersion(id=1, version=0)
    session.add(row)
    row.version += 1
    row.changed_at = now
    session.info[_BUMPED] = True
    session.flush()
    return row.version


# The enforcement (see the contract): session.info flags, cleared when a transaction ends.
_CHANGED, _BUMPED = "prep.question_content_changed", "prep.content_version_bumped"
# What a question's content is, for the hook: not its rendered HTML, its source location or
# the month its facts were checked (a load rewrites those without changing the content).
CONTENT_ATTRIBUTES = ("kind", "prompt", "answer_text", "options", "correct", "prompts",
                      "explanation", "group", "group_id", "group_position", "reference",
                      "image", "tags", "retired_at", "deck", "deck_id", "domains")


def _writes_question_content(session: Session) -> bool:
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, ItemDomain) or (isinstance(obj, Item) and obj.kind != CARD):
            return True
    for obj in session.dirty:
        if not isinstance(obj, Item):
            continue
        state: Any = inspect(obj)
        was = state.attrs.kind.history.deleted
        if (obj.kind != CARD or (was and was[0] != CARD)) and any(
                state.attrs[name].history.has_changes() for name in CONTENT_ATTRIBUTES):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _note_question_content(session: Session, _context: object, _instances: object) -> None:
    if not session.info.get(_CHANGED) and _writes_question_content(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _refuse_unversioned_content(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the transaction goes on
        return
    if _writes_question_content(session):  # the last changes, not flushed yet
        session.info[_CHANGED] = True
    if session.info.get(_CHANGED) and not session.info.get(_BUMPED):
        raise ContentNotVersioned(
            "Question content changed without bump_content_version (prep.exams.pools): "
            "cached question pools would go on serving the old content.")


@event.listens_for(Session, "after_transaction_end")
def _forget_content_flags(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_BUMPED, None)
