"""Drawing a mock exam from the question bank by the blueprint's domain weights.

Counts per domain follow the largest-remainder method, so they sum exactly to the exam's
question count. Questions the user saw in the last three attempts of the blueprint are used
only when a domain runs out of fresh ones (and the attempt says so). Options are shuffled per
attempt. Everything random comes from one seed, so a seed reproduces the attempt.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep.exams.vocabulary import ExamUnavailable
from prep.models import (
    GRADED,
    OPEN,
    QUESTION,
    AttemptQuestion,
    Card,
    ContentVersion,
    Exam,
    ExamAttempt,
    ExamDomain,
    Item,
    ItemDomain,
    User,
)

RECENT_ATTEMPTS = 3
EXAM, PRACTICE = "exam", "practice"
SOURCES = ("all", "missed", "flagged")


class PoolTooSmall(ExamUnavailable):
    """Fewer questions than the exam needs; ``available`` says how many there are."""

    def __init__(self, message: str, available: int):
        super().__init__(message)
        self.available = available


class OpenAttemptExists(ExamUnavailable):
    """An unfinished timed exam of this blueprint exists: resume it instead."""

    def __init__(self, attempt: ExamAttempt):
        super().__init__("You have an unfinished exam of this blueprint: resume or submit it.")
        self.attempt = attempt


def allocate(weights: list[float], total: int) -> list[int]:
    """Largest-remainder apportionment of ``total`` by ``weights`` (sums exactly to total)."""
    if total < 0 or not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative with a positive sum, total >= 0")
    quotas = [w * total / sum(weights) for w in weights]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def shuffled_options(keys: list[str], rng: random.Random) -> list[str]:
    """A shuffled copy of the option keys (the correct set is kept: only order changes)."""
    order = list(keys)
    rng.shuffle(order)
    return order


@dataclass
class Draw:
    """The questions chosen per domain, and notes on any fallback."""

    item_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionPools:
    """An exam's live question ids per domain id, and each question's option keys."""

    by_domain: dict[int, list[int]]
    option_keys: dict[int, tuple[str, ...]]


def question_pools(session: Session, exam: Exam) -> QuestionPools:
    """The exam's pools, read once per process and content version.

    Pools change only when deck files are loaded, which bumps the content version; each
    process keeps the pools it has read until the version moves (one cheap query to check),
    so drawing from a bank of 20,000 questions re-reads neither their ids nor their options.
    """
    version = session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0
    key = (exam.id, version)
    engine = session.get_bind().engine
    with _POOL_CACHE_LOCK:
        cache = _POOL_CACHE.setdefault(engine, {})
        cached = cache.get(key)
    if cached is not None:
        return cached
    rows = session.connection().execute(
        select(ItemDomain.domain_id, ItemDomain.item_id, Item.options)
        .join(Item, Item.id == ItemDomain.item_id)
        .join(ExamDomain, ExamDomain.id == ItemDomain.domain_id)
        .where(ExamDomain.exam_id == exam.id, Item.kind == QUESTION, Item.retired_at.is_(None))
        .order_by(ItemDomain.item_id)
    ).all()
    pools = QuestionPools({}, {})
    for domain_id, item_id, options in rows:
        pools.by_domain.setdefault(domain_id, []).append(item_id)
        pools.option_keys[item_id] = tuple(option["key"] for option in options or ())
    with _POOL_CACHE_LOCK:
        for stale in [k for k in cache if k[0] == exam.id]:
            del cache[stale]
        cache[key] = pools
    return pools


def domain_pools(session: Session, exam: Exam,
                 numbers: list[int] | None = None) -> dict[ExamDomain, list[int]]:
    """Ids of the live questions of each domain of ``exam`` (optionally only some domains)."""
    return _chosen_domains(exam, question_pools(session, exam), numbers)


def _chosen_domains(exam: Exam, pools: QuestionPools,
                    numbers: list[int] | None) -> dict[ExamDomain, list[int]]:
    return {domain: pools.by_domain.get(domain.id, []) for domain in exam.domains
            if numbers is None or domain.number in numbers}


# Per engine (one database), per (exam, content version): the exam's question pools.
_POOL_CACHE: WeakKeyDictionary[Engine, dict[tuple[str, int], QuestionPools]] = (
    WeakKeyDictionary())
_POOL_CACHE_LOCK = threading.Lock()


def recently_seen(session: Session, user: User, exam: Exam) -> set[int]:
    """Item ids of the user's last RECENT_ATTEMPTS attempts of this blueprint."""
    recent = select(ExamAttempt.id).where(
        ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id
    ).order_by(ExamAttempt.started_at.desc()).limit(RECENT_ATTEMPTS).subquery()
    return set(session.scalars(
        select(AttemptQuestion.item_id).where(AttemptQuestion.attempt_id.in_(select(recent)))
    ))


