"""Content lint: each finding kind, and the shipped decks lint clean."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from prep.config import PROJECT_ROOT
from prep.decks.check import check_decks
from prep.decks.cues import giveaways, has_qualifier, length_cue, stem_asks
from prep.decks.lint import lint_bundle, lint_report
from prep.decks.spec import ItemSpec, OptionSpec
from tests.factories import FIXTURE_DECKS, date_fixture_items


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


def _unique_stem(number: int) -> str:
    """A stem sharing no word 3-gram and no rare term with any other (no near-duplicates)."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    return " ".join(f"{word}{number}" for word in words) + "?"


def add_length_questions(decks: Path, key_ranks: list[int]) -> None:
    """One 3-option question per entry, its key at that length rank (1 = longest)."""
    texts = ["A long option text of many words", "A middling option", "Short one"]
    for number, rank in enumerate(key_ranks, start=10):
        add_items(decks / "alpha" / "basics.yaml", QUESTION.format(
            uid=f"al-q{number:03d}", domain=1, stem=_unique_stem(number), a=texts[0],
            b=texts[1], c=texts[2], answer="abc"[rank - 1]))


def test_answer_length_cue_fails_a_track_and_its_exam(decks: Path) -> None:
    add_length_questions(decks, [2] * 15 + [1, 3, 1, 3, 1])
    found = findings(decks)
    # 15 keys in the middle of three, and al-q001's key 2nd shortest of four: 16 of 21.
    assert ("track.yaml:5: alpha: always picking the 2nd shortest option scores 76.2% on 21 "
            "single-answer questions, chance 32.9% (more than 5 points over): an "
            "answer-length cue") in found, found
    assert any(f.startswith("alpha-one.exam.yaml:1: alpha-one: always picking the 2nd shortest")
               for f in found)


def test_balanced_lengths_pass_and_figures_are_printed(decks: Path) -> None:
    add_length_questions(decks, [1, 2, 3] * 7)
    bundle = check_decks(decks)
    report = lint_report(bundle)
    assert not any("answer-length cue" in str(f) for f in report.findings)
    # al-q001 (4 options, key 3rd longest) plus 21 three-option questions, 7 per rank.
    assert ("alpha: length cue: 22 single-answer questions, chance 33.0%; "
            "k-th longest 1:31.8% 2:31.8% 3:36.4% 4:0.0%; "
            "k-th shortest 1:31.8% 2:36.4% 3:31.8% 4:0.0%") in report.figures


def test_length_cue_needs_enough_questions_to_judge(decks: Path) -> None:
    add_length_questions(decks, [2] * 18)  # 19 single-answer questions with al-q001
    assert not any("answer-length cue" in f for f in findings(decks))


def _question(uid: str, lengths: list[int], key: str) -> ItemSpec:
    options = [OptionSpec(k, "x" * n, "why") for k, n in zip("abcdef", lengths, strict=False)]
    return ItemSpec(uid, "alpha/basics", "question", "Which?", None, options, [key], "ref",
                    None, [], {"alpha-one": 1}, "basics.yaml", 1)


def test_length_ties_split_credit() -> None:
    cue = length_cue([_question("q1", [9, 9, 5, 3], "a"), _question("q2", [4, 4, 4, 4], "d")])
    assert [rank.score for rank in cue.longest] == [0.375, 0.375, 0.125, 0.125]
    assert sum(rank.score for rank in cue.longest) == pytest.approx(1)
    assert cue.chance == 0.25 and not cue.mixed_sizes
    assert cue.worst()[0] == "longest"


@pytest.mark.parametrize(
    ("stem", "asks"),
    [
        ("Which service fits best?", True),
        ("Which service fits best?  \n", True),
        ('Which value does it print for "x?"', True),
        ("Which two changes help? (Choose two.)", True),
        ("A team trains a model. Choose two.", True),
        ("A pipeline has four steps. Put them in order:", True),
        ("Select the MOST cost-effective solution.", True),
        ("What does this print?\n\n```python\nprint(1 + 1)\n```\n", True),
        ("The team wants the least operational overhead.", False),
        ("The team runs this code:\n\n```python\nfit()\n```", False),
        ("Given:\n```\na = 1\n```\nWhat is b?\n```python\nb = a + 1\n```", True),
        ("Given:\n```\na = 1\n```\nThe team then runs:\n```\nb = 2\n```", False),
        ("The team needs a solution", False),
        ("Choose wisely what to do next, the team said, and stopped", False),
    ],
)
def test_stem_asks(stem: str, asks: bool) -> None:
    assert stem_asks(stem) is asks


