"""FSRS parameters from a user's own review log (fsrs-rs-python), and rescheduling by them.

Training items are built as Anki builds them: a card's answers in order, each as (rating,
days since the previous answer) in the user's study days; one item per answer on a later
day. fsrs-rs trains the parameters; log loss and RMSE(bins) are measured for the current
and the new parameters on the same items, and the new ones are kept only when their log
loss is lower. Rescheduling replays each card's answers through prep's own scheduler
(``prep.study.scheduling.outcome``) with the new parameters, so the stored memory state is
exactly what answering under them would have produced, and the next answer continues it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import fsrs_rs_python as fsrs_rs
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from prep.models import Card, CardState, Rating, ReviewLog, User
from prep.study.exam_window import keep_exam_plans
from prep.study.review import scheduled_interval
from prep.study.scheduling import SchedulerSettings, outcome

# fsrs-rs returns its defaults unchanged below this many training items; say so instead.
MIN_TRAINING_ITEMS = 64
MOVED = timedelta(days=1)  # a due date that changes by less is not shown as moved

History = list[tuple[datetime, int]]  # a card's answers: (time, rating), oldest first


class NotEnoughReviews(ValueError):
    """Too little history to train on; the message says how much there is and is needed."""


class NotBetter(ValueError):
    """The proposed parameters do not predict the user's history better than the current."""


@dataclass(frozen=True)
class Evaluation:
    """How well parameters predict the recorded answers (lower is better for both)."""

    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Optimisation:
    """A training run: the parameters before and after, measured on the same items."""

    reviews: int
    items: int
    current: tuple[float, ...]
    proposed: tuple[float, ...]
    before: Evaluation
    after: Evaluation

    @property
    def better(self) -> bool:
        return self.after.log_loss < self.before.log_loss


@dataclass(frozen=True)
class CardMove:
    """One card's memory state and due date under new parameters."""

    card_id: int
    reps: int
    state: int
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    shift: timedelta  # new due minus old due


@dataclass(frozen=True)
class Rescheduling:
    """What new parameters do to the user's cards."""

    moves: list[CardMove]
    cards: int  # cards with history

    @property
    def moved(self) -> list[CardMove]:
        return [m for m in self.moves if abs(m.shift) >= MOVED]

    @property
    def earlier(self) -> int:
        return sum(1 for m in self.moved if m.shift < timedelta(0))

    @property
    def later(self) -> int:
        return sum(1 for m in self.moved if m.shift > timedelta(0))

    @property
    def median_shift_days(self) -> float:
        """Median absolute change of the due date of moved cards, in days."""
        shifts = [abs(m.shift).total_seconds() / 86400 for m in self.moved]
        return median(shifts) if shifts else 0.0

    @property
    def largest_shift_days(self) -> float:
        return max((abs(m.shift).total_seconds() / 86400 for m in self.moved), default=0.0)


def scheduler_parameters(parameters: Iterable[float]) -> tuple[float, ...]:
    """fsrs-rs output as the ``fsrs`` package accepts it: 4 decimals, within its bounds."""
    return tuple(
        min(max(round(value, 4), low), high)
        for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS,
                                    UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def study_day_number(at: datetime, zone: ZoneInfo, start_hour: int) -> int:
    """The ordinal of the study day containing ``at`` (days roll over at ``start_hour``)."""
    return (at.astimezone(zone) - timedelta(hours=start_hour)).date().toordinal()


def training_items(histories: Iterable[Sequence[tuple[int, int]]]) -> list[fsrs_rs.FSRSItem]:
    """FSRS items from histories of (study day number, rating): one per later-day answer."""
    items = []
    for history in histories:
        reviews: list[fsrs_rs.FSRSReview] = []
        previous = history[0][0] if history else 0
        for day, rating in history:
            delta = day - previous
            reviews.append(fsrs_rs.FSRSReview(rating, delta))
            if delta > 0:
                items.append(fsrs_rs.FSRSItem(list(reviews)))
            previous = day
    return [item for item in items if item.long_term_review_cnt() > 0]


def user_histories(session: Session, user: User) -> dict[int, History]:
    """Every answer of the user, per card, oldest first."""
    rows = session.execute(
        select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating)
        .where(ReviewLog.user_id == user.id)
        .order_by(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)
    )
    histories: dict[int, History] = defaultdict(list)
    for card_id, reviewed_at, rating in rows:
        histories[card_id].append((reviewed_at, rating))
    return histories


