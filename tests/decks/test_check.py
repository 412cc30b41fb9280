"""Deck validation: shipped decks are clean; each kind of fault names its file and line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from prep.config import PROJECT_ROOT
from prep.decks.check import check_decks
from tests.factories import FIXTURE_DECKS, date_fixture_items


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """A writable copy of the fixture decks."""
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    """The 1-based line where ``needle`` first appears."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def messages(root: Path) -> list[str]:
    return [f"{Path(f.path).name}:{f.line}: {f.message}" for f in check_decks(root).faults]


def test_shipped_decks_are_clean_and_cover_every_track() -> None:
    bundle = check_decks(PROJECT_ROOT / "decks")
    assert [str(fault) for fault in bundle.faults] == []
    assert {track.id for track in bundle.tracks} == {
        "sagemaker", "vertex-ai", "azure-ai", "mlflow", "tensorflow", "foundations",
    }
    assert {exam.id for exam in bundle.exams} == {
        "mla-c01", "mls-c01", "pmle", "ai-102", "ai-103", "databricks-ml-associate",
        "tf-developer", "foundations",
    }
    for track in bundle.tracks:
        kinds = [item.kind for item in bundle.items if item.deck_slug.startswith(f"{track.id}/")]
        assert kinds.count("card") >= 10, track.id
        assert kinds.count("question") >= 10, track.id


def test_shipped_blueprints_match_the_published_facts() -> None:
    exams = {exam.id: exam for exam in check_decks(PROJECT_ROOT / "decks").exams}
    mla = exams["mla-c01"]
    assert (mla.questions, mla.minutes, mla.pass_mark, mla.scale_max) == (65, 130, 720, 1000)
    assert [d.weight for d in mla.domains] == [28, 26, 22, 24]
    assert mla.kinds == {"ordering": {"per_form": 3, "scoring": "all-or-nothing"},
                         "matching": {"per_form": 3, "scoring": "all-or-nothing"},
                         "case-study": {"sets": 1, "locks": False}}
    assert "kinds per form" in mla.unverified
    assert exams["mls-c01"].status == "retired" and exams["mls-c01"].successor == "mla-c01"
    ai102 = exams["ai-102"]
    assert sum(d.weight for d in ai102.domains) == pytest.approx(100)
    assert ai102.domains[0].weight == pytest.approx(22.5 * 100 / 95)
    assert ai102.status == "retired" and ai102.successor == "ai-103"
    ai103 = exams["ai-103"]
    assert (ai103.status, ai103.questions, ai103.minutes, ai103.pass_mark) == (
        "active", 50, 100, 700)
    assert [round(d.weight, 1) for d in ai103.domains] == [28.2, 33.3, 12.8, 12.8, 12.8]
    assert ai103.kinds == {"yes-no": {"sets": 2},
                           "ordering": {"per_form": 3, "scoring": "all-or-nothing"},
                           "case-study": {"sets": 1, "locks": True}}
    assert {"kinds per form", "scoring of ordering (all-or-nothing)"} <= set(ai103.unverified)
    assert {exam.id for exam in exams.values() if exam.kinds} == {"mla-c01", "ai-103"}
    assert [d.weight for d in exams["databricks-ml-associate"].domains] == [38, 19, 31, 12]
    assert [d.weight for d in exams["pmle"].domains] == [13, 14, 18, 20, 22, 13]
    assert exams["tf-developer"].status == "closed"
    foundations = exams["foundations"]  # prep's own blueprint: no certification behind it
    assert (foundations.status, foundations.retired_on, foundations.pass_mark) == (
        "practice", None, 70)
    assert [d.weight for d in foundations.domains] == [10, 10, 15, 15, 12, 15, 13, 10]


def test_fixture_decks_parse_into_specs(decks: Path) -> None:
    bundle = check_decks(decks)
    assert bundle.ok
    assert bundle.summary() == "6 files: 2 tracks, 2 exams, 2 decks, 3 flashcards, 2 questions"
    question = next(item for item in bundle.items if item.uid == "al-q002")
    assert question.correct == ["a", "c"]
    assert [option.key for option in question.options] == ["a", "b", "c", "d", "e"]
    assert question.line == line_of(decks / "alpha" / "basics.yaml", "id: al-q002")
    beta = next(exam for exam in bundle.exams if exam.id == "beta-one")
    assert [d.weight for d in beta.domains] == [50, 50]


