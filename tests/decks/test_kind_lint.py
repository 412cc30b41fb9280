"""Lint of the newer kinds: enough of each for two forms, explanations, shares and figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prep.decks.check import check_decks
from prep.decks.lint import lint_report
from tests.decks.test_check import edit, line_of
from tests.factories import KINDS_DECKS

TOPIC = "gamma/kinds.yaml"
EXAM = "gamma/gamma-one.exam.yaml"
SHORTFALL = {
    "ordering": "gamma-one: 1 ordering items, fewer than the 2 that 2 forms draw (1 per form)",
    "matching": "gamma-one: 1 matching items, fewer than the 2 that 2 forms draw (1 per form)",
    "case-study": "gamma-one: 1 case studies, fewer than the 2 that 2 forms draw (1 per form)",
    "yes-no": "gamma-one: 1 yes/no series, fewer than the 2 that 2 forms draw (1 per form)",
}


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    shutil.copytree(KINDS_DECKS, root)
    return root


def findings(root: Path) -> list[str]:
    bundle = check_decks(root)
    assert bundle.ok, bundle.faults
    return [f"{Path(f.path).name}:{f.line}: {f.message}" for f in lint_report(bundle).findings]


def copy_item(path: Path, uid: str, new_uid: str, rename: dict[str, str]) -> None:
    """Append a copy of the top-level item ``uid`` under ``new_uid``, texts renamed so that
    it is no near-duplicate (its members' ids get the new prefix)."""
    text = path.read_text()
    start = text.index(f"  - id: {uid}\n")
    following = text.find("\n  - id: ", start + 1)
    block = text[start:following + 1 if following != -1 else len(text)].replace(uid, new_uid)
    for old, new in rename.items():
        block = block.replace(old, new)
    path.write_text(text.rstrip("\n") + "\n\n" + block)


def test_too_few_of_each_kind_for_two_forms(decks: Path) -> None:
    exam = decks / EXAM
    found = findings(decks)
    for kind, message in SHORTFALL.items():
        assert f"gamma-one.exam.yaml:{line_of(exam, f'  {kind}:')}: {message}" in found


def test_enough_of_each_kind_clears_the_shortfall(decks: Path) -> None:
    path = decks / TOPIC
    words = {"model": "classifier", "endpoint": "service", "team": "crew", "monitor": "watcher",
             "Train": "Fit", "Evaluate": "Score", "Register": "Record", "Deploy": "Ship",
             "payments": "lending", "transactions": "loans", "fraud": "default", "audit":
             "journal", "latency": "errors", "drift": "skew", "weekly": "monthly",
             "audit log": "trail", "change": "edit", "metric": "gauge", "alarm": "alert",
             "copy": "snapshot", "storage": "vault", "Detect": "Spot", "Record": "Track",
             "Alert": "Warn", "scoring": "grading", "week": "month", "Collect": "Gather",
             "Retrain": "Refit", "Compare": "Weigh", "live": "serving", "prepared": "cleaned",
             "baseline": "reference", "version": "release", "inputs": "features"}
    for uid, new_uid in (("ga-o001", "ga-o002"), ("ga-m001", "ga-m002"),
                         ("ga-cs001", "ga-cs002"), ("ga-s001", "ga-s002")):
        copy_item(path, uid, new_uid, words)
    found = findings(decks)
    assert not [f for f in found if "forms draw" in f], found
    assert not [f for f in found if "nearly duplicates" in f], found


def test_every_answerable_kind_counts_in_the_domain_shares(decks: Path) -> None:
    exam = decks / EXAM
    assert findings(decks)[:2] == [
        "gamma-one.exam.yaml:1: gamma-one: domain 1 has 37.5% of the questions, "
        "blueprint weight 50.0%",
        "gamma-one.exam.yaml:1: gamma-one: domain 2 has 62.5% of the questions, "
        "blueprint weight 50.0%",
    ]
    edit(exam, "weight: 50\n  - id: 2\n    name: Services\n    weight: 50",
         "weight: 37.5\n  - id: 2\n    name: Services\n    weight: 62.5")
    assert not [f for f in findings(decks) if "of the questions" in f]


def test_targets_count_answerable_items_and_never_groups(decks: Path) -> None:
    track = decks / "gamma" / "track.yaml"
    track.write_text(track.read_text() + "targets:\n  flashcards: 1\n  questions: 9\n")
    found = findings(decks)
    assert "track.yaml:5: gamma: 0 flashcards, below the target of 1" in found
    assert "track.yaml:5: gamma: 8 questions, below the target of 9" in found


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("        explanation: An alarm watches a metric; it records no changes.",
         "        explanation: Not enough.", "- id: ga-s001-2",
         "ga-s001-2: explanation is too short to teach anything"),
        ("        explanation: Metrics alarms watch latency.", "        explanation: Alarms.",
         "- id: ga-m001", "ga-m001: explanation of prompt '3' is too short to teach anything"),
        ("    explanation: |\n      Only an evaluated model is worth registering, and only a "
         "**registered** version is deployed.", "    explanation: Evaluate first.",
         "- id: ga-o001", "ga-o001: explanation is too short to teach anything"),
    ],
)
def test_explanations_of_the_new_kinds_must_teach(decks: Path, old: str, new: str,
                                                  needle: str, message: str) -> None:
    path = decks / TOPIC
    edit(path, old, new)
    assert f"kinds.yaml:{line_of(path, needle)}: {message}" in findings(decks)


def test_solutions_of_one_series_may_look_alike(decks: Path) -> None:
    path = decks / TOPIC
    edit(path, "text: You add a metrics alarm on latency.",
         "text: You turn on the audit log for the whole account.")
    assert not [f for f in findings(decks) if "nearly duplicates" in f]
    copy_item(path, "ga-s001", "ga-s009", {"You need to ensure": "Ensure"})
    assert "nearly duplicates ga-s001-1" in " ".join(findings(decks))


def test_kind_figures_per_domain(decks: Path) -> None:
    figures = lint_report(check_decks(decks)).figures
    assert [f for f in figures if f.startswith(("gamma-one: domain", "gamma-one: kinds"))] == [
        "gamma-one: domain 1 (weight 50.0%): 1 questions, 2 ordering, 0 matching, 0 yes/no; "
        "1 in case studies",
        "gamma-one: domain 2 (weight 50.0%): 1 questions, 0 ordering, 1 matching, 3 yes/no; "
        "1 in case studies",
        "gamma-one: kinds in the bank: 1 ordering items, 1 matching items, 1 case studies, "
        "1 yes/no series",
    ]


def test_length_cue_and_giveaways_cover_case_questions(decks: Path) -> None:
    path = decks / TOPIC
    edit(path, "          Which service should the company use to detect drift in the scoring "
               "inputs?", "          Which tracker should the company use to notice "
               "the dashboards?")
    edit(path, "          a: Model monitor\n", "          a: Dashboards tracker\n")
    assert "kinds.yaml:{}: ga-cs001-q1: the stem and a correct option share".format(
        line_of(path, "- id: ga-cs001-q1")) in " ".join(findings(decks))
    figures = lint_report(check_decks(decks)).figures
    # The case's question is one of the track's two single-answer questions.
    assert any(f.startswith("gamma: length cue: 2 single-answer questions") for f in figures)
