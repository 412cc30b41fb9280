"""Reading the items of a topic file: what every kind shares, flashcards and questions.

The newer kinds (ordering, matching, case studies, yes/no series) are read by
:mod:`prep.decks.kinds`, which also dispatches on ``type``; both record every fault as
``path:line: message`` through the file's :class:`FileReader` and return ``None`` (or
nothing) for an item they could not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prep.decks.reader import FileReader
from prep.decks.source import LineMap
from prep.decks.spec import DeckSpec, ItemSpec, OptionSpec

OPTION_KEYS = ("a", "b", "c", "d", "e", "f")
ITEM_COMMON = {"id", "type", "domains"}
CARD_KEYS = (ITEM_COMMON | {"front", "back"}, {"tags", "image", "reference", "checked"})
QUESTION_KEYS = (
    ITEM_COMMON | {"stem", "options", "answer", "explanations", "reference"},
    {"tags", "image", "checked", "explanation"},
)


@dataclass
class ItemContext:
    """Where items are read: the file's reader, its deck, its track folder and today."""

    reader: FileReader
    deck: DeckSpec
    folder: Path
    today: date | None  # ``checked`` months after it are faults


@dataclass
class ItemBasics:
    """The fields every kind reads the same way (None where missing or faulty)."""

    uid: str | None
    domains: dict[str, int] | None
    tags: list[str]
    image: str | None
    reference: str | None
    checked: str | None


def read_basics(context: ItemContext, data: LineMap, *, reference: bool,
                domains: bool = True) -> ItemBasics:
    """Id, domains (when the kind has them), tags, image, reference (required when
    ``reference``) and checked month of an item."""
    reader = context.reader
    return ItemBasics(
        uid=reader.identifier(data, "id"),
        domains=read_item_domains(reader, data) if domains else {},
        tags=reader.text_list(data, "tags"),
        image=read_image(reader, data, context.folder),
        reference=reader.text(data, "reference", required=reference),
        checked=reader.month(data, "checked", context.today),
    )


def read_card(context: ItemContext, data: LineMap) -> ItemSpec | None:
    """A flashcard: front and back."""
    reader = context.reader
    basics = read_basics(context, data, reference=False)
    prompt, answer_text = reader.text(data, "front"), reader.text(data, "back")
    if basics.uid is None or basics.domains is None or prompt is None or answer_text is None:
        return None
    return ItemSpec(basics.uid, context.deck.slug, "card", prompt, answer_text, None, None,
                    basics.reference, basics.image, basics.tags, basics.domains, reader.path,
                    data.line, basics.checked)


def read_question(context: ItemContext, data: LineMap) -> ItemSpec | None:
    """A single or multiple choice question: stem, options, answer, explanations."""
    reader = context.reader
    basics = read_basics(context, data, reference=True)
    prompt = reader.text(data, "stem")
    options, correct = read_options(reader, data)
    if basics.uid is None or basics.domains is None or prompt is None or options is None \
            or basics.reference is None:
        return None
    return ItemSpec(basics.uid, context.deck.slug, "question", prompt, None, options, correct,
                    basics.reference, basics.image, basics.tags, basics.domains, reader.path,
                    data.line, basics.checked,
                    explanation=reader.text(data, "explanation", required=False))


def read_item_domains(reader: FileReader, data: LineMap) -> dict[str, int] | None:
    """The ``domains`` mapping: exam id -> domain number."""
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


def read_image(reader: FileReader, data: LineMap, folder: Path) -> str | None:
    """The optional ``image``: a file inside the track folder, as ``<track>/<path>``."""
    image = reader.text(data, "image", required=False)
    if image is None:
        return None
    target = (folder / image).resolve()
    if not target.is_relative_to(folder.resolve()) or not target.is_file():
        reader.fault(data.line_of("image"), f"image {image!r} not found in the track folder")
        return None
    return f"{folder.name}/{Path(image).as_posix()}"


def keyed_texts(reader: FileReader, raw: LineMap, keys: tuple[str, ...],
                noun: str) -> dict[str, str]:
    """The texts of a mapping keyed by letters (options, a matching item's answers); a
    key outside ``keys``, an empty text or a repeated text is a fault."""
    texts: dict[str, str] = {}
    for key, value in raw.items():
        line = raw.line_of(key)
        if key not in keys:
            reader.fault(line, f"{noun} key {key!r} must be one of {keys[0]}-{keys[-1]}")
        elif not isinstance(value, str) or not value.strip():
            reader.fault(line, f"{noun} {key!r} must be non-empty text")
        elif value.strip().casefold() in {text.casefold() for text in texts.values()}:
            reader.fault(line, f"{noun} {key!r} repeats the text of another {noun}")
        else:
            texts[key] = value.strip()
    return texts


def read_options(
    reader: FileReader, data: LineMap
) -> tuple[list[OptionSpec] | None, list[str] | None]:
    """A question's options with their explanations, and its sorted correct keys."""
    raw = data.get("options")
    if not isinstance(raw, LineMap):
        reader.fault(data.line_of("options"), "'options' must map letters a-f to texts")
        return None, None
    texts = keyed_texts(reader, raw, OPTION_KEYS, "option")
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
    reader: FileReader, data: LineMap, options: LineMap
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
