"""Anki export of issue 16's kinds (ordering, matching, case studies, yes/no series), checked
by importing into real Anki (the ``anki`` package) and rendering its cards."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import genanki
import pytest
from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.notes import Note
from sqlalchemy.orm import Session

from prep.export.anki import export_anki
from prep.models import Item
from prep.rendering import render_markdown
from tests.conftest import FrozenClock
from tests.export.test_anki import import_into
from tests.factories import FIXTURE_DECKS, KINDS_DECKS, load_decks
from tests.kind_factories import SCENARIO, KindItems, add_kind_items, edit_item

NOTE_TYPES = {
    "prep Ordering": ["Question", "Steps", "Answer", "Order", "Explanation", "Case", "Track",
                      "Domain", "Source"],
    "prep Matching": ["Question", "Prompts", "Answers", "Pairs", "Explanation", "Case",
                      "Track", "Domain", "Source"],
    "prep Case Multiple Choice": ["Question", "Options", "Answer", "Explanation", "Case",
                                  "Track", "Domain", "Source"],
}
_SCRIPT = re.compile(r"<script|javascript:|\son[a-z]+\s*=", re.IGNORECASE)
_LETTERED = re.compile(r'<span class="letter">([A-Z])\.</span><p>(.*?)</p>')


@pytest.fixture
def kinds(session: Session, clock: FrozenClock) -> KindItems:
    return add_kind_items(session, clock())


@pytest.fixture
def collection(session: Session, kinds: KindItems, tmp_path: Path) -> Collection:
    """A collection that imported the export of track alpha (fixture decks and kinds)."""
    package = tmp_path / "alpha.apkg"
    export_anki(session, package, FIXTURE_DECKS, ["alpha"])
    col = import_into(tmp_path / "collection.anki2", package)
    yield col
    col.close()


def note_of(col: Collection, item: Item) -> Note:
    return col.get_note(col.db.scalar("select id from notes where guid = ?",
                                      genanki.guid_for(item.uid)))


def card_of(col: Collection, item: Item, note_type: str) -> tuple[Note, str, str]:
    """The item's note (of ``note_type``) and its card's front and back as Anki renders them."""
    note = note_of(col, item)
    assert note.note_type()["name"] == note_type
    card = note.cards()[0]
    return note, card.question(), card.answer()


def text(markdown: str) -> str:
    """A field's Markdown as the HTML the note holds, without the paragraph."""
    return str(render_markdown(markdown)).strip().removeprefix("<p>").removesuffix("</p>")


def lettered(html: str) -> dict[str, str]:
    """Letter -> text of the lettered entries of a list (one-paragraph entries)."""
    return dict(_LETTERED.findall(html))


def test_note_types_and_one_note_per_answerable_item(collection: Collection,
                                                     kinds: KindItems) -> None:
    by_name = {model["name"]: model for model in collection.models.all()}
    for name, fields in NOTE_TYPES.items():
        assert [field["name"] for field in by_name[name]["flds"]] == fields
        for template in by_name[name]["tmpls"]:
            assert not _SCRIPT.search(template["qfmt"] + template["afmt"])
    guids = set(collection.db.list("select guid from notes"))
    for item in kinds.answerable():
        assert genanki.guid_for(item.uid) in guids, item.uid
    for group in (kinds.case, kinds.series):
        assert genanki.guid_for(group.uid) not in guids
    assert len(collection.find_notes("tag:prep::kind::yesno")) == 3
    assert len(collection.find_notes('"note:prep Ordering"')) == 2
    assert len(collection.find_notes('"note:prep Matching"')) == 2
    assert len(collection.find_notes('"note:prep Case Multiple Choice"')) == 4
    for item in kinds.answerable():
        card = note_of(collection, item).cards()[0]
        assert not _SCRIPT.search(card.question() + card.answer()), item.uid


def test_ordering_front_shuffles_the_steps_and_back_gives_the_order(
        collection: Collection, kinds: KindItems) -> None:
    item = kinds.ordering
    note, front, back = card_of(collection, item, "prep Ordering")
    shown = lettered(note["Steps"])  # letter -> step, in the order the front shows them
    steps = {o["key"]: text(o["text"]) for o in item.options}
    in_order = [steps[key] for key in item.correct]
    assert sorted(shown.values()) == sorted(in_order)
    assert list(shown.values()) != in_order
    assert "Put the 5 steps in order." in front
    positions = [front.index(step) for step in shown.values()]
    assert positions == sorted(positions)
    assert "Correct order" not in front and text(item.explanation) not in front
    letter_of = {step: letter for letter, step in shown.items()}
    assert f"Correct order: {' → '.join(letter_of[step] for step in in_order)}" in back
    answer_part = back[back.index('id="answer"'):]
    order_positions = [answer_part.index(step) for step in in_order]
    assert order_positions == sorted(order_positions)
    assert "<strong>evaluated</strong>" in answer_part and "<code>canary</code>" in answer_part
    assert note["Case"] == "" and 'class="case"' not in front


def test_matching_front_shows_prompts_and_lettered_answers_back_the_pairs(
        collection: Collection, kinds: KindItems) -> None:
    item = kinds.matching
    note, front, back = card_of(collection, item, "prep Matching")
    shown = lettered(note["Answers"])
    answers = {o["key"]: text(o["text"]) for o in item.options}
    assert sorted(shown.values()) == sorted(answers.values())  # every answer, distractor too
    for prompt in item.prompts:
        assert text(prompt["text"]) in front
        assert text(prompt["explanation"]) not in front
    letter_of = {answer: letter for letter, answer in shown.items()}
    pairs = back[back.index('id="answer"'):].replace("\n", "")
    for number, (prompt, key) in enumerate(zip(item.prompts, item.correct, strict=True),
                                           start=1):
        pair = (f'<span class="number">{number}.</span><p>{text(prompt["text"])}</p>'
                f'<div class="pair-answer">→ <span class="letter">{letter_of[answers[key]]}.'
                f'</span><p>{answers[key]}</p>')
        assert pair in pairs, pair
        assert text(prompt["explanation"]) in pairs


