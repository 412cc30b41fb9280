"""How each item kind becomes one Anki note, with its GUID and modification time.

- A flashcard is a prep Basic note, a single or multiple choice question a prep Multiple
  Choice note, an ordering a prep Ordering note and a matching a prep Matching note.
- A case study's question carries the scenario in a field named Case, shown above the
  question (prep Case Multiple Choice for a choice question; prep Ordering and prep
  Matching have the field too, empty outside a case). A yes/no series gives one prep Case
  Multiple Choice note per proposed solution, the series' goal as its Case.
- The case and series items themselves are never notes: they hold what their members share.

Steps and answers are shown in an order shuffled by the item's uid, so every export shows
the same order and an ordering's front never shows its answer. A member's note changes
when its case or series does: its modification time is the newer of the two.
"""

from __future__ import annotations

import hashlib
import html
import random
import string
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import genanki

from prep.export import anki_note_types as note_types
from prep.models import CARD, CASE, MATCHING, ORDERING, QUESTION, YESNO, Item

LETTERS = string.ascii_uppercase
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


class TimedNote(genanki.Note):
    """A note whose modification time is its content's, not the export's."""

    def __init__(self, *args: object, mtime: float, suspended: bool = False, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.mtime = mtime
        self.suspended = suspended

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        for card in self.cards:
            card.suspend = self.suspended
        super().write_to_db(cursor, self.mtime, deck_id, id_gen)


def note_guid(uid: str, anki_guid: str | None = None) -> str:
    """The GUID of an item's Anki note: an imported note's own, else derived from the uid."""
    return anki_guid or genanki.guid_for(uid)


def note_mtime(item: Item) -> datetime:
    """When an item's note last changed: its content's change, or its case's or series'."""
    if item.group is not None and item.group.updated_at > item.updated_at:
        return item.group.updated_at
    return item.updated_at


def display_order(uid: str, keys: Sequence[str], avoid: Sequence[str]) -> list[str]:
    """``keys`` shuffled by the item's uid (the same in every export), never in the order
    ``avoid`` (an ordering's answer): that one is turned by one place."""
    order = list(keys)
    random.Random(f"prep-anki:{uid}").shuffle(order)
    if order == list(avoid) and len(order) > 1:
        order = order[1:] + order[:1]
    return order


def _domain_label(item: Item) -> tuple[str, list[str]]:
    """Readable domains ("MLA-C01 1. Data Preparation") and their tags."""
    labels, tags = [], []
    for domain in sorted(item.domains, key=lambda d: (d.exam_id, d.number)):
        labels.append(f"{domain.exam.code} {domain.number}. {domain.name}")
        tags.append(f"prep::{domain.exam_id}::domain-{domain.number}")
    return "; ".join(labels), tags


def _tag(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_:." else "_" for c in text)


def media_name(image: str) -> str:
    """The name of an item image in Anki's media folder (unique per source path)."""
    digest = hashlib.sha1(image.encode()).hexdigest()[:12]
    return f"prep-{digest}-{Path(image).name}"


def _with_image(html_text: str, item: Item) -> str:
    if not item.image:
        return html_text
    return f'{html_text}<div><img src="{html.escape(media_name(item.image))}"></div>'


def _explanation(rendered: dict[str, Any]) -> str:
    text = rendered["explanation"]
    return f'<div class="explanation">{text}</div>' if text else ""


def _case(item: Item) -> str:
    """The Case field: the scenario of a case study, the goal of a yes/no series."""
    group = item.group
    if group is None:
        return ""
    title = group.answer_text or ("Case study" if group.kind == CASE else "Goal")
    return (f'<div class="case-title">{html.escape(title)}</div>'
            + _with_image(group.html()["prompt"], group))


def _lettered(keys: Sequence[str], parts: dict[str, str], css: str) -> str:
    """An ordered list of ``parts`` lettered A, B, ... in the order of ``keys``."""
    rows = "".join(f'<li><span class="letter">{LETTERS[n]}.</span>{parts[key]}</li>'
                   for n, key in enumerate(keys))
    return f'<ol class="{css}">{rows}</ol>'


def _question_fields(item: Item) -> list[str]:
    """Question, Options, Answer, Explanation of a single or multiple choice question."""
    rendered = item.html()
    item_options, item_correct = item.options or [], item.correct or []
    letters = dict(zip((o["key"] for o in item_options), LETTERS, strict=False))
    correct = [letters[key] for key in item_correct]
    choose = (f'<p class="choose">Choose {_COUNT_WORDS.get(len(correct), len(correct))}.</p>'
              if len(correct) > 1 else "")
    parts = rendered["options"]
    options = "".join(
        f'<li><span class="letter">{letters[o["key"]]}.</span>{parts[o["key"]]["text"]}</li>'
        for o in item_options)
    explanations = "".join(
        f'<li><span class="letter">{letters[o["key"]]}.</span>'
        f'{"✔ " if o["key"] in item_correct else "✘ "}{parts[o["key"]]["explanation"]}</li>'
        for o in item_options)
    return [_with_image(rendered["prompt"], item),
            f'{choose}<ol class="options">{options}</ol>', ", ".join(correct),
            f'<ol class="explanations options">{explanations}</ol>' + _explanation(rendered)]


def _ordering_fields(item: Item) -> list[str]:
    """Question, Steps (shuffled, lettered), Answer (the letters in order), Order (the
    steps in order), Explanation, Case."""
    rendered = item.html()
    steps = {key: part["text"] for key, part in rendered["options"].items()}
    correct = item.correct or []
    shown = display_order(item.uid, list(steps), correct)
    letter = {key: LETTERS[n] for n, key in enumerate(shown)}
    instruction = f'<p class="choose">Put the {len(shown)} steps in order.</p>'
    order = "".join(f'<li><span class="number">{n}.</span><span class="letter">'
                    f'{letter[key]}.</span>{steps[key]}</li>'
                    for n, key in enumerate(correct, start=1))
    return [_with_image(rendered["prompt"], item),
            instruction + _lettered(shown, steps, "options"),
            " → ".join(letter[key] for key in correct), f'<ol class="order">{order}</ol>',
            _explanation(rendered), _case(item)]


def _matching_fields(item: Item) -> list[str]:
    """Question, Prompts (numbered), Answers (shuffled, lettered), Pairs (each prompt with
    its answer and why), Explanation, Case."""
    rendered = item.html()
    answers = {key: part["text"] for key, part in rendered["options"].items()}
    prompts = [rendered["prompts"][p["key"]] for p in item.prompts or []]
    shown = display_order(item.uid, list(answers), list(answers))
    letter = {key: LETTERS[n] for n, key in enumerate(shown)}
    numbered = "".join(f'<li><span class="number">{n}.</span>{p["text"]}</li>'
                       for n, p in enumerate(prompts, start=1))
    pairs = "".join(
        f'<li><span class="number">{n}.</span>{p["text"]}'
        f'<div class="pair-answer">→ <span class="letter">{letter[key]}.</span>'
        f'{answers[key]}</div><div class="why">{p["explanation"]}</div></li>'
        for n, (p, key) in enumerate(zip(prompts, item.correct or [], strict=True), start=1))
    return [_with_image(rendered["prompt"], item),
            f'<p class="label">Match each of these</p><ol class="prompts">{numbered}</ol>',
            '<p class="label">to one of these answers</p>'
            + _lettered(shown, answers, "options"),
            f'<ol class="pairs">{pairs}</ol>', _explanation(rendered), _case(item)]


def _yesno_fields(item: Item) -> list[str]:
    """Question (the proposed solution), Options (Yes, No), Answer, Explanation, Case."""
    rendered = item.html()
    answer = "Yes" if (item.correct or [""])[0] == "yes" else "No"
    return ['<p class="label">Proposed solution</p>' + _with_image(rendered["prompt"], item)
            + '<p class="choose">Does the solution meet the goal?</p>',
            '<ol class="options"><li>Yes</li><li>No</li></ol>', answer,
            _explanation(rendered), _case(item)]


def _fields(item: Item) -> tuple[genanki.Model, list[str]]:
    """The note type and the fields before Track, Domain and Source."""
    if item.kind == CARD:
        rendered = item.html()
        return note_types.BASIC, [_with_image(rendered["prompt"], item), rendered["answer"]]
    if item.kind == QUESTION:
        if item.group is None:
            return note_types.MULTIPLE_CHOICE, _question_fields(item)
        return note_types.CASE_MULTIPLE_CHOICE, [*_question_fields(item), _case(item)]
    makers: dict[str, tuple[genanki.Model, Callable[[Item], list[str]]]] = {
        ORDERING: (note_types.ORDERING, _ordering_fields),
        MATCHING: (note_types.MATCHING, _matching_fields),
        YESNO: (note_types.CASE_MULTIPLE_CHOICE, _yesno_fields),
    }
    if item.kind not in makers:
        raise ValueError(f"{item.uid}: a {item.kind} item is not a note")
    model, make = makers[item.kind]
    return model, make(item)


def note_for(item: Item, track_name: str, suspended: bool = False,
             card_tags: Iterable[str] = ()) -> TimedNote:
    """The Anki note of one answerable item (or flashcard); see the module docstring. It
    carries the deck's tags and ``card_tags`` (the user's own tags on its card)."""
    domain, domain_tags = _domain_label(item)
    scope = f"prep::track::{item.deck.track_id}" if item.deck.track_id else "prep::own"
    tags = [scope, f"prep::kind::{item.kind}", *domain_tags,
            *(_tag(tag) for tag in [*item.tags, *card_tags])]
    if item.group is not None:
        tags.append(f"prep::{item.group.kind}::{_tag(item.group.uid)}")
    model, fields = _fields(item)
    fields += [html.escape(track_name), html.escape(domain), html.escape(item.reference or "")]
    return TimedNote(model=model, fields=fields, guid=note_guid(item.uid, item.anki_guid),
                     tags=sorted(set(tags)), mtime=note_mtime(item).timestamp(),
                     suspended=suspended)
