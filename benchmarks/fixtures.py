"""Synthetic large study histories for benchmarks: one user, N cards, M review logs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from prep.accounts import register_user
from prep.models import (
    Base,
    Card,
    CardState,
    Deck,
    Enrollment,
    Item,
    ReviewLog,
    Track,
    User,
)

CHUNK = 20_000


def fresh_schema(engine: Engine) -> None:
    """Drop and create prep's tables."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def bench_track(session: Session) -> Track:
    """The benchmarks' track (flushed, so decks and exams can refer to it)."""
    track = Track(id="bench", name="Bench", vendor="prep", description="", position=1)
    session.add(track)
    session.flush()
    return track


def _chunks(rows: list[dict], size: int = CHUNK):  # type: ignore[no-untyped-def]
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bench_student(engine: Engine, now: datetime, email: str, slug: str, title: str,
                  **settings: int) -> tuple[int, int]:
    """A user studying the benchmarks' track, which gets an empty deck; returns the user's
    and the deck's ids. ``settings`` set user columns (daily limits, say)."""
    with Session(engine) as session:
        user = register_user(session, email, "steady measuring stick", now)
        for name, value in settings.items():
            setattr(user, name, value)
        bench_track(session)
        deck = Deck(slug=slug, track_id="bench", title=title)
        session.add(deck)
        session.add(Enrollment(user_id=user.id, track_id="bench", created_at=now))
        session.flush()
        ids = user.id, deck.id
        session.commit()
    return ids


def build_history(engine: Engine, now: datetime, cards: int, logs: int, seed: int = 7) -> int:
    """A user studying one track of ``cards`` flashcards with ``logs`` reviews; returns user id.

    States: 10% new, 2% learning, 88% review with due dates from 60 days ago to a year ahead
    (so several thousand are due), review logs spread over the past year.
    """
    rng = random.Random(seed)
    user_id, deck_id = bench_student(engine, now, "bench@example.com", "bench/all", "All",
                                     reviews_per_day=1_000_000, new_per_day=20)
    with engine.begin() as connection:
        for rows in _chunks([
            {"uid": f"bench-{n}", "deck_id": deck_id, "kind": "card", "prompt": f"Front {n}",
             "answer_text": f"Back {n}", "tags": [], "content_hash": f"{n:064d}",
             "created_at": now, "updated_at": now}
            for n in range(cards)
        ]):
            connection.execute(insert(Item), rows)
        item_ids = list(connection.scalars(select(Item.id).order_by(Item.id)))
        card_rows = []
        for item_id in item_ids:
            roll = rng.random()
            if roll < 0.10:
                card_rows.append({"user_id": user_id, "item_id": item_id, "state": CardState.NEW,
                                  "step": None, "stability": None, "difficulty": None,
                                  "due": now, "last_review": None, "reps": 0, "lapses": 0})
                continue
            state = CardState.LEARNING if roll < 0.12 else CardState.REVIEW
            due = now + timedelta(days=rng.uniform(-60, 365)) if state == CardState.REVIEW else (
                now + timedelta(minutes=rng.uniform(-30, 30)))
            card_rows.append({
                "user_id": user_id, "item_id": item_id, "state": state,
                "step": 0 if state == CardState.LEARNING else None,
                "stability": rng.uniform(1, 200),
                "difficulty": rng.uniform(1, 10), "due": due,
                "last_review": now - timedelta(days=rng.uniform(1, 60)), "reps": 10,
                "lapses": rng.randint(0, 3),
            })
        for rows in _chunks(card_rows):
            connection.execute(insert(Card), rows)
        card_ids = list(connection.scalars(select(Card.id).where(Card.state != CardState.NEW)))
        log_rows = []
        for n in range(logs):
            log_rows.append({
                "user_id": user_id, "card_id": card_ids[n % len(card_ids)],
                "review_uid": f"hist-{n}", "rating": rng.choice((1, 3, 3, 3, 4)),
                "reviewed_at": now - timedelta(days=rng.uniform(1, 365)),
                "duration_ms": rng.randint(1500, 20000), "previous_state": CardState.REVIEW,
                "last_interval": rng.choice((1, 4, 12, 25, 60, 150)), "state_before": {},
            })
            if len(log_rows) == CHUNK:
                connection.execute(insert(ReviewLog), log_rows)
                log_rows = []
        if log_rows:
            connection.execute(insert(ReviewLog), log_rows)
    return user_id


def bench_user(session: Session, user_id: int) -> User:
    """The benchmark user, loaded in ``session``."""
    return session.get(User, user_id)


def study_group(engine: Engine, users: int, cards: int, now: datetime) -> list[str]:
    """``users`` users studying one track of ``cards`` new flashcards (stored HTML, no daily
    new-card limit); returns their e-mail addresses (password ``steady measuring stick``)."""
    from prep.rendering import render_item

    with Session(engine) as session:
        bench_track(session)
        deck = Deck(slug="bench/group", track_id="bench", title="Group")
        session.add(deck)
        emails = [f"load{n}@example.com" for n in range(users)]
        accounts = [register_user(session, email, "steady measuring stick", now)
                    for email in emails]
        for user in accounts:
            user.new_per_day = 100_000
            session.add(Enrollment(user_id=user.id, track_id="bench", created_at=now))
        session.flush()
        user_ids, deck_id = [user.id for user in accounts], deck.id
        session.commit()
    with engine.begin() as connection:
        connection.execute(insert(Item), [
            {"uid": f"group-{n}", "deck_id": deck_id, "kind": "card", "prompt": f"Front **{n}**",
             "answer_text": f"Back {n}", "tags": [], "content_hash": f"{n:064d}",
             "rendered": render_item(f"Front **{n}**", f"Back {n}", None, f"{n:064d}"),
             "created_at": now, "updated_at": now}
            for n in range(cards)
        ])
        item_ids = list(connection.scalars(select(Item.id).where(Item.deck_id == deck_id)))
        for rows in _chunks([{"user_id": user_id, "item_id": item_id, "due": now}
                             for user_id in user_ids for item_id in item_ids]):
            connection.execute(insert(Card), rows)
    return emails