def test_case_questions_carry_the_scenario_above_the_question(collection: Collection,
                                                              kinds: KindItems) -> None:
    scenario_start = "A regional bakery chain sells bread in 40 shops."
    for item in kinds.case_questions:
        note = note_of(collection, item)
        assert scenario_start in note["Case"] and "Case study: a bakery" in note["Case"]
        assert "<li>Sales history:" in note["Case"]  # the scenario's Markdown, rendered
        front = note.cards()[0].question()
        assert front.index(scenario_start) < front.index(text(item.prompt))
    question = note_of(collection, kinds.case_questions[0])
    assert question.note_type()["name"] == "prep Case Multiple Choice"
    assert question["Answer"] == "B"
    assert "Answer: B" in question.cards()[0].answer()
    assert SCENARIO.split("\n")[0][:30] in question["Case"]


def test_a_series_gives_one_note_per_solution(collection: Collection,
                                              kinds: KindItems) -> None:
    goal = "You need to ensure that the model"
    for item in kinds.solutions:
        note, front, back = card_of(collection, item, "prep Case Multiple Choice")
        assert goal in note["Case"]
        assert front.index(goal) < front.index(text(item.prompt))
        assert "Does the solution meet the goal?" in front
        assert "<li>Yes</li><li>No</li>" in front
        expected = "Yes" if item.correct == ["yes"] else "No"
        assert note["Answer"] == expected and f"Answer: {expected}" in back
        assert text(item.explanation) in back and text(item.explanation) not in front
    assert [note_of(collection, item)["Answer"] for item in kinds.solutions] == \
        ["Yes", "No", "No"]


def test_reimport_of_changed_kinds_updates_notes_in_place(
        session: Session, clock: FrozenClock, kinds: KindItems, collection: Collection,
        tmp_path: Path) -> None:
    before = {nid: collection.get_note(nid) for nid in collection.find_notes("")}
    clock.advance(days=1)
    edit_item(session, kinds.case, clock(), prompt=SCENARIO.replace("40 shops", "55 shops"))
    edit_item(session, kinds.ordering, clock(), explanation="Data, train, evaluate, register, "
                                                            "deploy: EDITED.")
    second = tmp_path / "second.apkg"
    export_anki(session, second, FIXTURE_DECKS, ["alpha"])
    collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(second), options=ImportAnkiPackageOptions()))
    after = {nid: collection.get_note(nid) for nid in collection.find_notes("")}
    assert after.keys() == before.keys()  # the same notes: none added, none lost
    changed = {after[nid].guid for nid in after if after[nid].fields != before[nid].fields}
    assert changed == {genanki.guid_for(item.uid)
                       for item in [*kinds.case_questions, kinds.ordering]}
    for item in kinds.case_questions:
        assert "55 shops" in note_of(collection, item)["Case"]
    assert "EDITED" in note_of(collection, kinds.ordering)["Explanation"]
    assert {model["name"] for model in collection.models.all()} >= set(NOTE_TYPES)
    assert len(collection.models.all()) == len({m["id"] for m in collection.models.all()})


def test_a_loaded_kinds_deck_exports_and_reimports_in_place(session: Session,
                                                            clock: FrozenClock,
                                                            tmp_path: Path) -> None:
    root = tmp_path / "decks"
    shutil.copytree(KINDS_DECKS, root)
    load_decks(session, clock(), root)
    first = tmp_path / "first.apkg"
    export_anki(session, first, root, ["gamma"])
    col = import_into(tmp_path / "collection.anki2", first)
    try:
        note_types = {uid: col.get_note(col.db.scalar(
            "select id from notes where guid = ?", genanki.guid_for(uid))).note_type()["name"]
            for uid in ("ga-q001", "ga-o001", "ga-m001", "ga-cs001-q1", "ga-cs001-o1",
                        "ga-s001-1", "ga-s001-2", "ga-s001-3")}
        assert note_types == {
            "ga-q001": "prep Multiple Choice", "ga-o001": "prep Ordering",
            "ga-m001": "prep Matching", "ga-cs001-q1": "prep Case Multiple Choice",
            "ga-cs001-o1": "prep Ordering", "ga-s001-1": "prep Case Multiple Choice",
            "ga-s001-2": "prep Case Multiple Choice", "ga-s001-3": "prep Case Multiple Choice"}
        before = {nid: col.get_note(nid).fields for nid in col.find_notes("")}
        assert len(before) == len(note_types)  # the case and the series are no notes
        topic = root / "gamma" / "kinds.yaml"
        topic.write_text(topic.read_text().replace("It retrains **weekly**.",
                                                   "It retrains **daily**."))
        clock.advance(days=1)
        load_decks(session, clock(), root)
        second = tmp_path / "second.apkg"
        export_anki(session, second, root, ["gamma"])
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(second), options=ImportAnkiPackageOptions()))
        after = {nid: col.get_note(nid) for nid in col.find_notes("")}
        assert after.keys() == before.keys()
        changed = {after[nid].guid for nid in after if after[nid].fields != before[nid]}
        assert changed == {genanki.guid_for("ga-cs001-q1"), genanki.guid_for("ga-cs001-o1")}
        assert all("<strong>daily</strong>" in after[nid]["Case"] for nid in after
                   if after[nid].guid in changed)
    finally:
        col.close()
