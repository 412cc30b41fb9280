"""Reading and validating a decks folder: every fault reported as ``path:line: message``.

``check_decks(root)`` never raises on bad content; it returns a :class:`DeckBundle` whose
``faults`` list says what is wrong, so a caller can print them all at once.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path
from typing import Any

from prep.decks.source import Fault, LineList, LineMap, read_yaml
from prep.decks.spec import (
    ADVISOR_FACTS,
    EXAM_LEVELS,
    EXAM_STATUSES,
    DeckBundle,
    DeckSpec,
    DomainSpec,
    ExamSpec,
    ExperienceSpec,
    ItemSpec,
    OptionSpec,
    TrackSpec,
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
RESERVED_PREFIX = "own-"  # prep.study.own_cards.OWN_PREFIX
OPTION_KEYS = ("a", "b", "c", "d", "e", "f")
TRACK_FILE = "track.yaml"
EXAM_SUFFIX = ".exam.yaml"

_TRACK_KEYS = {"track", "name", "vendor", "position", "primary_exam"}
_TRACK_OPTIONAL = {"description", "targets"}
_TARGET_KINDS = ("flashcards", "questions")
_EXAM_REQUIRED = {
    "exam", "track", "code", "name", "vendor", "guide_version", "status",
    "questions", "minutes", "scoring", "domains",
}
_EXAM_OPTIONAL = {
    "retired_on", "successor", "successor_note", "scored_questions", "multiple_response",
    "item_types", "unverified", "status_note", *ADVISOR_FACTS, "sources",
}
_EXPERIENCE_KEYS = {"text", "years"}
_DOMAIN_KEYS = ({"id", "name", "weight"}, {"topics"})
_DECK_KEYS = ({"deck", "title", "items"}, {"description"})
_ITEM_COMMON = {"id", "type", "domains"}
_CARD_KEYS = (_ITEM_COMMON | {"front", "back"}, {"tags", "image", "reference", "checked"})
_QUESTION_KEYS = (
    _ITEM_COMMON | {"stem", "options", "answer", "explanations", "reference"},
    {"tags", "image", "checked"},
)
MONTH_PATTERN = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _FileReader:
    """Typed access to the mappings of one file, recording a fault for every misfit."""

    def __init__(self, path: str, faults: list[Fault]):
        self.path = path
        self.faults = faults

    def fault(self, line: int, message: str) -> None:
        self.faults.append(Fault(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.fault(line, f"{what} must be a mapping (key: value)")
        return None

    def keys(self, data: LineMap, required: set[str], optional: set[str], what: str) -> bool:
        """Report unknown and missing keys; True when every required key is present."""
        for key in data:
            if key not in required and key not in optional:
                self.fault(data.line_of(key), f"unknown key {key!r} in {what}")
        missing = sorted(required - set(data))
        for key in missing:
            self.fault(data.line, f"{what} is missing {key!r}")
        return not missing

    def text(self, data: LineMap, key: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required and key in data:
                self.fault(data.line_of(key), f"{key!r} must not be empty")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fault(data.line_of(key), f"{key!r} must be text")
            return None
        value = str(value).strip()
        if not value and required:
            self.fault(data.line_of(key), f"{key!r} must not be empty")
            return None
        return value or None

    def identifier(self, data: LineMap, key: str) -> str | None:
        value = self.text(data, key)
        if value is not None and key == "id" and value.startswith(RESERVED_PREFIX):
            self.fault(data.line_of(key), f"ids starting with {RESERVED_PREFIX!r} are reserved "
                                          "for users' own cards")
            return None
        if value is not None and not ID_PATTERN.match(value):
            self.fault(
                data.line_of(key),
                f"{key!r} {value!r} must be lowercase letters, digits and dashes (max 64)",
            )
            return None
        return value

    def integer(self, data: LineMap, key: str, *, minimum: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fault(data.line_of(key), f"{key!r} must be a whole number >= {minimum}")
            return None
        return value

    def number(self, data: LineMap, key: str) -> float | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.fault(data.line_of(key), f"{key!r} must be a number")
            return None
        return float(value)

    def boolean(self, data: LineMap, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fault(data.line_of(key), f"{key!r} must be true or false")
            return default
        return value

    def text_list(self, data: LineMap, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(entry, str) and entry.strip() for entry in value
        ):
            self.fault(data.line_of(key), f"{key!r} must be a list of non-empty texts")
            return []
        return [entry.strip() for entry in value]

    def month(self, data: LineMap, key: str, today: date | None) -> str | None:
        """A ``YYYY-MM`` month, not after ``today``'s month when a day is given."""
        value = data.get(key)
        if value is None and key not in data:
            return None
        if not isinstance(value, str) or not MONTH_PATTERN.match(value.strip()):
            self.fault(data.line_of(key), f"{key!r} must be a month YYYY-MM (e.g. 2026-12), "
                                          f"not {value}")
            return None
        value = value.strip()
        if today is not None and value > f"{today:%Y-%m}":
            self.fault(data.line_of(key), f"{key!r} {value} is in the future")
            return None
        return value

    def date(self, data: LineMap, key: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, date):
            self.fault(data.line_of(key), f"{key!r} must be a date (YYYY-MM-DD)")
            return None
        return value