def test_malformed_yaml_reports_its_line(decks: Path) -> None:
    path = decks / "alpha" / "basics.yaml"
    edit(path, "    tags: [metrics]", "    tags: [metrics")
    faults = messages(decks)
    assert len(faults) == 1
    assert faults[0].startswith("basics.yaml:")
    assert "YAML error" in faults[0]


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        ("alpha/basics.yaml", "domains: {alpha-one: 2}\n    front",
         "domains: {alpha-one: 7}\n    front", "id: al-c002",
         "unknown domain 7 of exam 'alpha-one'"),
        ("alpha/basics.yaml", "domains: {alpha-one: 1}\n    tags",
         "domains: {gamma: 1}\n    tags", "id: al-c001", "unknown exam 'gamma'"),
        ("alpha/basics.yaml", "    answer: b", "    answer: f", "answer: f",
         "answer 'f' is not among the options"),
        ("alpha/basics.yaml", "      d: Unstructured.\n", "", "explanations:",
         "missing explanation for option 'd'"),
        ("alpha/alpha-one.exam.yaml", "weight: 40", "weight: 45", "domains:",
         "domain weights sum to 105, not 100"),
        ("alpha/basics.yaml", "    reference: Apache", "    refrence: Apache", "refrence",
         "unknown key 'refrence' in a question"),
        ("alpha/basics.yaml", "      d: Plain text logs", "      c: Plain text logs",
         "c: Plain text logs", "duplicate key 'c'"),
        ("alpha/basics.yaml", "      c: Add L2 regularisation", "      c: Add dropout",
         "c: Add dropout",
         "option 'c' repeats the text of another option"),
        ("beta/beta-one.exam.yaml", "retired_on: 2025-01-31\n", "", "status: retired",
         "a retired exam needs 'retired_on'"),
        ("beta/beta-one.exam.yaml", "status: retired", "status: practice", "retired_on:",
         "a practice blueprint belongs to no certification: drop 'retired_on'"),
        ("beta/beta-one.exam.yaml", "status: retired", "status: graded", "status: graded",
         "status must be one of active, retiring, retired, closed, practice"),
    ],
)
def test_each_fault_names_file_and_line(
    decks: Path, file: str, old: str, new: str, needle: str, message: str
) -> None:
    path = decks / file
    edit(path, old, new)
    assert f"{path.name}:{line_of(path, needle)}: {message}" in messages(decks)


def test_fewer_than_two_options(decks: Path) -> None:
    path = decks / "alpha" / "basics.yaml"
    text = path.read_text()
    start = text.index("  - id: al-q001")
    block = text[start:text.index("  - id: al-q002")]
    single = (
        "  - id: al-q001\n    type: question\n    domains: {alpha-one: 1}\n"
        "    stem: Pick one.\n    options:\n      a: Only option\n    answer: a\n"
        "    explanations:\n      a: Alone.\n    reference: None\n"
    )
    path.write_text(text.replace(block, single))
    faults = messages(decks)
    assert f"basics.yaml:{line_of(path, 'options:')}: a question needs at least two options" \
        in faults


def test_duplicate_id_across_files(decks: Path) -> None:
    edit(decks / "beta" / "core.yaml", "id: be-c001", "id: al-c001")
    faults = messages(decks)
    assert any(
        fault.startswith(f"core.yaml:{line_of(decks / 'beta' / 'core.yaml', 'id: al-c001')}: "
                         "duplicate id 'al-c001' (first at ")
        for fault in faults
    ), faults


def test_every_fault_is_reported_not_just_the_first(decks: Path) -> None:
    edit(decks / "alpha" / "basics.yaml", "    answer: b", "    answer: z")
    edit(decks / "beta" / "core.yaml", "front: |", "frnt: |")
    faults = messages(decks)
    assert len(faults) >= 2
    assert any("core.yaml" in fault for fault in faults)
    assert any("basics.yaml" in fault for fault in faults)


def test_missing_directory_is_a_fault(tmp_path: Path) -> None:
    bundle = check_decks(tmp_path / "nope")
    assert [fault.message for fault in bundle.faults] == ["no such directory"]


def test_single_track_folder_can_be_checked(decks: Path) -> None:
    bundle = check_decks(decks / "alpha")
    assert bundle.ok
    assert [track.id for track in bundle.tracks] == ["alpha"]


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13", "'checked' must be a month YYYY-MM (e.g. 2026-12), not 2026-13"),
        ("2026-12-01", "'checked' must be a month YYYY-MM (e.g. 2026-12), not 2026-12-01"),
        ("Dec 2026", "'checked' must be a month YYYY-MM (e.g. 2026-12), not Dec 2026"),
        ("2027-01", "'checked' 2027-01 is in the future"),
    ],
)
def test_bad_checked_month_names_its_line(decks: Path, value: str, message: str) -> None:
    path = decks / "alpha" / "basics.yaml"
    edit(path, "    reference: Apache", f"    checked: {value}\n    reference: Apache")
    faults = [f"{Path(f.path).name}:{f.line}: {f.message}"
              for f in check_decks(decks, today=TODAY).faults]
    assert faults == [f"basics.yaml:{line_of(path, 'checked:')}: {message}"]


def test_checked_month_on_questions_and_cards(decks: Path) -> None:
    path = decks / "alpha" / "basics.yaml"
    date_fixture_items(decks, {"al-q001": "2026-12", "al-c002": "2025-03"})
    bundle = check_decks(decks, today=TODAY)
    assert bundle.ok, bundle.faults
    checked = {item.uid: item.checked for item in bundle.items}
    assert checked == {"al-c001": None, "al-c002": "2025-03", "al-q001": "2026-12",
                       "al-q002": None, "be-c001": None}
    # Without a day to compare with, only the form is checked.
    edit(path, "checked: 2026-12", "checked: 2030-01")
    assert check_decks(decks).ok