def _source_filter(session: Session, user: User, source: str) -> set[int] | None:
    """Item ids allowed by a custom quiz's source: missed before, or flagged in review."""
    if source == "missed":
        return set(session.scalars(
            select(AttemptQuestion.item_id).join(ExamAttempt)
            .where(ExamAttempt.user_id == user.id, ExamAttempt.status == GRADED,
                   AttemptQuestion.correct.is_(False))
        ))
    if source == "flagged":
        flagged_in_exams = set(session.scalars(
            select(AttemptQuestion.item_id).join(ExamAttempt)
            .where(ExamAttempt.user_id == user.id, AttemptQuestion.flagged.is_(True))
        ))
        flagged_cards = set(session.scalars(
            select(Card.item_id).where(Card.user_id == user.id, Card.flagged.is_(True))
        ))
        return flagged_in_exams | flagged_cards
    return None


def _sample_fresh(pool: list[int], wanted: int, seen: set[int],
                  rng: random.Random) -> tuple[list[int], int]:
    """``wanted`` ids from ``pool``, unseen ones first; returns them and how many are fresh.

    Sampling (never shuffling or filtering the whole pool when it is not needed) keeps a
    20,000-question bank fast: a sample a little larger than ``wanted`` almost always holds
    enough unseen ids.
    """
    if wanted <= 0:
        return [], 0
    probe = rng.sample(pool, min(len(pool), wanted + len(seen)))
    fresh = [item_id for item_id in probe if item_id not in seen]
    if len(fresh) >= wanted or len(probe) == len(pool):
        chosen = fresh[:wanted]
    else:  # unlucky or nearly exhausted: look at the whole pool
        fresh = [item_id for item_id in pool if item_id not in seen]
        chosen = rng.sample(fresh, min(len(fresh), wanted))
    fresh_count = len(chosen)
    if fresh_count < wanted:
        repeat = [item_id for item_id in pool if item_id in seen]
        chosen += rng.sample(repeat, wanted - fresh_count)
    return chosen, fresh_count


def draw_questions(pools: dict[ExamDomain, list[int]], total: int, seen: set[int],
                   rng: random.Random, *, allow_short: bool) -> Draw:
    """Pick ``total`` questions by domain weight, fresh ones first; shortfalls move on."""
    domains = list(pools)
    available = sum(len(pool) for pool in pools.values())
    if available < total:
        if not allow_short or available == 0:
            raise PoolTooSmall(
                f"The question bank has {available} questions for this selection, fewer than "
                f"the {total} asked for.", available)
        total = available
    wanted = dict(zip(domains, allocate([d.weight for d in domains], total), strict=True))
    draw = Draw()
    # Domains that cannot fill their share pass the rest to the others, by weight.
    missing = 0
    for domain in domains:
        if len(pools[domain]) < wanted[domain]:
            missing += wanted[domain] - len(pools[domain])
            draw.notes.append(f"Domain {domain.number} has only {len(pools[domain])} questions "
                              f"for its share of {wanted[domain]}; others fill the gap.")
            wanted[domain] = len(pools[domain])
    while missing:
        spare = [d for d in domains if len(pools[d]) > wanted[d]]
        extra = allocate([d.weight or 1 for d in spare], missing)
        for domain, count in zip(spare, extra, strict=True):
            add = min(count, len(pools[domain]) - wanted[domain])
            wanted[domain] += add
            missing -= add
    for domain in domains:
        chosen, fresh_count = _sample_fresh(pools[domain], wanted[domain], seen, rng)
        if fresh_count < wanted[domain]:
            draw.notes.append(f"Domain {domain.number}: {wanted[domain] - fresh_count} of its "
                              f"questions were also in your last {RECENT_ATTEMPTS} attempts "
                              "(the fresh ones ran out).")
        draw.item_ids.extend(chosen)
    rng.shuffle(draw.item_ids)
    return draw