def check_decks(root: Path, today: date | None = None) -> DeckBundle:
    """Read every file under ``root`` (a decks folder or one track folder) and validate it.

    ``today`` (when given) rejects ``checked`` months in the future.
    """
    bundle = DeckBundle(root=root, today=today)
    if not root.is_dir():
        bundle.faults.append(Fault(display_path(root), 1, "no such directory"))
        return bundle
    track_dirs = [root] if (root / TRACK_FILE).exists() else sorted(
        child for child in root.iterdir() if child.is_dir() and not child.name.startswith(".")
    )
    for track_dir in track_dirs:
        _read_track_folder(track_dir, bundle)
    _cross_check(bundle)
    return bundle


def _read_track_folder(folder: Path, bundle: DeckBundle) -> None:
    track_file = folder / TRACK_FILE
    if not track_file.exists():
        if any(folder.glob("*.yaml")):
            bundle.faults.append(Fault(display_path(folder), 1, f"missing {TRACK_FILE}"))
        return
    track = _read_track(track_file, bundle)
    if track is None:
        return
    for path in sorted(folder.glob(f"*{EXAM_SUFFIX}")):
        _read_exam(path, track, bundle)
    topic_files = sorted(
        path for path in folder.glob("*.yaml")
        if path.name != TRACK_FILE and not path.name.endswith(EXAM_SUFFIX)
    )
    for path in topic_files:
        _read_topic_file(path, track, folder, bundle)


def _load(path: Path, bundle: DeckBundle) -> tuple[_FileReader, LineMap | None]:
    bundle.files += 1
    document = read_yaml(path, display_path(path))
    bundle.faults.extend(document.faults)
    reader = _FileReader(document.path, bundle.faults)
    if document.faults:
        return reader, None
    return reader, reader.mapping(document.data, 1, "the file")


def _read_track(path: Path, bundle: DeckBundle) -> TrackSpec | None:
    reader, data = _load(path, bundle)
    if data is None or not reader.keys(data, _TRACK_KEYS, _TRACK_OPTIONAL, "track.yaml"):
        return None
    track_id = reader.identifier(data, "track")
    if track_id is not None and track_id != path.parent.name:
        reader.fault(data.line_of("track"),
                     f"track id {track_id!r} must match its folder {path.parent.name!r}")
    name, vendor = reader.text(data, "name"), reader.text(data, "vendor")
    position = reader.integer(data, "position")
    primary = reader.identifier(data, "primary_exam")
    if track_id is None or name is None or vendor is None or position is None \
            or primary is None:
        return None
    spec = TrackSpec(
        id=track_id, name=name, vendor=vendor, position=position,
        description=reader.text(data, "description", required=False) or "",
        primary_exam=primary, path=reader.path, line=data.line_of("primary_exam"),
        targets=_read_targets(reader, data),
    )
    bundle.tracks.append(spec)
    return spec


def _read_targets(reader: _FileReader, data: LineMap) -> dict[str, int]:
    if "targets" not in data:
        return {}
    targets = reader.mapping(data["targets"], data.line_of("targets"), "'targets'")
    if targets is None or not reader.keys(targets, set(), set(_TARGET_KINDS), "'targets'"):
        return {}
    counts = {kind: reader.integer(targets, kind) for kind in _TARGET_KINDS if kind in targets}
    return {kind: count for kind, count in counts.items() if count is not None}