def user_items(user: User, histories: dict[int, History]) -> list[fsrs_rs.FSRSItem]:
    """Training items from the user's histories, in the user's study days."""
    zone, hour = ZoneInfo(user.timezone), user.day_start_hour
    return training_items(
        [(study_day_number(at, zone, hour), rating) for at, rating in history]
        for history in histories.values()
    )


def evaluate(parameters: Sequence[float], items: Sequence[fsrs_rs.FSRSItem]) -> Evaluation:
    """Log loss and RMSE(bins) of ``parameters`` on ``items``."""
    result = fsrs_rs.FSRS(list(parameters)).evaluate(list(items))
    return Evaluation(log_loss=result.log_loss, rmse_bins=result.rmse_bins)


def train(items: Sequence[fsrs_rs.FSRSItem], relearning_steps: int = 1) -> tuple[float, ...]:
    """Parameters fitted to ``items`` by fsrs-rs (NotEnoughReviews when they are too few)."""
    if len(items) < MIN_TRAINING_ITEMS:
        raise NotEnoughReviews(
            f"Optimising needs at least {MIN_TRAINING_ITEMS} answers to cards seen on an "
            f"earlier day; your history has {len(items)}. Keep reviewing and try again later.")
    fitted = fsrs_rs.FSRS(list(fsrs_rs.DEFAULT_PARAMETERS)).compute_parameters(
        list(items), num_relearning_steps=relearning_steps)
    return scheduler_parameters(fitted)


def current_parameters(user: User) -> tuple[float, ...]:
    """The parameters the user's cards are scheduled with now."""
    return SchedulerSettings.of(user).parameters


def optimise(session: Session, user: User) -> Optimisation:
    """Train on the user's history and measure old and new parameters on it (stores nothing)."""
    histories = user_histories(session, user)
    items = user_items(user, histories)
    proposed = train(items, len(user.relearning_steps))
    current = current_parameters(user)
    return Optimisation(
        reviews=sum(len(h) for h in histories.values()), items=len(items), current=current,
        proposed=proposed, before=evaluate(current, items), after=evaluate(proposed, items),
    )


@dataclass
class ReplayCard:
    """The scheduling fields of a card being replayed: a plain object, cheap to update
    (the scheduler reads and prep's ``outcome`` reads exactly these, as on ``Card``; the
    flags ride along so that a copy can be an undo snapshot)."""

    id: int
    due: datetime
    state: int = CardState.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    leech: bool = False

    def copy(self) -> ReplayCard:
        """A shallow copy (``dataclasses.replace`` costs ten times more: replays make one
        per answer)."""
        twin = object.__new__(ReplayCard)
        twin.__dict__.update(self.__dict__)
        return twin


def fresh_copy(card_id: int, first_answer: datetime) -> ReplayCard:
    """A never-studied stand-in for card ``card_id`` (same id, so the same fuzz)."""
    return ReplayCard(id=card_id, due=first_answer)


def replay_answers(copy: ReplayCard, history: History,
                   settings: SchedulerSettings) -> Iterator[ReplayCard]:
    """Answer ``copy`` as ``history`` says, yielding a copy of it as it was before each
    answer (what the answer's log records; ``copy`` ends as the card after them all)."""
    for at, rating in history:
        before = copy.copy()
        result = outcome(copy, Rating(rating), at, settings)  # type: ignore[arg-type]  # a ReplayCard has the fields outcome reads
        copy.state, copy.step, copy.due = result.state, result.step, result.due
        copy.stability, copy.difficulty = result.stability, result.difficulty
        copy.last_review, copy.reps = at, copy.reps + 1
        copy.lapses += result.is_lapse
        yield before