def _open_exam(session: Session, user: User, exam: Exam) -> ExamAttempt | None:
    return session.scalar(select(ExamAttempt).where(
        ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id,
        ExamAttempt.mode == EXAM, ExamAttempt.status == OPEN))


def generate_exam(
    session: Session,
    exam: Exam,
    user: User,
    mode: str,
    now: datetime,
    seed: int,
    *,
    count: int | None = None,
    domains: list[int] | None = None,
    source: str = "all",
    minutes: int | None = None,
    allow_short: bool = False,
) -> ExamAttempt:
    """Create an attempt: the blueprint's exam, or a custom quiz (``domains``/``count``/source).

    ``mode`` is ``exam`` (timed to the blueprint's minutes, no feedback until the end) or
    ``practice`` (feedback after each question; timed only if ``minutes`` is given).
    """
    if mode not in (EXAM, PRACTICE):
        raise ExamUnavailable("Choose exam mode or practice mode.")
    if source not in SOURCES:
        raise ExamUnavailable("Choose all questions, missed ones or flagged ones.")
    custom = domains is not None or count is not None or source != "all"
    # One open timed attempt per blueprint (a unique index says so), custom quiz or not.
    if mode == EXAM and (existing := _open_exam(session, user, exam)) is not None:
        raise OpenAttemptExists(existing)
    total = count if count is not None else exam.question_count
    if not 1 <= total <= 500:
        raise ExamUnavailable("A quiz has 1 to 500 questions.")
    all_pools = question_pools(session, exam)
    pools = _chosen_domains(exam, all_pools, domains)
    if not pools:
        raise ExamUnavailable("Choose at least one domain of this exam.")
    if (allowed := _source_filter(session, user, source)) is not None:
        pools = {d: [item_id for item_id in pool if item_id in allowed]
                 for d, pool in pools.items()}
    rng = random.Random(seed)
    draw = draw_questions(pools, total, recently_seen(session, user, exam), rng,
                          allow_short=allow_short)
    if mode == PRACTICE:
        limit = minutes  # untimed unless asked
    else:  # the blueprint's pace: its minutes, scaled to a shorter or custom exam
        limit = max(1, round(exam.minutes * len(draw.item_ids) / exam.question_count))
    attempt = ExamAttempt(
        user_id=user.id, exam_id=exam.id, mode=EXAM if mode == EXAM else PRACTICE,
        seed=seed, started_at=now, question_count=len(draw.item_ids), notes=draw.notes,
        deadline=now + timedelta(minutes=limit) if limit else None,
        custom={"domains": domains, "source": source} if custom else None,
        current_position=1, current_since=now,
    )
    if len(draw.item_ids) < total:
        attempt.notes.append(f"A shorter exam: {len(draw.item_ids)} of {total} questions.")
    try:  # in a savepoint: a concurrent start (PostgreSQL) may have created one first
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        if mode != EXAM or (winner := _open_exam(session, user, exam)) is None:
            raise
        raise OpenAttemptExists(winner) from None
    # One executemany insert (the ORM's unit of work costs more than the drawing itself);
    # the relationship loads on first use.
    session.execute(insert(AttemptQuestion.__table__), [
        {"attempt_id": attempt.id, "position": position, "item_id": item_id,
         "option_order": shuffled_options(list(all_pools.option_keys[item_id]), rng),
         "flagged": False, "time_spent_ms": 0}
        for position, item_id in enumerate(draw.item_ids, start=1)
    ])
    session.expire(attempt, ["questions"])
    return attempt
