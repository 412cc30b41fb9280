"""Exam-date mode: every studied card of a track is seen in the 7 study days before its exam.

Design: nothing is faked in the review log and the queue's statement is unchanged. When the
window opens (or the date is set inside it), each studied, non-suspended card of the track
that has not been answered since the window started and is not due before the exam is
brought forward: its due date becomes the start of one of the window's remaining days,
chosen by ``card id mod days left``, so the load is spread evenly rather than piled onto the
last day. Cards already due inside the window keep their date. Answering a card schedules it
normally from then on, so after the exam the track is back to plain FSRS scheduling. Moving
cards is idempotent: a second run the same day (or a later day) moves no card twice.
New (never studied) cards stay under the daily new-card limit; the plan says how many there
are and how many a day it would take to meet them all before the exam.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    bindparam,
    case,
    exists,
    false,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from prep.models import Card, CardState, Deck, Enrollment, Item, User
from prep.models.base import rows_matched
from prep.study.days import day_bounds, today

WINDOW_DAYS = 7


def window(exam_date: date) -> tuple[date, date]:
    """The first and last study day of the exam window."""
    return exam_date - timedelta(days=WINDOW_DAYS), exam_date - timedelta(days=1)


def track_cards(user: User, track_id: str) -> tuple:
    """Criteria for the user's active, unsuspended cards of one track."""
    in_track = select(Item.id).join(Deck, Deck.id == Item.deck_id).where(
        Deck.track_id == track_id)
    return (Card.user_id == user.id, Card.active == true(), Card.suspended == false(),
            Card.item_id.in_(in_track))


def studied() -> ColumnElement[bool]:
    """Cards answered at least once (any state but new)."""
    return Card.state.in_([CardState.LEARNING, CardState.REVIEW, CardState.RELEARNING])


def bring_forward(session: Session, user: User, track_id: str, exam_date: date,
                  now: datetime) -> int:
    """Move the track's unseen cards into the remaining window days; return how many moved."""
    first, last = window(exam_date)
    start = max(first, today(user, now))
    if start > last:
        return 0
    days = (last - start).days + 1
    bounds = day_bounds(user, start, days)
    slot = Card.id % days
    slot_start = case({k: bindparam(f"s{k}", bounds[k]) for k in range(days)}, value=slot)
    moved = rows_matched(session.execute(
        update(Card)
        .where(*_unplanned(user, track_id, first, bounds[-1]))
        .values(due=slot_start)
        .execution_options(synchronize_session=False)
    ))
    session.expire_all()
    return moved


def _unplanned(user: User, track_id: str, first: date, exam_start: datetime) -> tuple:
    """The track's studied cards not seen since the window opened and not due before the
    exam: the ones bring_forward moves."""
    window_start = day_bounds(user, first, 0)[0]
    return (*track_cards(user, track_id), studied(),
            or_(Card.last_review.is_(None), Card.last_review < window_start),
            Card.due >= exam_start)


def open_windows(user: User, now: datetime) -> list[tuple[Enrollment, date]]:
    """The user's tracks whose exam window is open today, with their exam dates (no query
    beyond enrolments)."""
    current = today(user, now)
    return [(e, e.exam_date) for e in user.enrollments
            if e.exam_date is not None and window(e.exam_date)[0] <= current
            <= window(e.exam_date)[1]]


def plans_need_keeping(session: Session, user: User, now: datetime) -> bool:
    """Whether an open exam window has cards still to bring forward (a read, so that the
    review page takes the write lock only when there is something to move)."""
    for enrollment, exam_date in open_windows(user, now):
        first, last = window(exam_date)
        exam_start = day_bounds(user, last, 1)[-1]
        if session.scalar(select(exists().where(
                *_unplanned(user, enrollment.track_id, first, exam_start)))):
            return True
    return False


def keep_exam_plans(session: Session, user: User, now: datetime) -> int:
    """Bring cards forward for every track whose exam window is open today."""
    return sum(bring_forward(session, user, e.track_id, exam_date, now)
               for e, exam_date in open_windows(user, now))


def parse_exam_date(raw: str) -> date | None:
    """A date typed as YYYY-MM-DD (empty: no exam date); ValueError with a message."""
    text = raw.strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError("Enter a date as YYYY-MM-DD, or leave it empty.") from None
    if not 2000 <= value.year <= 2100:
        raise ValueError("Enter a date between the years 2000 and 2100.")
    return value


def set_exam_dates(session: Session, user: User, raw: dict[str, str], now: datetime) -> int:
    """Set the exam date of each studied track in ``raw`` (all or none); bring cards forward.

    Raises SettingsError (field ``exam_date_<track>``) when any date is invalid. Returns how
    many cards were brought forward into an exam window that is open today.
    """
    from prep.study.settings import SettingsError

    parsed, errors = {}, {}
    for enrollment in user.enrollments:
        field = f"exam_date_{enrollment.track_id}"
        try:
            parsed[enrollment.track_id] = parse_exam_date(str(raw.get(field, ""))[:40])
        except ValueError as error:
            errors[field] = str(error)
    if errors:
        raise SettingsError(errors)
    for enrollment in user.enrollments:
        enrollment.exam_date = parsed[enrollment.track_id]
    session.flush()
    return keep_exam_plans(session, user, now)
