"""Drawing a mock exam from the item bank by the blueprint's domain weights.

Counts per domain follow the largest-remainder method, so they sum exactly to the exam's
question count. An exam whose file lists item kinds (``Exam.kinds``) first draws, within those
counts, the form's ordering and matching items, whole case-study sets and yes/no series (each
member is one question of its own domain), then fills the rest with single and multiple
choice questions; too few kind items leave their places to questions, with a note. Items the
user saw in the last three attempts of the blueprint are used only when the fresh ones run out
(and the attempt says so). Options are shuffled per attempt. Everything random comes from one
seed, so a seed reproduces the attempt.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prep.exams.forms import KindDraw, draw_kinds, in_scope
from prep.exams.pools import ExamPools, exam_pools
from prep.exams.vocabulary import ExamUnavailable, FormKinds, Mode, Source
from prep.models import (
    GRADED,
    MATCHING,
    OPEN,
    ORDERING,
    QUESTION,
    AttemptQuestion,
    Card,
    Exam,
    ExamAttempt,
    ExamDomain,
    User,
)

RECENT_ATTEMPTS = 3


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


@dataclass(frozen=True)
class CustomQuiz:
    """A quiz the user composes instead of the blueprint's form."""

    domains: tuple[int, ...] | None = None  # domain numbers; None: every domain
    count: int | None = None  # None: the blueprint's question count
    source: Source = Source.ALL


@dataclass(frozen=True)
class ExamRequest:
    """What the user asked for: an exam or a custom quiz of ``exam``, in a mode, from a seed."""

    exam: Exam
    user: User
    mode: Mode
    seed: int
    custom: CustomQuiz | None = None  # None: the blueprint's own form
    minutes: int | None = None  # practice mode: a time limit (untimed without one)
    allow_short: bool = False  # take fewer questions when the bank has too few


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


def display_order(kind: str, keys: list[str], rng: random.Random) -> list[str]:
    """The order an item's keys are first shown in: a question's options and a matching's
    answers shuffled; an ordering's steps shuffled, and never in their correct (authored)
    order; a yes/no solution's yes and no as they are."""
    if kind in (QUESTION, MATCHING):
        return shuffled_options(keys, rng)
    if kind == ORDERING:
        order = shuffled_options(keys, rng)
        # The correct order would give the answer away: rotating it by one never is it.
        return order[1:] + order[:1] if order == keys else order
    return list(keys)


@dataclass
class Draw:
    """The items of a form in their places, and notes on any fallback."""

    item_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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


def _spread_shortfall(pools: dict[ExamDomain, list[int]], wanted: dict[ExamDomain, int],
                      notes: list[str]) -> None:
    """Domains that cannot fill their share pass the rest to the others, by weight
    (``wanted`` sums to at most the pools' size)."""
    missing = 0
    for domain, pool in pools.items():
        if len(pool) < wanted[domain]:
            missing += wanted[domain] - len(pool)
            notes.append(f"Domain {domain.number} has only {len(pool)} questions "
                         f"for its share of {wanted[domain]}; others fill the gap.")
            wanted[domain] = len(pool)
    while missing:
        spare = [d for d in pools if len(pools[d]) > wanted[d]]
        extra = allocate([d.weight or 1 for d in spare], missing)
        for domain, count in zip(spare, extra, strict=True):
            add = min(count, len(pools[domain]) - wanted[domain])
            wanted[domain] += add
            missing -= add


def draw_questions(pools: dict[ExamDomain, list[int]], total: int, seen: set[int],
                   rng: random.Random, *, allow_short: bool,
                   kinds: KindDraw | None = None) -> Draw:
    """Pick ``total`` items by domain weight: the kind items already drawn (``kinds``, each
    member in its domain's share), then questions, fresh ones first; shortfalls move on.

    Kind items and whole sets keep their members together; a locking case study goes last.
    """
    kinds = kinds or KindDraw()
    domains = list(pools)
    quota = dict(zip(domains, allocate([d.weight for d in domains], total), strict=True))
    available = sum(len(pool) for pool in pools.values()) + kinds.count
    draw = Draw(notes=list(kinds.notes))
    if available < total:
        if not allow_short or available == 0:
            raise PoolTooSmall(
                f"The question bank has {available} questions for this selection, fewer than "
                f"the {total} asked for.", available)
        total = available
        quota = dict(zip(domains, allocate([d.weight for d in domains], total), strict=True))
    wanted = {d: max(0, quota[d] - kinds.per_domain.get(d.id, 0)) for d in domains}
    if sum(wanted.values()) + kinds.count > total:  # short: every question, where it is
        for domain, pool in pools.items():
            if len(pool) < wanted[domain]:
                draw.notes.append(f"Domain {domain.number} has only {len(pool)} questions "
                                  f"for its share of {wanted[domain]}; others fill the gap.")
        wanted = {d: len(pools[d]) for d in domains}
    else:
        _spread_shortfall(pools, wanted, draw.notes)
    units: list[list[int]] = []
    for domain in domains:
        chosen, fresh_count = _sample_fresh(pools[domain], wanted[domain], seen, rng)
        if fresh_count < wanted[domain]:
            draw.notes.append(f"Domain {domain.number}: {wanted[domain] - fresh_count} of its "
                              f"questions were also in your last {RECENT_ATTEMPTS} attempts "
                              "(the fresh ones ran out).")
        units.extend([item_id] for item_id in chosen)
    units.extend(kinds.units)
    rng.shuffle(units)  # a set's members stay together, in group order
    draw.item_ids = [item_id for unit in units + kinds.last for item_id in unit]
    return draw


