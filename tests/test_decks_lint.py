"""Content lint: each finding kind, and the shipped decks lint clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prep.config import PROJECT_ROOT
from prep.decks.check import check_decks
from prep.decks.lint import lint_bundle
from tests.factories import FIXTURE_DECKS


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    return root


def findings(root: Path) -> list[str]:
    bundle = check_decks(root)
    assert bundle.ok, bundle.faults
    return [f"{Path(f.path).name}:{f.line}: {f.message}" for f in lint_bundle(bundle)]


def add_items(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


QUESTION = """
  - id: {uid}
    type: question
    domains: {{alpha-one: {domain}}}
    stem: |
      {stem}
    options:
      a: {a}
      b: {b}
      c: {c}
    answer: {answer}
    explanations:
      a: Explains why option a is right or wrong.
      b: Explains why option b is right or wrong.
      c: Explains why option c is right or wrong.
    reference: Test reference
"""


def test_fixture_decks_findings(decks: Path) -> None:
    assert findings(decks) == [
        "alpha-one.exam.yaml:1: alpha-one: domain 1 has 50.0% of the questions, "
        "blueprint weight 60.0%",
        "alpha-one.exam.yaml:1: alpha-one: domain 2 has 50.0% of the questions, "
        "blueprint weight 40.0%",
        "basics.yaml:19: al-q001: explanation of option 'd' is too short to teach anything",
    ]


def test_near_duplicate_stems_across_files(decks: Path) -> None:
    stem = ("A team must store 2 TB of tabular training data for fast columnar reads. "
            "Which format fits best?")
    add_items(decks / "alpha" / "basics.yaml", QUESTION.format(
        uid="al-q003", domain=1, stem=stem.replace("2 TB", "3 TB"), a="Parquet", b="CSV",
        c="JSON", answer="a"))
    found = findings(decks)
    assert any("al-q003 nearly duplicates al-q001 at" in finding for finding in found), found


def test_all_of_the_above_and_repeated_options(decks: Path) -> None:
    add_items(decks / "alpha" / "basics.yaml", QUESTION.format(
        uid="al-q003", domain=1, stem="Which storage class suits rarely read archives?",
        a="Cold storage", b="cold  storage.", c="All of the above", answer="a"))
    found = findings(decks)
    assert any("al-q003: option 'b' repeats option 'a'" in finding for finding in found)
    assert any("al-q003: option 'c' is an 'all/none of the above' option" in finding
               for finding in found)


def test_longest_correct_option_giveaway(decks: Path) -> None:
    for number in range(3, 6):
        add_items(decks / "alpha" / "basics.yaml", QUESTION.format(
            uid=f"al-q00{number}", domain=1, stem=f"Unrelated scenario number {number} asks "
            f"about topic {number * 7} in its own words?", a="Short",
            b="The much longer correct option", c="Brief", answer="b"))
    found = findings(decks)
    assert any("alpha: the correct option is the longest in 3/4 single-answer questions"
               in finding for finding in found), found


def test_counts_below_targets_and_too_few_multiple_response(decks: Path) -> None:
    track = decks / "alpha" / "track.yaml"
    track.write_text(track.read_text() + "targets:\n  flashcards: 5\n  questions: 2\n")
    basics = decks / "alpha" / "basics.yaml"
    basics.write_text(basics.read_text().replace("answer: [a, c]", "answer: a"))
    found = findings(decks)
    assert "track.yaml:5: alpha: 2 flashcards, below the target of 5" in found
    assert not any("questions, below the target" in finding for finding in found)
    assert any("alpha-one: 0/2 multiple-response questions, below 15%" in f for f in found)


def test_multiple_response_for_a_single_answer_exam(decks: Path) -> None:
    exam = decks / "alpha" / "alpha-one.exam.yaml"
    exam.write_text(exam.read_text().replace("multiple_response: true",
                                             "multiple_response: false"))
    assert any("al-q002: multiple-response question for alpha-one" in finding
               for finding in findings(decks))


def test_shipped_decks_lint_clean() -> None:
    bundle = check_decks(PROJECT_ROOT / "decks")
    assert [str(finding) for finding in lint_bundle(bundle)] == []