def _read_exam(path: Path, track: TrackSpec, bundle: DeckBundle) -> None:
    reader, data = _load(path, bundle)
    if data is None or not reader.keys(data, _EXAM_REQUIRED, _EXAM_OPTIONAL, "an exam file"):
        return
    exam_id = reader.identifier(data, "exam")
    if exam_id is not None and path.name != f"{exam_id}{EXAM_SUFFIX}":
        reader.fault(data.line_of("exam"), f"exam {exam_id!r} must live in {exam_id}{EXAM_SUFFIX}")
    if data.get("track") != track.id:
        reader.fault(data.line_of("track"), f"track must be {track.id!r} (the folder's track)")
    status = reader.text(data, "status")
    if status is not None and status not in EXAM_STATUSES:
        reader.fault(data.line_of("status"), f"status must be one of {', '.join(EXAM_STATUSES)}")
    retired_on = reader.date(data, "retired_on")
    if status in ("retiring", "retired", "closed") and retired_on is None:
        reader.fault(data.line_of("status"), f"a {status} exam needs 'retired_on'")
    if status == "practice" and "retired_on" in data:
        reader.fault(data.line_of("retired_on"),
                     "a practice blueprint belongs to no certification: drop 'retired_on'")
    questions = reader.integer(data, "questions", minimum=1)
    minutes = reader.integer(data, "minutes", minimum=1)
    scored = reader.integer(data, "scored_questions", minimum=1)
    if scored is not None and questions is not None and scored > questions:
        reader.fault(data.line_of("scored_questions"), "scored_questions exceeds questions")
    scoring = _read_scoring(reader, data)
    domains = _read_domains(reader, data)
    code, name, vendor, guide_version = (
        reader.text(data, key) for key in ("code", "name", "vendor", "guide_version"))
    if exam_id is None or status is None or questions is None or minutes is None \
            or scoring is None or domains is None or code is None or name is None \
            or vendor is None or guide_version is None:
        return
    kind, scale_min, scale_max, pass_mark = scoring
    bundle.exams.append(ExamSpec(
        id=exam_id, track=track.id, code=code, name=name, vendor=vendor,
        guide_version=guide_version, status=status, retired_on=retired_on,
        successor=reader.text(data, "successor", required=False),
        successor_note=reader.text(data, "successor_note", required=False),
        questions=questions, scored_questions=scored, minutes=minutes,
        multiple_response=reader.boolean(data, "multiple_response", False),
        item_types=reader.text_list(data, "item_types"),
        scoring_kind=kind, scale_min=scale_min, scale_max=scale_max, pass_mark=pass_mark,
        unverified=reader.text_list(data, "unverified"), domains=domains,
        path=reader.path, line=data.line, is_primary=exam_id == track.primary_exam,
        status_note=reader.text(data, "status_note", required=False),
        **_read_advisor_facts(reader, data),
    ))


def _read_advisor_facts(reader: _FileReader, data: LineMap) -> dict[str, Any]:
    """The optional facts the advisor reads, each backed by a source note or marked unverified."""
    facts: dict[str, Any] = {}
    level = reader.text(data, "level", required=False)
    if level is not None and level not in EXAM_LEVELS:
        reader.fault(data.line_of("level"), f"level must be one of {', '.join(EXAM_LEVELS)}")
        level = None
    facts["level"] = level
    facts["recommended_experience"] = _read_experience(reader, data)
    price = reader.number(data, "price_usd") if "price_usd" in data else None
    if price is not None and price <= 0:
        reader.fault(data.line_of("price_usd"), "'price_usd' must be above 0")
        price = None
    facts["price_usd"] = price
    facts["validity_years"] = reader.integer(data, "validity_years", minimum=1)
    facts["focus"] = reader.text_list(data, "focus")
    sources: dict[str, str] = {}
    if "sources" in data:
        mapping = reader.mapping(data["sources"], data.line_of("sources"), "'sources'")
        if mapping is not None and reader.keys(mapping, set(), set(ADVISOR_FACTS), "'sources'"):
            sources = {key: text for key in mapping
                       if (text := reader.text(mapping, key)) is not None}
    facts["sources"] = sources
    unverified = set(reader.text_list(data, "unverified"))
    for key in ADVISOR_FACTS:
        if key in data and key not in sources and key not in unverified:
            reader.fault(data.line_of(key),
                         f"{key!r} needs a note under 'sources' or an entry in 'unverified'")
    return facts


