"""The advisor's recommendation for a table of profiles, on the shipped exam files."""

from __future__ import annotations

import pytest

from prep.config import PROJECT_ROOT
from prep.decks.check import check_decks
from prep.skills.advisor import ExamFacts, Profile, is_goal, recommend

EXAMS = [ExamFacts.from_spec(spec) for spec in check_decks(PROJECT_ROOT / "decks").exams]
GAPS = {"foundations:1": "gap", "foundations:2": "strong", "foundations:4": "working"}
STRONG = {"foundations:1": "strong", "foundations:2": "strong"}


@pytest.mark.parametrize(("cloud", "years", "lean", "levels", "goal", "first"), [
    ("aws", 1, "classical", {}, "mla-c01", False),
    ("aws", 5, "deep", STRONG, "mla-c01", False),       # never the retired MLS-C01
    ("aws", 0, "both", {}, "mla-c01", True),
    ("azure", 2, "both", {}, "ai-103", False),          # never the retired AI-102
    ("azure", 0.5, "deep", GAPS, "ai-103", True),
    ("gcp", 3, "deep", STRONG, "pmle", False),
    ("gcp", 1, "classical", {}, "pmle", False),
    ("databricks", 1, "classical", {}, "databricks-ml-associate", False),
    ("databricks", 0.5, "classical", GAPS, "databricks-ml-associate", True),
    ("none", 0, "classical", {}, "databricks-ml-associate", True),
    ("none", 0.5, "deep", {}, "databricks-ml-associate", True),
    ("none", 4, "deep", STRONG, "pmle", False),
    ("none", 2, "classical", STRONG, "mla-c01", False),  # a tie: the cheaper exam
])
def test_profiles(cloud: str, years: float, lean: str, levels: dict[str, str], goal: str,
                  first: bool) -> None:
    advice = recommend(Profile(cloud, years, lean), EXAMS, levels)
    assert advice.goal is not None
    assert advice.goal.id == goal
    assert advice.foundations_first is first
    assert advice.goal.status in ("active", "retiring")
    assert advice.tracks == (["foundations"] if first else []) + [advice.goal.track_id]
    if levels == GAPS:
        assert advice.foundation_areas == ["foundations:1"]


def test_retired_and_closed_exams_are_never_a_goal() -> None:
    goals = {exam.id for exam in EXAMS if is_goal(exam)}
    assert goals == {"mla-c01", "pmle", "ai-103", "databricks-ml-associate"}
    for cloud in ("aws", "gcp", "azure", "databricks", "none"):
        for lean in ("deep", "classical", "both"):
            for years in (0, 1, 3, 10):
                assert recommend(Profile(cloud, years, lean), EXAMS, {}).goal.id in goals


def test_deep_learning_lean_points_to_the_closed_tensorflow_track_for_practice() -> None:
    advice = recommend(Profile("none", 2, "deep"), EXAMS, {})
    assert [exam.id for exam in advice.practice] == ["tf-developer"]
    assert recommend(Profile("none", 2, "classical"), EXAMS, {}).practice == []


def test_reasons_come_from_the_exam_files() -> None:
    advice = recommend(Profile("azure", 0.5, "deep"), EXAMS, {"ai-103": "gap"})
    text = " ".join(advice.reasons)
    assert "Status: active (beta from April 2026" in text
    assert "It replaces AI-102, retired on 2026-06-30." in text
    assert "Level: associate." in text
    assert "Cost: USD 165 (unverified)." in text
    assert "Valid 1 year before renewal." in text
    assert "50 questions in 100 minutes" in text
    assert "basics at: gap" in text
    aws = " ".join(recommend(Profile("aws", 0.5, "both"), EXAMS, {}).reasons)
    assert "at least one year of hands-on ML engineering" in aws
    assert "you have 0.5. Allow extra time" in aws
    assert "Cost: USD 150." in aws and "Valid 3 years" in aws


@pytest.mark.parametrize(("cloud", "years", "lean"), [
    ("mars", 1, "deep"), ("aws", -1, "deep"), ("aws", 1, "quantum"), ("aws", 99, "deep"),
])
def test_bad_profiles_are_refused(cloud: str, years: float, lean: str) -> None:
    with pytest.raises(ValueError):
        Profile(cloud, years, lean)
