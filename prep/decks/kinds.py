"""The item kinds beyond flashcards and questions, and the exam file's ``kinds`` mapping.

``read_item`` dispatches a topic file's item on its ``type``: ``card`` and ``question``
(:mod:`prep.decks.items`), ``ordering``, ``matching``, and the groups ``case`` (a
scenario with nested ``questions`` of kind question, ordering or matching) and ``series``
(a goal with nested ``solutions``, each a ``yesno`` item). A group comes back as its own
spec followed by its members', each member with ``group`` and ``group_position`` set. The
stored forms are the ``Item`` columns' (prep/models/content.py); the file format is
decks/README.md's. Every fault is recorded as ``path:line: message``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from prep.decks.items import (
    CARD_KEYS,
    ITEM_COMMON,
    QUESTION_KEYS,
    ItemContext,
    keyed_texts,
    read_basics,
    read_card,
    read_question,
)
from prep.decks.reader import FileReader
from prep.decks.source import LineList, LineMap
from prep.decks.spec import ItemSpec, OptionSpec
from prep.models.content import CARD, CASE, MATCHING, ORDERING, QUESTION, SERIES, YESNO

STEP_KEYS = ("a", "b", "c", "d", "e", "f")
STEPS = (3, 6)  # an ordering's fewest and most steps
ANSWER_KEYS = ("a", "b", "c", "d", "e", "f", "g", "h")
PROMPTS = (3, 7)  # a matching item's fewest and most prompts
CASE_QUESTIONS = (2, 6)
SERIES_SOLUTIONS = (2, 5)
TOP_LEVEL_KINDS = (CARD, QUESTION, ORDERING, MATCHING, CASE, SERIES)
CASE_MEMBER_KINDS = (QUESTION, ORDERING, MATCHING)
YES_NO = (OptionSpec("yes", "Yes", ""), OptionSpec("no", "No", ""))

_KEYS: dict[str, tuple[set[str], set[str]]] = {
    CARD: CARD_KEYS,
    QUESTION: QUESTION_KEYS,
    ORDERING: (ITEM_COMMON | {"stem", "steps", "explanation", "reference"},
               {"tags", "image", "checked"}),
    MATCHING: (ITEM_COMMON | {"stem", "prompts", "answers", "reference"},
               {"explanation", "tags", "image", "checked"}),
    CASE: ({"id", "type", "title", "scenario", "questions"},
           {"tags", "image", "reference", "checked"}),
    SERIES: (ITEM_COMMON | {"goal", "solutions", "reference"}, {"tags", "image", "checked"}),
}
_LABELS = {CARD: "a card", QUESTION: "a question", ORDERING: "an ordering",
           MATCHING: "a matching item", CASE: "a case", SERIES: "a series"}
_PROMPT_KEYS = ({"text", "answer", "explanation"}, set[str]())
_SOLUTION_KEYS = ({"id", "text", "answer", "explanation"}, set[str]())


def read_item(context: ItemContext, data: LineMap) -> list[ItemSpec]:
    """A topic file's item: one spec, or a group's spec followed by its members' specs
    (empty when a fault stopped the reading)."""
    reader = context.reader
    kind = data.get("type")
    if kind not in TOP_LEVEL_KINDS:
        reader.fault(data.line_of("type"),
                     f"item 'type' must be one of {', '.join(TOP_LEVEL_KINDS)}")
        return []
    if "case" in data:
        reader.fault(data.line_of("case"), "a case-study question without its case: write it "
                                           "under its case's 'questions'")
        return []
    if kind == CASE:
        return _read_case(context, data)
    if kind == SERIES:
        return _read_series(context, data)
    spec = _read_single(context, data, kind)
    return [spec] if spec is not None else []


def _read_single(context: ItemContext, data: LineMap, kind: str) -> ItemSpec | None:
    readers: dict[str, Callable[[ItemContext, LineMap], ItemSpec | None]] = {
        CARD: read_card, QUESTION: read_question, ORDERING: _read_ordering,
        MATCHING: _read_matching,
    }
    if not context.reader.keys(data, *_KEYS[kind], _LABELS[kind]):
        return None
    return readers[kind](context, data)


def step_keys(uid: str, count: int) -> list[str]:
    """An ordering's step keys in the correct order: the letters a.. shuffled with the uid
    as seed (the same on every load), never alphabetical, so that the form values of a page
    do not give the order away."""
    letters = list(STEP_KEYS[:count])
    shuffled = letters[:]
    rng = random.Random(uid)  # a str seed hashes the same in every process
    while shuffled == letters and count > 1:
        rng.shuffle(shuffled)
    return shuffled


def _read_ordering(context: ItemContext, data: LineMap) -> ItemSpec | None:
    reader = context.reader
    basics = read_basics(context, data, reference=True)
    prompt = reader.text(data, "stem")
    steps = _read_steps(reader, data)
    explanation = reader.text(data, "explanation")
    if basics.uid is None or basics.domains is None or basics.reference is None \
            or prompt is None or steps is None or explanation is None:
        return None
    keys = step_keys(basics.uid, len(steps))
    options = [OptionSpec(key, text, "") for key, text in zip(keys, steps, strict=True)]
    return ItemSpec(basics.uid, context.deck.slug, ORDERING, prompt, None, options, keys,
                    basics.reference, basics.image, basics.tags, basics.domains, reader.path,
                    data.line, basics.checked, explanation=explanation)


def _read_steps(reader: FileReader, data: LineMap) -> list[str] | None:
    raw = data.get("steps")
    if not isinstance(raw, LineList):
        reader.fault(data.line_of("steps"), "'steps' must be a list of texts in the correct order")
        return None
    steps: list[str] = []
    seen: dict[str, int] = {}
    for number, (value, line) in enumerate(zip(raw, raw.item_lines, strict=True), start=1):
        if not isinstance(value, str) or not value.strip():
            reader.fault(line, f"step {number} must be non-empty text")
            continue
        normalised = " ".join(value.split()).casefold()
        if normalised in seen:
            reader.fault(line, f"step {number} repeats step {seen[normalised]}")
            continue
        seen[normalised] = number
        steps.append(value.strip())
    if not _counted(reader, data, "steps", STEPS, "an ordering"):
        return None
    return steps if len(steps) == len(raw) else None


def _read_matching(context: ItemContext, data: LineMap) -> ItemSpec | None:
    reader = context.reader
    basics = read_basics(context, data, reference=True)
    prompt = reader.text(data, "stem")
    raw_answers = data.get("answers")
    if isinstance(raw_answers, LineMap):
        answers = keyed_texts(reader, raw_answers, ANSWER_KEYS, "answer")
        if len(raw_answers) < 2:
            reader.fault(data.line_of("answers"), "a matching item needs at least two answers")
    else:
        reader.fault(data.line_of("answers"), "'answers' must map letters a-h to texts")
        raw_answers, answers = LineMap(), {}
    prompts = _read_prompts(reader, data, set(raw_answers))
    explanation = reader.text(data, "explanation", required=False)
    if basics.uid is None or basics.domains is None or basics.reference is None \
            or prompt is None or prompts is None or len(answers) != len(raw_answers) \
            or len(answers) < 2:
        return None
    return ItemSpec(basics.uid, context.deck.slug, MATCHING, prompt, None,
                    [OptionSpec(key, text, "") for key, text in answers.items()],
                    [answer for _, answer in prompts], basics.reference, basics.image,
                    basics.tags, basics.domains, reader.path, data.line, basics.checked,
                    prompts=[prompt_spec for prompt_spec, _ in prompts], explanation=explanation)


def _read_prompts(reader: FileReader, data: LineMap,
                  answer_keys: set[Any]) -> list[tuple[OptionSpec, str]] | None:
    """Each prompt (keyed "1".. in order) with the key of the answer it matches."""
    raw = data.get("prompts")
    if not isinstance(raw, LineList):
        reader.fault(data.line_of("prompts"),
                     "'prompts' must be a list of prompts (text, answer, explanation)")
        return None
    prompts: list[tuple[OptionSpec, str]] = []
    seen: dict[str, tuple[int, Any]] = {}
    for number, (entry, line) in enumerate(zip(raw, raw.item_lines, strict=True), start=1):
        what = f"prompt {number}"
        prompt = reader.mapping(entry, line, what)
        if prompt is None or not reader.keys(prompt, *_PROMPT_KEYS, what):
            continue
        text, explanation = reader.text(prompt, "text"), reader.text(prompt, "explanation")
        answer = prompt.get("answer")
        if not isinstance(answer, str) or answer not in answer_keys:
            reader.fault(prompt.line_of("answer"),
                         f"{what}: answer {answer!r} is not among the answers")
            continue
        if text is None or explanation is None:
            continue
        normalised = " ".join(text.split()).casefold()
        if normalised in seen:
            first, first_answer = seen[normalised]
            reader.fault(line, f"{what} repeats the pair of prompt {first} (same text and "
                               "answer)" if answer == first_answer
                         else f"{what} repeats the text of prompt {first}")
            continue
        seen[normalised] = (number, answer)
        prompts.append((OptionSpec(str(number), text, explanation), answer))
    if not _counted(reader, data, "prompts", PROMPTS, "a matching item"):
        return None
    return prompts if len(prompts) == len(raw) else None


def _counted(reader: FileReader, data: LineMap, key: str, sizes: tuple[int, int],
             what: str) -> bool:
    """Whether the list under ``key`` has ``sizes[0]`` to ``sizes[1]`` entries (a fault if
    not)."""
    low, high = sizes
    count = len(data[key])
    if not low <= count <= high:
        reader.fault(data.line_of(key), f"{what} needs {low} to {high} {key}, not {count}")
    return low <= count <= high


def _members(reader: FileReader, data: LineMap, key: str, sizes: tuple[int, int],
             empty: str, what: str) -> list[LineMap] | None:
    """The nested items under ``key`` of a group, None when there are none (a fault)."""
    raw = data.get(key)
    if not isinstance(raw, LineList) or not raw:
        reader.fault(data.line_of(key), empty)
        return None
    _counted(reader, data, key, sizes, what)
    return [member for entry, line in zip(raw, raw.item_lines, strict=True)
            if (member := reader.mapping(entry, line, f"an entry of '{key}'")) is not None]


def _grouped(group: ItemSpec, members: list[ItemSpec | None]) -> list[ItemSpec]:
    """The group and its members, each member pointing at it; empty if any failed."""
    if any(member is None for member in members):
        return []
    for position, member in enumerate(members, start=1):
        assert member is not None  # checked above
        member.group, member.group_position = group, position
    return [group, *(member for member in members if member is not None)]


def _read_case(context: ItemContext, data: LineMap) -> list[ItemSpec]:
    reader = context.reader
    if not reader.keys(data, *_KEYS[CASE], _LABELS[CASE]):
        return []
    basics = read_basics(context, data, reference=False, domains=False)
    title, scenario = reader.text(data, "title"), reader.text(data, "scenario")
    entries = _members(reader, data, "questions", CASE_QUESTIONS,
                       f"a case without questions: give it {CASE_QUESTIONS[0]} to "
                       f"{CASE_QUESTIONS[1]}", "a case")
    members: list[ItemSpec | None] = []
    for entry in entries or ():
        kind = entry.get("type")
        if kind in CASE_MEMBER_KINDS:
            members.append(_read_single(context, entry, kind))
        else:
            reader.fault(entry.line_of("type"), "a case question must be of type question, "
                                                f"ordering or matching, not {kind!r}")
            members.append(None)
    if basics.uid is None or title is None or scenario is None or entries is None:
        return []
    for member in members:
        if member is not None and member.checked is None:
            member.checked = basics.checked  # a question checked with its case
    case = ItemSpec(basics.uid, context.deck.slug, CASE, scenario, title, None, None,
                    basics.reference, basics.image, basics.tags, {}, reader.path, data.line,
                    basics.checked)
    return _grouped(case, members)


def _read_series(context: ItemContext, data: LineMap) -> list[ItemSpec]:
    reader = context.reader
    if not reader.keys(data, *_KEYS[SERIES], _LABELS[SERIES]):
        return []
    basics = read_basics(context, data, reference=True)
    goal = reader.text(data, "goal")
    entries = _members(reader, data, "solutions", SERIES_SOLUTIONS,
                       f"an empty series: give it {SERIES_SOLUTIONS[0]} to "
                       f"{SERIES_SOLUTIONS[1]} solutions", "a series")
    solutions = [_read_solution(reader, entry) for entry in entries or ()]
    if basics.uid is None or basics.domains is None or basics.reference is None \
            or goal is None or entries is None:
        return []
    series = ItemSpec(basics.uid, context.deck.slug, SERIES, goal, None, None, None,
                      basics.reference, basics.image, basics.tags, basics.domains,
                      reader.path, data.line, basics.checked)
    # Each solution is a yes/no item serving the series' domains, with its reference.
    return _grouped(series, [
        None if solution is None else ItemSpec(
            solution[0], context.deck.slug, YESNO, solution[1], None, list(YES_NO),
            [solution[2]], basics.reference, None, basics.tags, dict(basics.domains),
            reader.path, solution[4], basics.checked, explanation=solution[3])
        for solution in solutions
    ])


def _read_solution(reader: FileReader,
                   data: LineMap) -> tuple[str, str, str, str, int] | None:
    """(id, text, answer, explanation, line) of one proposed solution of a series."""
    if not reader.keys(data, *_SOLUTION_KEYS, "a solution"):
        return None
    uid, text = reader.identifier(data, "id"), reader.text(data, "text")
    explanation = reader.text(data, "explanation")
    answer = data.get("answer")
    if answer not in ("yes", "no"):
        reader.fault(data.line_of("answer"), 'answer must be "yes" or "no" (quoted: YAML '
                                             f"reads bare yes/no as true/false), not {answer!r}")
        return None
    if uid is None or text is None or explanation is None:
        return None
    return uid, text, answer, explanation, data.line


# --- the exam file's ``kinds`` ----------------------------------------------------------------

EXAM_KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    # kind -> (its count key, its optional settings with their defaults)
    "ordering": ("per_form", {"scoring": "all-or-nothing"}),
    "matching": ("per_form", {"scoring": "all-or-nothing"}),
    "case-study": ("sets", {"locks": False}),
    "yes-no": ("sets", {}),
}
SCORING_RULES = ("all-or-nothing", "partial")
GROUP_SIZES = {"case-study": CASE_QUESTIONS[0], "yes-no": SERIES_SOLUTIONS[0]}


def read_exam_kinds(reader: FileReader, exam: LineMap,
                    questions: int | None) -> dict[str, dict[str, Any]] | None:
    """The optional ``kinds`` of an exam file with defaults filled in (None when absent or
    faulty): the kinds a form draws beyond multiple choice, their counts and rules."""
    if "kinds" not in exam:
        return None
    data = reader.mapping(exam["kinds"], exam.line_of("kinds"), "'kinds'")
    if data is None:
        return None
    kinds: dict[str, dict[str, Any]] = {}
    faults = len(reader.faults)
    for name, value in data.items():
        line = data.line_of(name)
        if name not in EXAM_KINDS:
            reader.fault(line, f"unknown kind {name!r} in 'kinds': use "
                               f"{', '.join(EXAM_KINDS)}")
            continue
        count_key, defaults = EXAM_KINDS[name]
        entry = reader.mapping(value, line, f"kind {name!r}")
        if entry is None or not reader.keys(entry, {count_key}, {*defaults, "locks"},
                                            f"kind {name!r}"):
            continue
        if "locks" in entry and name != "case-study":
            reader.fault(entry.line_of("locks"), "'locks' applies to case-study only")
        kind: dict[str, Any] = {count_key: reader.integer(entry, count_key, minimum=0)}
        if "scoring" in defaults:
            kind["scoring"] = entry.get("scoring", defaults["scoring"])
            if kind["scoring"] not in SCORING_RULES:
                reader.fault(entry.line_of("scoring"), "scoring must be all-or-nothing or "
                                                       f"partial, not {kind['scoring']!r}")
        if "locks" in defaults:
            kind["locks"] = reader.boolean(entry, "locks", defaults["locks"])
        kinds[name] = kind
    if len(reader.faults) > faults:
        return None
    least = sum(kind[key] * GROUP_SIZES.get(name, 1) for name, kind in kinds.items()
                for key in ("per_form", "sets") if key in kind)
    if questions is not None and least > questions:
        reader.fault(exam.line_of("kinds"), f"the kinds need at least {least} questions per "
                                            f"form, more than the exam's {questions}")
        return None
    return kinds