def replay_steps(copy: ReplayCard, history: History,
                 settings: SchedulerSettings) -> Iterator[tuple[int, int | None]]:
    """Answer ``copy`` as ``history`` says, yielding the state and scheduled interval it
    had before each answer."""
    for before in replay_answers(copy, history, settings):
        yield before.state, scheduled_interval(before)  # type: ignore[arg-type]  # a ReplayCard has the fields it reads


def replay(card_id: int, history: History, settings: SchedulerSettings) -> ReplayCard:
    """Card ``card_id`` as its answers, replayed from new, leave it."""
    copy = fresh_copy(card_id, history[0][0])
    for _ in replay_steps(copy, history, settings):
        pass
    return copy


def plan_rescheduling(session: Session, user: User, parameters: Sequence[float],
                      histories: dict[int, History] | None = None) -> Rescheduling:
    """What replaying every card's history under ``parameters`` would change (stores nothing)."""
    settings = replace(SchedulerSettings.of(user), parameters=tuple(parameters))
    if histories is None:
        histories = user_histories(session, user)
    cards = session.execute(
        select(Card.id, Card.reps, Card.due)
        .where(Card.user_id == user.id, Card.state != CardState.NEW)
    ).all()
    moves = []
    for row in cards:
        history = histories.get(row.id)
        if not history or len(history) != row.reps:
            continue  # history incomplete (e.g. an answer was undone mid-way): leave it
        after = replay(row.id, history, settings)
        assert after.stability is not None and after.difficulty is not None  # answered
        moves.append(CardMove(row.id, row.reps, after.state, after.step, after.stability,
                              after.difficulty, after.due, after.due - row.due))
    return Rescheduling(moves=moves, cards=len(cards))


_RESCHEDULE = (
    update(Card.__table__)
    .where(Card.id == bindparam("card_id"), Card.reps == bindparam("shown_reps"))
    .values(state=bindparam("new_state"), step=bindparam("new_step"),
            stability=bindparam("new_stability"), difficulty=bindparam("new_difficulty"),
            due=bindparam("new_due"))
)


def check_and_plan(session: Session, user: User,
                   parameters: Sequence[float]) -> tuple[tuple[float, ...], Rescheduling]:
    """Read-only half of applying: the parameters as fsrs takes them and the cards they move.

    Raises NotBetter unless they beat the current ones on the user's history (also when they
    are already the current ones, so a repeated confirmation changes nothing).
    """
    proposed = scheduler_parameters(parameters)
    histories = user_histories(session, user)
    items = user_items(user, histories)
    if not items or evaluate(proposed, items).log_loss >= evaluate(
            current_parameters(user), items).log_loss:
        raise NotBetter("These parameters do not predict your history better than the "
                        "current ones, so nothing was changed.")
    return proposed, plan_rescheduling(session, user, proposed, histories)


def store_parameters(session: Session, user: User, proposed: tuple[float, ...],
                     plan: Rescheduling, now: datetime) -> Rescheduling:
    """Writing half: store the parameters and the planned cards (a card answered since the
    plan keeps its new state: compare-and-set on reps); exam weeks are kept."""
    user.fsrs_parameters = list(proposed)
    session.flush()
    if plan.moves:
        session.connection().execute(_RESCHEDULE, [
            {"card_id": m.card_id, "shown_reps": m.reps, "new_state": m.state,
             "new_step": m.step, "new_stability": m.stability,
             "new_difficulty": m.difficulty, "new_due": m.due}
            for m in plan.moves
        ])
    session.expire_all()
    keep_exam_plans(session, user, now)
    return plan


def apply_parameters(session: Session, user: User, parameters: Sequence[float],
                     now: datetime) -> Rescheduling:
    """Store ``parameters`` if they beat the current ones on the user's history; reschedule.

    The web view runs the two halves in separate transactions, so that SQLite's write lock
    is held for the UPDATE only, not for the seconds of evaluation and replay.
    """
    proposed, plan = check_and_plan(session, user, parameters)
    return store_parameters(session, user, proposed, plan, now)