def _read_experience(reader: _FileReader, data: LineMap) -> ExperienceSpec | None:
    if "recommended_experience" not in data:
        return None
    what = "'recommended_experience'"
    value = reader.mapping(data["recommended_experience"],
                           data.line_of("recommended_experience"), what)
    if value is None or not reader.keys(value, _EXPERIENCE_KEYS, set(), what):
        return None
    text, years = reader.text(value, "text"), reader.number(value, "years")
    if years is not None and years < 0:
        reader.fault(value.line_of("years"), "'years' must be 0 or more")
        return None
    return ExperienceSpec(text, years) if text is not None and years is not None else None


def _read_scoring(
    reader: _FileReader, exam: LineMap
) -> tuple[str, int | None, int | None, float] | None:
    data = reader.mapping(exam.get("scoring"), exam.line_of("scoring"), "'scoring'")
    if data is None:
        return None
    kind = data.get("kind")
    if kind == "percent":
        if not reader.keys(data, {"kind", "pass"}, set(), "'scoring'"):
            return None
        pass_mark = reader.number(data, "pass")
        if pass_mark is not None and not 0 < pass_mark <= 100:
            reader.fault(data.line_of("pass"), "a percent pass mark must be in (0, 100]")
            return None
        return (kind, None, None, pass_mark) if pass_mark is not None else None
    if kind == "scaled":
        if not reader.keys(data, {"kind", "min", "max", "pass"}, set(), "'scoring'"):
            return None
        low, high = reader.integer(data, "min"), reader.integer(data, "max", minimum=1)
        pass_mark = reader.number(data, "pass")
        if low is None or high is None or pass_mark is None:
            return None
        if not low < pass_mark <= high:
            reader.fault(data.line_of("pass"), f"pass mark must lie in ({low}, {high}]")
            return None
        return kind, low, high, pass_mark
    reader.fault(data.line_of("kind"), "scoring kind must be 'scaled' or 'percent'")
    return None


def _read_domains(reader: _FileReader, exam: LineMap) -> list[DomainSpec] | None:
    entries = exam.get("domains")
    line = exam.line_of("domains")
    if not isinstance(entries, LineList) or not entries:
        reader.fault(line, "'domains' must be a non-empty list")
        return None
    domains: list[DomainSpec] = []
    ranges: list[tuple[float, float] | None] = []
    for entry, entry_line in zip(entries, entries.item_lines, strict=True):
        data = reader.mapping(entry, entry_line, "a domain")
        if data is None or not reader.keys(data, *_DOMAIN_KEYS, "a domain"):
            return None
        number = reader.integer(data, "id", minimum=1)
        name = reader.text(data, "name")
        weight = data.get("weight")
        if isinstance(weight, list):
            if (len(weight) != 2 or not all(isinstance(w, int | float) for w in weight)
                    or not 0 <= weight[0] <= weight[1]):
                reader.fault(data.line_of("weight"), "a weight range must be [low, high]")
                return None
            ranges.append((float(weight[0]), float(weight[1])))
            value = (weight[0] + weight[1]) / 2
        else:
            value = reader.number(data, "weight")
            ranges.append(None)
        if number is None or name is None or value is None:
            return None
        if number in {domain.number for domain in domains}:
            reader.fault(data.line_of("id"), f"duplicate domain id {number}")
            return None
        domains.append(DomainSpec(number, name, float(value), topics=reader.text_list(data,
                                                                                     "topics")))
    return _normalise_weights(reader, line, domains, ranges)