def test_stem_that_asks_nothing_is_reported(decks: Path) -> None:
    path = decks / "alpha" / "basics.yaml"
    path.write_text(path.read_text().replace("Which format fits best?",
                                             "The team wants the fastest format."))
    assert "basics.yaml:19: al-q001: the stem asks nothing: end it with a question or an " \
           'instruction ("Which ...?", "Choose two.")' in findings(decks)


def test_stem_that_gives_the_answer_away(decks: Path) -> None:
    add_items(decks / "alpha" / "basics.yaml", QUESTION.format(
        uid="al-q003", domain=1, stem="A retailer runs Kafka brokers on premises and wants "
        "managed streaming. Which service fits?", a="Amazon MSK for Apache Kafka",
        b="Amazon SQS queues", c="Amazon Kinesis shards", answer="a"))
    add_items(decks / "alpha" / "basics.yaml", QUESTION.format(
        uid="al-q004", domain=1, stem="A retailer keeps orders in shards and wants replay of "
        "events. Which service fits?", a="Amazon Kinesis with enhanced shards",
        b="Amazon SQS with shards", c="Amazon SNS topics", answer="a"))
    found = findings(decks)
    assert any("al-q003: the stem and a correct option share 'kafka', which no distractor "
               "has: the stem gives the answer away" in f for f in found), found
    # "shards" is in the stem and the key but also in a distractor: no giveaway.
    assert not any("al-q004" in f for f in found), found


def test_giveaway_terms_must_be_rare_in_the_bank() -> None:
    def question(uid: str, stem: str, key: str) -> ItemSpec:
        spec = _question(uid, [1, 1, 1], "a")
        spec.prompt = stem
        spec.options[0].text, spec.options[1].text, spec.options[2].text = key, "Other", "Else"
        return spec

    bank = [question(f"q{n}", f"Which pipeline step {n}?", "The pipeline step") for n in range(4)]
    assert giveaways(bank) == {}  # "pipeline" is in four questions: common vocabulary
    assert giveaways(bank[:3]) == {"q0": ["pipeline"], "q1": ["pipeline"], "q2": ["pipeline"]}


def test_currency_warnings_and_figures(decks: Path) -> None:
    date_fixture_items(decks, {"al-q001": "2026-11", "al-q002": "2025-11", "al-c002": "2025-12"})
    report = lint_report(check_decks(decks), today=date(2026, 12, 6))
    assert report.warnings == ["alpha: 2/4 items not checked since 2025-12 (1 never)",
                               "beta: 1/1 items not checked since 2025-12 (1 never)"]
    assert [f"{Path(f.path).name}:{f.line}: {f.message}" for f in report.stale] == [
        "basics.yaml:4: al-c001: no 'checked' month",
        "basics.yaml:38: al-q002: checked 2025-11, more than 12 months ago",
        "core.yaml:4: be-c001: no 'checked' month",
    ]
    assert ("alpha: checked newest 2026-11, median 2025-12, oldest 2025-11; "
            "1/4 items unchecked") in report.figures
    assert report.findings == lint_bundle(check_decks(decks))  # warnings never fail


@pytest.mark.parametrize(
    ("stem", "qualified"),
    [
        ("Which solution meets these requirements MOST cost-effectively?", True),
        ("Which approach needs the least operational overhead?", True),
        ("What is the most likely cause?", True),
        ("Which layer is needed?", False),
        ("Most tweets are short. Which pooling fits?", False),
        ("Which policy follows least privilege?", False),
    ],
)
def test_qualifier_is_recognised(stem: str, qualified: bool) -> None:
    assert has_qualifier(stem) is qualified