def test_exam_file_for_a_beta_exam_with_unverified_weights(decks: Path) -> None:
    path = decks / "alpha" / "alpha-one.exam.yaml"
    edit(path, "status: active\n",
         "status: active\nstatus_note: beta since 2026-04; general availability unverified\n")
    edit(path, "domains:\n", "unverified: [domain weights, general availability]\ndomains:\n")
    edit(path, "weight: 60", "weight: [55, 65]")
    edit(path, "weight: 40", "weight: [35, 45]")
    bundle = check_decks(decks, today=TODAY)
    assert bundle.ok, bundle.faults
    exam = next(exam for exam in bundle.exams if exam.id == "alpha-one")
    assert exam.status == "active"
    assert exam.status_note == "beta since 2026-04; general availability unverified"
    assert exam.unverified == ["domain weights", "general availability"]
    assert [d.weight for d in exam.domains] == [60, 40]


def test_practice_blueprint_needs_no_retirement_date(decks: Path) -> None:
    path = decks / "beta" / "beta-one.exam.yaml"
    edit(path, "status: retired\nretired_on: 2025-01-31\n", "status: practice\n")
    bundle = check_decks(decks, today=TODAY)
    assert bundle.ok, bundle.faults
    exam = next(exam for exam in bundle.exams if exam.id == "beta-one")
    assert (exam.status, exam.retired_on) == ("practice", None)


ADVISOR_BLOCK = """level: associate
recommended_experience:
  text: six months of hands-on work
  years: 0.5
price_usd: 150
validity_years: 3
focus: [MLOps, classical ML]
sources:
  level: the vendor's page
  recommended_experience: the vendor's page
  validity_years: the vendor's page
  focus: prep's summary of the domains
unverified: [price_usd]
domains:
"""


def test_advisor_facts_parse_with_sources_or_unverified(decks: Path) -> None:
    path = decks / "alpha" / "alpha-one.exam.yaml"
    edit(path, "domains:\n", ADVISOR_BLOCK)
    bundle = check_decks(decks, today=TODAY)
    assert bundle.ok, bundle.faults
    exam = next(exam for exam in bundle.exams if exam.id == "alpha-one")
    assert (exam.level, exam.price_usd, exam.validity_years) == ("associate", 150, 3)
    assert exam.recommended_experience.years == 0.5
    assert exam.recommended_experience.text == "six months of hands-on work"
    assert exam.focus == ["MLOps", "classical ML"]
    assert exam.sources["level"] == "the vendor's page"
    other = next(exam for exam in bundle.exams if exam.id != "alpha-one")
    assert (other.level, other.recommended_experience, other.price_usd) == (None, None, None)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("level: associate", "level: expert", "level must be one of foundational, associate"),
    ("price_usd: 150", "price_usd: -5", "'price_usd' must be above 0"),
    ("price_usd: 150", "price_usd: cheap", "'price_usd' must be a number"),
    ("validity_years: 3", "validity_years: 0", "'validity_years' must be a whole number >= 1"),
    ("  years: 0.5", "  years: -1", "'years' must be 0 or more"),
    ("  years: 0.5\n", "", "'recommended_experience' is missing 'years'"),
    ("  focus: prep's summary of the domains\n", "",
     "'focus' needs a note under 'sources' or an entry in 'unverified'"),
    ("unverified: [price_usd]\n", "",
     "'price_usd' needs a note under 'sources' or an entry in 'unverified'"),
    ("  level: the vendor's page", "  colour: blue", "unknown key 'colour' in 'sources'"),
])
def test_bad_advisor_facts_name_their_line(decks: Path, old: str, new: str,
                                            message: str) -> None:
    path = decks / "alpha" / "alpha-one.exam.yaml"
    edit(path, "domains:\n", ADVISOR_BLOCK)
    edit(path, old, new)
    found = messages(decks)
    assert any(message in line and line.startswith("alpha-one.exam.yaml:") for line in found), found


def test_shipped_advisor_facts_follow_the_blueprints() -> None:
    exams = {exam.id: exam for exam in check_decks(PROJECT_ROOT / "decks").exams}
    assert (exams["mla-c01"].level, exams["mla-c01"].price_usd) == ("associate", 150)
    assert exams["mla-c01"].recommended_experience.years == 1
    assert exams["mla-c01"].validity_years == 3
    assert (exams["pmle"].level, exams["pmle"].price_usd, exams["pmle"].validity_years) == (
        "professional", 200, 2)
    assert exams["databricks-ml-associate"].recommended_experience.years == 0.5
    assert exams["ai-103"].validity_years == 1
    assert "price_usd" in exams["ai-103"].unverified  # a third-party figure
    assert exams["mls-c01"].successor == "mla-c01"
    assert exams["ai-102"].successor == "ai-103"