def _normalise_weights(
    reader: _FileReader, line: int, domains: list[DomainSpec],
    ranges: list[tuple[float, float] | None],
) -> list[DomainSpec] | None:
    total = sum(domain.weight for domain in domains)
    if all(bounds is None for bounds in ranges):
        if abs(total - 100) > 0.01:
            reader.fault(line, f"domain weights sum to {total:g}, not 100")
            return None
        return domains
    if any(bounds is None for bounds in ranges):
        reader.fault(line, "give every domain a range [low, high], or none")
        return None
    lows = sum(bounds[0] for bounds in ranges if bounds)
    highs = sum(bounds[1] for bounds in ranges if bounds)
    if not lows <= 100 <= highs:
        reader.fault(line, f"weight ranges cannot sum to 100 (lows {lows:g}, highs {highs:g})")
        return None
    for domain, bounds in zip(domains, ranges, strict=True):
        domain.weight_low, domain.weight_high = bounds  # type: ignore[misc]  # every range is set here (checked above)
        domain.weight = domain.weight * 100 / total
    return domains


def _read_topic_file(path: Path, track: TrackSpec, folder: Path, bundle: DeckBundle) -> None:
    reader, data = _load(path, bundle)
    if data is None or not reader.keys(data, *_DECK_KEYS, "a topic file"):
        return
    key, title = reader.identifier(data, "deck"), reader.text(data, "title")
    if key is None or title is None:
        return
    deck = DeckSpec(track.id, key, title, reader.text(data, "description", required=False) or "",
                    reader.path, data.line_of("deck"))
    bundle.decks.append(deck)
    items = data.get("items")
    if not isinstance(items, LineList):
        reader.fault(data.line_of("items"), "'items' must be a list")
        return
    for entry, line in zip(items, items.item_lines, strict=True):
        item = reader.mapping(entry, line, "an item")
        if item is not None:
            spec = _read_item(reader, item, deck, folder, bundle.today)
            if spec is not None:
                bundle.items.append(spec)


def _read_item(reader: _FileReader, data: LineMap, deck: DeckSpec, folder: Path,
               today: date | None) -> ItemSpec | None:
    kind = data.get("type")
    if kind not in ("card", "question"):
        reader.fault(data.line_of("type"), "item 'type' must be 'card' or 'question'")
        return None
    if not reader.keys(data, *(_CARD_KEYS if kind == "card" else _QUESTION_KEYS), f"a {kind}"):
        return None
    uid = reader.identifier(data, "id")
    domains = _read_item_domains(reader, data)
    tags = reader.text_list(data, "tags")
    image = _read_image(reader, data, folder)
    reference = reader.text(data, "reference", required=kind == "question")
    checked = reader.month(data, "checked", today)
    if kind == "card":
        prompt, answer_text = reader.text(data, "front"), reader.text(data, "back")
        options = correct = None
        if answer_text is None:
            return None
    else:
        prompt, answer_text = reader.text(data, "stem"), None
        options, correct = _read_options(reader, data)
        if options is None or reference is None:
            return None
    if uid is None or domains is None or prompt is None:
        return None
    return ItemSpec(uid, deck.slug, kind, prompt, answer_text, options, correct, reference,
                    image, tags, domains, reader.path, data.line, checked)


def _read_item_domains(reader: _FileReader, data: LineMap) -> dict[str, int] | None:
    value = data.get("domains")
    if not isinstance(value, LineMap) or not value:
        reader.fault(data.line_of("domains"), "'domains' must map exam ids to domain ids")
        return None
    domains: dict[str, int] = {}
    for exam_id, number in value.items():
        if not isinstance(number, int) or isinstance(number, bool):
            reader.fault(value.line_of(exam_id), f"domain of {exam_id!r} must be a domain id")
            return None
        domains[str(exam_id)] = number
    return domains


def _read_image(reader: _FileReader, data: LineMap, folder: Path) -> str | None:
    image = reader.text(data, "image", required=False)
    if image is None:
        return None
    target = (folder / image).resolve()
    if not target.is_relative_to(folder.resolve()) or not target.is_file():
        reader.fault(data.line_of("image"), f"image {image!r} not found in the track folder")
        return None
    return f"{folder.name}/{Path(image).as_posix()}"


