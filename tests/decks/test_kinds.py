"""Checking the newer item kinds and an exam file's ``kinds``: each fault with its line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from prep.decks.check import check_decks
from prep.decks.kinds import step_keys
from tests.decks.test_check import edit, line_of, messages
from tests.factories import FIXTURE_DECKS, KINDS_DECKS

TOPIC = "gamma/kinds.yaml"
EXAM = "gamma/gamma-one.exam.yaml"
ORDERING_STEPS = ("      - Train the model on the prepared data\n"
                  "      - Evaluate the model against the baseline\n")


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """A writable copy of the kinds fixture beside the alpha and beta fixture tracks."""
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    shutil.copytree(KINDS_DECKS / "gamma", root / "gamma")
    return root


def test_the_fixture_holds_every_kind_and_checks_clean(decks: Path) -> None:
    bundle = check_decks(decks, today=date(2026, 12, 6))
    assert [str(fault) for fault in bundle.faults] == []
    assert bundle.summary() == ("9 files: 3 tracks, 3 exams, 3 decks, 3 flashcards, "
                                "10 questions, 1 case studies, 1 yes/no series")
    kinds = {item.kind for item in bundle.items}
    assert kinds == {"card", "question", "ordering", "matching", "yesno", "case", "series"}


def test_older_kinds_keep_the_content_they_were_hashed_on(decks: Path) -> None:
    for spec in check_decks(decks).items:
        if spec.kind in ("card", "question") and spec.group is None:
            assert set(spec.content()) == {"deck", "kind", "prompt", "answer_text", "options",
                                           "correct", "reference", "image", "tags", "domains"}


@pytest.mark.parametrize("count", range(2, 7))
def test_step_keys_are_a_shuffle_never_in_alphabetical_order(count: int) -> None:
    for uid in ("ga-o001", "sm-do-o001", "az-bl-o007", "x"):
        keys = step_keys(uid, count)
        assert sorted(keys) == list("abcdef"[:count]) != keys
        assert step_keys(uid, count) == keys


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        # ordering
        (TOPIC, ORDERING_STEPS, "", "    steps:",
         "an ordering needs 3 to 6 steps, not 2"),
        (TOPIC, "      - Register the model version\n",
         "      - Register the model version\n" + "      - Step x\n      - Step y\n"
         "      - Step z\n", "    steps:", "an ordering needs 3 to 6 steps, not 7"),
        (TOPIC, "      - Register the model version\n", "      - Train the model on the "
         "prepared  data\n", "the prepared  data", "step 3 repeats step 1"),
        (TOPIC, "    explanation: |\n      Only an evaluated model is worth registering, and "
         "only a **registered** version is deployed.\n", "", "id: ga-o001",
         "an ordering is missing 'explanation'"),
        (TOPIC, "    reference: A pipelines guide\n    checked: 2026-11\n\n  - id: ga-m001",
         "    checked: 2026-11\n\n  - id: ga-m001", "id: ga-o001",
         "an ordering is missing 'reference'"),
        # matching
        (TOPIC, "        answer: b\n", "", "- text: Record who",
         "prompt 2 is missing 'answer'"),
        (TOPIC, "        answer: b\n", "        answer: z\n", "answer: z",
         "prompt 2: answer 'z' is not among the answers"),
        (TOPIC, "      - text: Alert when latency rises\n        answer: c",
         "      - text: detect drift in an endpoint's inputs\n        answer: a",
         "- text: detect drift", "prompt 3 repeats the pair of prompt 1 "
         "(same text and answer)"),
        (TOPIC, "      - text: Alert when latency rises\n", "      - text: detect drift in an "
         "endpoint's inputs\n", "- text: detect drift", "prompt 3 repeats the text of prompt 1"),
        (TOPIC, "        explanation: The monitor compares live inputs with a baseline.\n", "",
         "- text: Detect drift", "prompt 1 is missing 'explanation'"),
        (TOPIC, "      - text: Alert when latency rises\n        answer: c\n        "
         "explanation: Metrics alarms watch latency.\n", "", "    prompts:",
         "a matching item needs 3 to 7 prompts, not 2"),
        (TOPIC, "      d: Object storage", "      d: model monitor", "d: model monitor",
         "answer 'd' repeats the text of another answer"),
        (TOPIC, "      d: Object storage", "      k: Object storage", "k: Object storage",
         "answer key 'k' must be one of a-h"),
        # case studies
        (TOPIC, "      - id: ga-cs001-o1\n        type: ordering",
         "      - id: ga-cs001-o1\n        type: card", "type: card",
         "a case question must be of type question, ordering or matching, not 'card'"),
        (TOPIC, "    reference: Apache Parquet documentation\n",
         "    reference: Apache Parquet documentation\n    case: ga-cs001\n", "case: ga-cs001",
         "a case-study question without its case: write it under its case's 'questions'"),
        (TOPIC, "        reference: A monitoring guide\n      - id: ga-cs001-o1",
         "        refrence: A monitoring guide\n      - id: ga-cs001-o1", "refrence",
         "unknown key 'refrence' in a question"),
        (TOPIC, "        domains: {gamma-one: 1}\n        stem: |\n          Put the weekly",
         "        domains: {gamma-one: 7}\n        stem: |\n          Put the weekly",
         "id: ga-cs001-o1", "unknown domain 7 of exam 'gamma-one'"),
        # yes/no series
        (TOPIC, '        answer: "no"\n        explanation: An alarm',
         '        answer: no\n        explanation: An alarm', "answer: no",
         "answer must be \"yes\" or \"no\" (quoted: YAML reads bare yes/no as true/false), "
         "not False"),
        (TOPIC, '        answer: "no"\n        explanation: An alarm',
         '        answer: maybe\n        explanation: An alarm', "answer: maybe",
         "answer must be \"yes\" or \"no\" (quoted: YAML reads bare yes/no as true/false), "
         "not 'maybe'"),
        (TOPIC, "        explanation: An alarm watches a metric; it records no changes.\n", "",
         "id: ga-s001-2", "a solution is missing 'explanation'"),
        (TOPIC, "    domains: {gamma-one: 2}\n    goal:", "    domains: {gamma-one: 9}\n    goal:",
         "- id: ga-s001", "unknown domain 9 of exam 'gamma-one'"),
        (TOPIC, "  - id: ga-q001\n    type: question", "  - id: ga-q001\n    type: yesno",
         "type: yesno", "item 'type' must be one of card, question, ordering, matching, case, "
         "series"),
        # the exam file's kinds
        (EXAM, "  yes-no: {sets: 1}", "  yes-no: {sets: 1}\n  hot-area: {per_form: 2}",
         "hot-area", "unknown kind 'hot-area' in 'kinds': use ordering, matching, case-study, "
         "yes-no"),
        (EXAM, "scoring: partial", "scoring: half", "scoring: half",
         "scoring must be all-or-nothing or partial, not 'half'"),
        (EXAM, "per_form: 1, scoring: all", "per_form: -1, scoring: all", "per_form: -1",
         "'per_form' must be a whole number >= 0"),
        (EXAM, "yes-no: {sets: 1}", "yes-no: {sets: 1, locks: true}", "yes-no:",
         "'locks' applies to case-study only"),
        (EXAM, "yes-no: {sets: 1}", "yes-no: {count: 1}", "yes-no:",
         "kind 'yes-no' is missing 'sets'"),
        (EXAM, "per_form: 1, scoring: all", "per_form: 9, scoring: all", "kinds:",
         "the kinds need at least 14 questions per form, more than the exam's 10"),
    ],
)
def test_each_kinds_fault_names_file_and_line(
    decks: Path, file: str, old: str, new: str, needle: str, message: str
) -> None:
    path = decks / file
    edit(path, old, new)
    found = messages(decks)
    assert f"{path.name}:{line_of(path, needle)}: {message}" in found, found


def replace_span(path: Path, start: str, end: str, new: str) -> None:
    """Replace the text of ``path`` from ``start`` up to (not including) ``end``."""
    text = path.read_text()
    begin = text.index(start)
    path.write_text(text[:begin] + new + text[text.index(end, begin):])


@pytest.mark.parametrize(
    ("start", "end", "new", "needle", "message"),
    [
        ("    questions:\n", "    checked: 2026-10", "    questions: []\n", "questions: []",
         "a case without questions: give it 2 to 6"),
        ("      - id: ga-cs001-o1", "    checked: 2026-10", "", "    questions:",
         "a case needs 2 to 6 questions, not 1"),
        ("    solutions:\n", "    reference: An audit", "    solutions:\n", "solutions:",
         "an empty series: give it 2 to 5 solutions"),
        ("      - id: ga-s001-2", "    reference: An audit", "", "solutions:",
         "a series needs 2 to 5 solutions, not 1"),
    ],
)
def test_group_sizes_name_their_line(decks: Path, start: str, end: str, new: str,
                                     needle: str, message: str) -> None:
    path = decks / TOPIC
    replace_span(path, start, end, new)
    assert f"{path.name}:{line_of(path, needle)}: {message}" in messages(decks)


def test_ids_are_unique_across_all_decks_nested_members_included(decks: Path) -> None:
    path = decks / TOPIC
    edit(path, "      - id: ga-s001-2", "      - id: al-c001")
    edit(path, "      - id: ga-cs001-o1", "      - id: ga-o001")
    faults = [str(fault) for fault in check_decks(decks).faults]
    basics = decks / "alpha" / "basics.yaml"
    assert f"{path}:{line_of(path, 'id: al-c001')}: duplicate id 'al-c001' (first at " \
           f"{basics}:{line_of(basics, 'id: al-c001')})" in faults
    member, first = line_of(path, "      - id: ga-o001"), line_of(path, "  - id: ga-o001")
    assert f"{path}:{member}: duplicate id 'ga-o001' (first at {path}:{first})" in faults


def test_a_series_fault_is_reported_once_at_the_series(decks: Path) -> None:
    path = decks / TOPIC
    edit(path, "    domains: {gamma-one: 2}\n    goal:", "    domains: {gamma-two: 1}\n    goal:")
    edit(path, "    reference: An audit guide\n    checked: 2026-11",
         "    reference: An audit guide\n    checked: 2099-01")
    faults = messages(decks) + [f"{Path(f.path).name}:{f.line}: {f.message}"
                                for f in check_decks(decks, today=date(2026, 12, 6)).faults]
    series = line_of(path, "- id: ga-s001")
    assert [f for f in faults if "gamma-two" in f] == [f"kinds.yaml:{series}: unknown exam "
                                                       "'gamma-two'"] * 2
    assert [f for f in faults if "future" in f] == [
        f"kinds.yaml:{line_of(path, 'checked: 2099-01')}: 'checked' 2099-01 is in the future"]


def test_a_case_question_without_checked_takes_the_cases_month(decks: Path) -> None:
    bundle = check_decks(decks)
    members = [item for item in bundle.items if item.group and item.group.uid == "ga-cs001"]
    assert [(m.uid, m.checked, m.group_position) for m in members] == [
        ("ga-cs001-q1", "2026-10", 1), ("ga-cs001-o1", "2026-10", 2)]
