"""The data file's records as pydantic models, and their problems as ``$.path: message`` lines.

Each record of the file (a card with its reviews, an own deck, an exam attempt, ...) is a
model; pydantic checks a record's structure and every field's JSON type (strictly: no
strings for numbers, no booleans for numbers), and the annotated types below add prep's
rules (ranges, choices, times with a UTC offset and never in the future) and word each
refusal as the import page shows it ("expected int or null", "out of range"). What needs
the database (does this item or exam exist?) is checked by the importer.

The models' field lists are also the export's: what is written is what is read back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from prep.models import CardState, Rating
from prep.study.card_schedule import CardSchedule
from prep.study.card_tags import MAX_TAGS_PER_CARD, TAG

FORMAT = "prep-account-data"
VERSION = 1
MAX_PROBLEMS = 20
LOWEST, HIGHEST = -(2**31), 2**31 - 1  # the numbers a database integer column holds


class DataFileError(ValueError):
    """The file cannot be imported; ``problems`` are ``path: message`` lines."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _refusal(message: str) -> PydanticCustomError:
    return PydanticCustomError("prep", message)


def _expect(kinds: str) -> WrapValidator:
    """pydantic's type check, its refusal worded "expected <kinds>"."""
    def check(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise _refusal(f"expected {kinds}") from None
    return WrapValidator(check)


def _in_range(value: Any) -> Any:
    if value is not None and not LOWEST <= value <= HIGHEST:  # NaN is out of range too
        raise _refusal("out of range")
    return value


def _share(value: Any) -> Any:
    if value is not None and not 0 <= value <= 1:
        raise _refusal("expected a number from 0 to 1")
    return value


def _one_of(choices: Iterable[Any]) -> AfterValidator:
    allowed = frozenset(choices)
    message = f"expected one of {sorted(allowed)}"

    def check(value: Any) -> Any:
        if value not in allowed:
            raise _refusal(message)
        return value
    return AfterValidator(check)


def _time(value: Any) -> datetime:
    """An ISO 8601 time with its UTC offset, within the years prep can mean."""
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment.astimezone(UTC)  # overflows at the ends of the calendar
    except (TypeError, ValueError, OverflowError):
        raise _refusal("expected an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _refusal("the time needs a UTC offset")
    if not 2000 <= moment.year <= 2200:
        raise _refusal("expected a time between the years 2000 and 2200")
    return moment


def _maybe_time(value: Any) -> datetime | None:
    return None if value is None else _time(value)


def _not_future(moment: datetime | None, info: ValidationInfo) -> datetime | None:
    """Times that record what happened cannot lie after the import (``context["now"]``)."""
    if moment is not None and moment > (info.context or {})["now"]:
        raise _refusal("this time is in the future")
    return moment


def _characters(low: int, high: int) -> AfterValidator:
    def check(text: str | None) -> str | None:
        if text is not None and not low <= len(text) <= high:
            raise _refusal(f"expected {low} to {high} characters")
        return text
    return AfterValidator(check)


def _schedule(snapshot: dict[str, Any]) -> dict[str, Any]:
    try:
        CardSchedule.from_dict(snapshot)
    except ValueError as error:
        raise _refusal(str(error)) from None
    return snapshot


def _revlog_id(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or not 0 < value < 2**63):
        raise _refusal("expected a positive whole number")
    return value


def _card_tags(value: Any) -> list[str]:
    if not (isinstance(value, list) and len(value) <= MAX_TAGS_PER_CARD
            and all(isinstance(tag, str) and TAG.match(tag) for tag in value)):
        raise _refusal(f"expected up to {MAX_TAGS_PER_CARD} tags, each one word of letters, "
                       "digits and _ : . -")
    return value


def _fsrs_parameters(value: Any) -> list[float] | None:
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    if value is not None and not (
            isinstance(value, list) and len(value) == len(LOWER_BOUNDS_PARAMETERS)
            and all(isinstance(p, float | int) and not isinstance(p, bool) and math.isfinite(p)
                    and low <= p <= high for p, low, high in zip(
                        value, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))):
        raise _refusal(f"expected null or {len(LOWER_BOUNDS_PARAMETERS)} numbers within "
                       "FSRS's bounds")
    return value


# Field types, by their JSON form.
Int = Annotated[int, _expect("int"), AfterValidator(_in_range)]
MaybeInt = Annotated[int | None, _expect("int or null"), AfterValidator(_in_range)]
MaybeNumber = Annotated[float | None, _expect("float or int or null"), AfterValidator(_in_range)]
Bool = Annotated[bool, _expect("bool")]
MaybeBool = Annotated[bool | None, _expect("bool or null")]
Text = Annotated[str, _expect("str")]
Listing = Annotated[list[Any], _expect("list")]
MaybeListing = Annotated[list[Any] | None, _expect("list or null")]
MaybeObject = Annotated[dict[str, Any] | None, _expect("dict or null")]
StateValue = Annotated[int, _expect("int"), _one_of(map(int, CardState))]
Time = Annotated[datetime, PlainValidator(_time)]
MaybeTime = Annotated[datetime | None, PlainValidator(_maybe_time)]
PastTime = Annotated[datetime, PlainValidator(_time), AfterValidator(_not_future)]
MaybePastTime = Annotated[datetime | None, PlainValidator(_maybe_time),
                          AfterValidator(_not_future)]


class Record(BaseModel):
    """A record of the file: strict JSON types; fields it does not know are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Sections(Record):
    """The file's top level, each section's records checked one by one."""

    settings: dict[str, Any]
    tracks: list[Any]
    own_decks: list[Any] = Field(default_factory=list)
    cards: list[Any]
    exam_attempts: list[Any]


class Settings(Record):
    """The review settings (each checked by the settings form's own parsers)."""

    desired_retention: Any = None
    new_per_day: Any = None
    reviews_per_day: Any = None
    learning_steps: Any = None
    relearning_steps: Any = None
    maximum_interval: Any = None
    day_start_hour: Any = None
    timezone: Any = None
    fsrs_parameters: Annotated[list[float] | None, PlainValidator(_fsrs_parameters)] = None


class TrackEntry(Record):
    """A studied track and its exam date (both checked against the installation)."""

    track: Text
    exam_date: Any = None


class OwnCard(Record):
    """One of the user's own flashcards, with its content."""

    uid: Text
    front: Text
    back: Text
    tags: list[Text]
    created_at: PastTime
    updated_at: PastTime
    # the Anki GUID of the card's note, when it came from Anki or went there
    anki_guid: Annotated[str | None, _expect("str or null"), _characters(1, 64)] = None


class OwnDeck(Record):
    """One of the user's own decks."""

    title: Annotated[str, _expect("a deck name")]
    cards: list[Any]  # each an OwnCard, checked one by one


class ReviewFields(Record):
    """One answer, as the review log stores it."""

    review_uid: Annotated[str, _expect("str"), _characters(1, 64)]
    rating: Annotated[int, _expect("int"), _one_of(map(int, Rating))]
    reviewed_at: PastTime
    duration_ms: MaybeInt
    previous_state: StateValue
    last_interval: MaybeInt
    state_before: Annotated[dict[str, Any], _expect("dict"), AfterValidator(_schedule)]


class Review(ReviewFields):
    """An answer in the file: the stored fields, and its Anki revlog id when it has one (so
    that a later Anki import or sync does not count it again)."""

    anki_revlog_id: Annotated[int | None, PlainValidator(_revlog_id)] = None


class CardFields(Record):
    """A card's scheduling state and flags, as the card stores them."""

    state: StateValue
    step: MaybeInt
    stability: MaybeNumber
    difficulty: MaybeNumber
    due: Time
    last_review: MaybePastTime
    reps: Int
    lapses: Int
    suspended: Bool
    leech: Bool
    active: Bool
    from_exam: Bool
    buried_until: MaybeTime
    flagged: Bool


class CardEntry(CardFields):
    """A card in the file: its item (by uid), state, the user's tags on it, its reviews."""

    item: Text
    tags: Annotated[list[str], PlainValidator(_card_tags)] = Field(default_factory=list)
    reviews: list[Review]


class QuestionFields(Record):
    """A question of an exam attempt, as stored."""

    position: Int
    option_order: Listing
    chosen: MaybeListing
    flagged: Bool
    correct: MaybeBool
    answered_at: MaybePastTime
    time_spent_ms: Int
    # Since the item kinds (files written before them have neither: a question's score
    # then follows ``correct``, and nothing was locked).
    score: Annotated[float | None, _expect("float or int or null"),
                     AfterValidator(_share)] = None
    locked: Bool = False


class Question(QuestionFields):
    """A question in the file, with its item's uid."""

    item: Text


class AttemptFields(Record):
    """An exam attempt, as stored."""

    mode: Annotated[str, _expect("str"), _one_of({"exam", "practice"})]
    status: Annotated[str, _expect("str"), _one_of({"open", "graded"})]
    seed: Int
    started_at: PastTime
    deadline: MaybeTime
    submitted_at: MaybePastTime
    question_count: Int
    correct_count: MaybeInt
    points: MaybeNumber = None  # since the item kinds; older files: correct_count
    score_scaled: MaybeNumber
    passed: MaybeBool
    notes: Listing
    custom: MaybeObject
    current_position: MaybeInt
    current_since: MaybeTime


class Attempt(AttemptFields):
    """An attempt in the file, with its exam's id and its questions."""

    exam: Text
    questions: list[Question]


# What the export writes of each record: the models' own fields.
SETTINGS = tuple(Settings.model_fields)
OWN_CARD_FIELDS = tuple(name for name in OwnCard.model_fields if name != "anki_guid")
CARD_FIELDS = tuple(CardFields.model_fields)
REVIEW_FIELDS = tuple(ReviewFields.model_fields)
ATTEMPT_FIELDS = tuple(AttemptFields.model_fields)
QUESTION_FIELDS = tuple(QuestionFields.model_fields)

Model = TypeVar("Model", bound=Record)


class Problems:
    """The problems found in a file so far, as ``path: message`` lines (MAX_PROBLEMS)."""

    def __init__(self, now: datetime) -> None:
        self.lines: list[str] = []
        self.context = {"now": now}

    def fail(self, path: str, message: str) -> None:
        """Record one problem."""
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(f"{path}: {message}")

    def check(self, model: type[Model], value: Any, path: str) -> Model | None:
        """``value`` as a ``model``, or None with its problems recorded."""
        try:
            return model.model_validate(value, context=self.context)
        except ValidationError as error:
            for found in error.errors(include_url=False):
                where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                                for part in found["loc"])
                self.fail(path + where, _WORDS.get(found["type"], found["msg"]))
            return None

    def each(self, model: type[Model], values: list[Any],
             path: str) -> list[tuple[str, Model]]:
        """The records of one section that pass as ``model``, each with its path."""
        checked = ((f"{path}[{n}]", self.check(model, value, f"{path}[{n}]"))
                   for n, value in enumerate(values))
        return [(where, record) for where, record in checked if record is not None]


# pydantic's own refusals (the others are worded above), as prep words them.
_WORDS = {"missing": "missing", "model_type": "expected an object",
          "dict_type": "expected an object", "list_type": "expected a list"}