def _read_options(
    reader: _FileReader, data: LineMap
) -> tuple[list[OptionSpec] | None, list[str] | None]:
    raw = data.get("options")
    if not isinstance(raw, LineMap):
        reader.fault(data.line_of("options"), "'options' must map letters a-f to texts")
        return None, None
    texts: dict[str, str] = {}
    for key, value in raw.items():
        line = raw.line_of(key)
        if key not in OPTION_KEYS:
            reader.fault(line, f"option key {key!r} must be one of a-f")
        elif not isinstance(value, str) or not value.strip():
            reader.fault(line, f"option {key!r} must be non-empty text")
        elif value.strip().casefold() in {text.casefold() for text in texts.values()}:
            reader.fault(line, f"option {key!r} repeats the text of another option")
        else:
            texts[key] = value.strip()
    if len(raw) < 2:
        reader.fault(data.line_of("options"), "a question needs at least two options")
    answer = data.get("answer")
    correct = [answer] if isinstance(answer, str) else answer
    answer_line = data.line_of("answer")
    if not isinstance(correct, list) or not correct or not all(isinstance(k, str) for k in correct):
        reader.fault(answer_line, "'answer' must be an option key or a list of keys")
        correct = None
    else:
        for key in correct:
            if key not in raw:
                reader.fault(answer_line, f"answer {key!r} is not among the options")
        if len(set(correct)) != len(correct):
            reader.fault(answer_line, "'answer' lists a key twice")
        if len(correct) >= len(raw) >= 2:
            reader.fault(answer_line, "at least one option must be wrong")
    explanations = _read_explanations(reader, data, raw)
    if correct is None or len(texts) != len(raw) or len(raw) < 2 or explanations is None \
            or not set(correct) <= set(texts):
        return None, None
    options = [OptionSpec(key, texts[key], explanations[key]) for key in texts]
    return options, sorted(set(correct))


def _read_explanations(
    reader: _FileReader, data: LineMap, options: LineMap
) -> dict[str, str] | None:
    raw = data.get("explanations")
    if not isinstance(raw, LineMap):
        reader.fault(data.line_of("explanations"), "'explanations' must map option keys to texts")
        return None
    explanations: dict[str, str] = {}
    for key in options:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            reader.fault(raw.line_of(key) if key in raw else data.line_of("explanations"),
                         f"missing explanation for option {key!r}")
        else:
            explanations[key] = value.strip()
    for key in raw:
        if key not in options:
            reader.fault(raw.line_of(key), f"explanation for {key!r}, which is not an option")
    return explanations if len(explanations) == len(options) else None


def _cross_check(bundle: DeckBundle) -> None:
    """Checks that need every file: unique ids, known exams and domains, primary exams."""
    faults = bundle.faults
    exams: dict[str, ExamSpec] = {}
    for exam in bundle.exams:
        if exam.id in exams:
            faults.append(Fault(exam.path, exam.line,
                                f"duplicate exam id {exam.id!r} (first in {exams[exam.id].path})"))
        else:
            exams[exam.id] = exam
    for exam in bundle.exams:
        if exam.successor and exam.successor not in exams:
            faults.append(Fault(exam.path, exam.line, f"unknown successor {exam.successor!r}"))
    for track in bundle.tracks:
        primary = exams.get(track.primary_exam)
        if primary is None or primary.track != track.id:
            faults.append(Fault(track.path, track.line,
                                f"primary_exam {track.primary_exam!r} is not an exam of the track"))
    seen_decks: dict[str, DeckSpec] = {}
    for deck in bundle.decks:
        if deck.slug in seen_decks:
            faults.append(Fault(deck.path, deck.line, f"duplicate deck id {deck.key!r} in track "
                                f"{deck.track!r} (first in {seen_decks[deck.slug].path})"))
        seen_decks.setdefault(deck.slug, deck)
    seen_items: dict[str, ItemSpec] = {}
    for item in bundle.items:
        first_item = seen_items.setdefault(item.uid, item)
        if first_item is not item:
            faults.append(Fault(item.path, item.line, f"duplicate id {item.uid!r} "
                                f"(first at {first_item.path}:{first_item.line})"))
        for exam_id, number in item.domains.items():
            item_exam = exams.get(exam_id)
            if item_exam is None:
                faults.append(Fault(item.path, item.line, f"unknown exam {exam_id!r}"))
            elif number not in {domain.number for domain in item_exam.domains}:
                faults.append(Fault(item.path, item.line,
                                    f"unknown domain {number} of exam {exam_id!r}"))
    bundle.faults.sort(key=lambda fault: (fault.path, fault.line))