def recently_seen(session: Session, user: User, exam: Exam) -> set[int]:
    """Item ids of the user's last RECENT_ATTEMPTS attempts of this blueprint."""
    recent = select(ExamAttempt.id).where(
        ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id
    ).order_by(ExamAttempt.started_at.desc()).limit(RECENT_ATTEMPTS).subquery()
    return set(session.scalars(
        select(AttemptQuestion.item_id).where(AttemptQuestion.attempt_id.in_(select(recent)))
    ))


def _source_filter(session: Session, user: User, source: Source) -> set[int] | None:
    """Item ids allowed by a custom quiz's source: missed before, or flagged in review."""
    if source == Source.MISSED:
        return set(session.scalars(
            select(AttemptQuestion.item_id).join(ExamAttempt)
            .where(ExamAttempt.user_id == user.id, ExamAttempt.status == GRADED,
                   AttemptQuestion.correct.is_(False))
        ))
    if source == Source.FLAGGED:
        flagged_in_exams = set(session.scalars(
            select(AttemptQuestion.item_id).join(ExamAttempt)
            .where(ExamAttempt.user_id == user.id, AttemptQuestion.flagged.is_(True))
        ))
        flagged_cards = set(session.scalars(
            select(Card.item_id).where(Card.user_id == user.id, Card.flagged.is_(True))
        ))
        return flagged_in_exams | flagged_cards
    return None


def _open_exam(session: Session, user: User, exam: Exam) -> ExamAttempt | None:
    return session.scalar(select(ExamAttempt).where(
        ExamAttempt.user_id == user.id, ExamAttempt.exam_id == exam.id,
        ExamAttempt.mode == Mode.EXAM, ExamAttempt.status == OPEN))


def _draw_form(session: Session, request: ExamRequest, pools: ExamPools, total: int,
               rng: random.Random) -> Draw:
    """The form's items: the blueprint's, or the custom quiz's domains, size and source."""
    exam, custom = request.exam, request.custom
    numbers = list(custom.domains) if custom and custom.domains is not None else None
    domains = [d for d in exam.domains if numbers is None or d.number in numbers]
    if not domains:
        raise ExamUnavailable("Choose at least one domain of this exam.")
    allowed = _source_filter(session, request.user, custom.source) if custom else None
    questions = {d: [item_id for item_id in pools.by_domain.get(d.id, [])
                     if allowed is None or item_id in allowed] for d in domains}
    form = FormKinds.of(exam)
    if custom is not None:  # a quiz holds the kinds in proportion to its size
        form = form.scaled(total / exam.question_count)
    seen = recently_seen(session, request.user, exam)
    kinds = None
    if form.any:
        quota = dict(zip((d.id for d in domains),
                         allocate([d.weight for d in domains], total), strict=True))
        kinds = draw_kinds(in_scope(pools, quota, allowed), form, quota, seen, rng,
                           explain=custom is None)
    return draw_questions(questions, total, seen, rng, allow_short=request.allow_short,
                          kinds=kinds)


def generate_exam(session: Session, request: ExamRequest, now: datetime) -> ExamAttempt:
    """Create an attempt as ``request`` asks: the blueprint's exam or a custom quiz.

    ``Mode.EXAM`` is timed to the blueprint's pace with no feedback until the end;
    ``Mode.PRACTICE`` checks each answer at once and is timed only if ``minutes`` is given.
    """
    exam, user, custom = request.exam, request.user, request.custom
    # One open timed attempt per blueprint (a unique index says so), custom quiz or not.
    if request.mode == Mode.EXAM and (existing := _open_exam(session, user, exam)) is not None:
        raise OpenAttemptExists(existing)
    total = custom.count if custom and custom.count is not None else exam.question_count
    if not 1 <= total <= 500:
        raise ExamUnavailable("A quiz has 1 to 500 questions.")
    pools = exam_pools(session, exam)
    rng = random.Random(request.seed)
    draw = _draw_form(session, request, pools, total, rng)
    if request.mode == Mode.PRACTICE:
        limit = request.minutes  # untimed unless asked
    else:  # the blueprint's pace: its minutes, scaled to a shorter or custom exam
        limit = max(1, round(exam.minutes * len(draw.item_ids) / exam.question_count))
    attempt = ExamAttempt(
        user_id=user.id, exam_id=exam.id, mode=request.mode.value, seed=request.seed,
        started_at=now, question_count=len(draw.item_ids), notes=draw.notes,
        deadline=now + timedelta(minutes=limit) if limit else None,
        custom={"domains": list(custom.domains) if custom.domains is not None else None,
                "source": custom.source.value} if custom else None,
        current_position=1, current_since=now,
    )
    if len(draw.item_ids) < total:
        attempt.notes.append(f"A shorter exam: {len(draw.item_ids)} of {total} questions.")
    try:  # in a savepoint: a concurrent start (PostgreSQL) may have created one first
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        if request.mode != Mode.EXAM or (winner := _open_exam(session, user, exam)) is None:
            raise
        raise OpenAttemptExists(winner) from None
    # One executemany insert (the ORM's unit of work costs more than the drawing itself);
    # the relationship loads on first use.
    session.execute(insert(AttemptQuestion.__table__), [
        {"attempt_id": attempt.id, "position": position, "item_id": item_id,
         "option_order": display_order(pools.kind(item_id),
                                       list(pools.option_keys[item_id]), rng),
         "flagged": False, "locked": False, "time_spent_ms": 0}
        for position, item_id in enumerate(draw.item_ids, start=1)
    ])
    session.expire(attempt, ["questions"])
    return attempt
