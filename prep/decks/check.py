"""Reading and validating a decks folder: every fault reported as ``path:line: message``.

``check_decks(root)`` never raises on bad content; it returns a :class:`DeckBundle` whose
``faults`` list says what is wrong, so a caller can print them all at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prep.decks.items import ItemContext
from prep.decks.kinds import read_exam_kinds, read_item
from prep.decks.reader import FileReader
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
    TrackSpec,
)
from prep.models.content import SERIES

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
    "item_types", "unverified", "status_note", *ADVISOR_FACTS, "sources", "kinds",
}
_EXPERIENCE_KEYS = {"text", "years"}
_DOMAIN_KEYS = ({"id", "name", "weight"}, {"topics"})
_DECK_KEYS = ({"deck", "title", "items"}, {"description"})


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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


def _load(path: Path, bundle: DeckBundle) -> tuple[FileReader, LineMap | None]:
    bundle.files += 1
    document = read_yaml(path, display_path(path))
    bundle.faults.extend(document.faults)
    reader = FileReader(document.path, bundle.faults)
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


def _read_targets(reader: FileReader, data: LineMap) -> dict[str, int]:
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
    kinds = read_exam_kinds(reader, data, questions)
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
        status_note=reader.text(data, "status_note", required=False), kinds=kinds,
        kinds_lines=dict(data["kinds"].key_lines) if kinds else {},
        **_read_advisor_facts(reader, data),
    ))


def _read_advisor_facts(reader: FileReader, data: LineMap) -> dict[str, Any]:
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


def _read_experience(reader: FileReader, data: LineMap) -> ExperienceSpec | None:
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
    reader: FileReader, exam: LineMap
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


def _read_domains(reader: FileReader, exam: LineMap) -> list[DomainSpec] | None:
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
    reader: FileReader, line: int, domains: list[DomainSpec],
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
    context = ItemContext(reader, deck, folder, bundle.today)
    for entry, line in zip(items, items.item_lines, strict=True):
        item = reader.mapping(entry, line, "an item")
        if item is not None:
            bundle.items.extend(read_item(context, item))


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
        if item.group is not None and item.group.kind == SERIES:
            continue  # the series' own domains, checked at its line
        for exam_id, number in item.domains.items():
            item_exam = exams.get(exam_id)
            if item_exam is None:
                faults.append(Fault(item.path, item.line, f"unknown exam {exam_id!r}"))
            elif number not in {domain.number for domain in item_exam.domains}:
                faults.append(Fault(item.path, item.line,
                                    f"unknown domain {number} of exam {exam_id!r}"))
    bundle.faults.sort(key=lambda fault: (fault.path, fault.line))
