"""The certification advisor: which exam to aim for and why, from the exam files' facts.

``recommend`` is pure: it takes the user's profile, the exams' facts and the latest skills
check levels. Only exams still taken (active or retiring) are ever a goal; a retired or
closed exam's track may be offered for practice. The facts are those of the exam files
(``prep decks check`` makes sure each has a source note or is marked unverified).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prep.decks.spec import ExamSpec
from prep.models import Exam

TAKEN = ("active", "retiring")
# Where the user works, and the track of prep that prepares for that cloud's exams.
CLOUDS = {
    "aws": ("AWS", "sagemaker"),
    "gcp": ("Google Cloud", "vertex-ai"),
    "azure": ("Azure", "azure-ai"),
    "databricks": ("Databricks", "mlflow"),
    "none": ("None yet", None),
}
LEANS = {"deep": "deep learning", "classical": "classical ML", "both": None}
FOUNDATIONS = "foundations"
# Without a skills check, less hands-on experience than this sends the user to the
# foundations first.
FOUNDATIONS_BELOW_YEARS = 1.0
UNKNOWN_EXPERIENCE_PENALTY = 0.5  # years, when the file states no recommended experience


@dataclass(frozen=True)
class ExamFacts:
    """What the advisor knows of one exam, from its file."""

    id: str
    track_id: str
    code: str
    name: str
    status: str
    is_primary: bool
    questions: int
    minutes: int
    status_note: str | None = None
    successor_id: str | None = None
    retired_on: Any = None
    level: str | None = None
    experience_text: str | None = None
    experience_years: float | None = None
    price_usd: float | None = None
    validity_years: int | None = None
    focus: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    emphasis: tuple[tuple[str, float], ...] = ()  # the heaviest domains with their weights

    @classmethod
    def from_row(cls, exam: Exam) -> ExamFacts:
        """From a loaded exam row (its ``facts`` JSON)."""
        facts = exam.facts or {}
        experience = facts.get("recommended_experience") or {}
        return cls(
            id=exam.id, track_id=exam.track_id, code=exam.code, name=exam.name,
            status=exam.status, is_primary=exam.is_primary, questions=exam.question_count,
            minutes=exam.minutes, status_note=exam.status_note, successor_id=exam.successor_id,
            retired_on=exam.retired_on, level=facts.get("level"),
            experience_text=experience.get("text"), experience_years=experience.get("years"),
            price_usd=facts.get("price_usd"), validity_years=facts.get("validity_years"),
            focus=tuple(facts.get("focus") or ()), unverified=tuple(exam.unverified or ()),
            emphasis=_heaviest((d.name, d.weight) for d in exam.domains),
        )

    @classmethod
    def from_spec(cls, spec: ExamSpec) -> ExamFacts:
        """From an exam file as parsed by ``prep.decks.check``."""
        experience = spec.recommended_experience
        return cls(
            id=spec.id, track_id=spec.track, code=spec.code, name=spec.name,
            status=spec.status, is_primary=spec.is_primary, questions=spec.questions,
            minutes=spec.minutes, status_note=spec.status_note, successor_id=spec.successor,
            retired_on=spec.retired_on, level=spec.level,
            experience_text=experience.text if experience else None,
            experience_years=experience.years if experience else None,
            price_usd=spec.price_usd, validity_years=spec.validity_years,
            focus=tuple(spec.focus), unverified=tuple(spec.unverified),
            emphasis=_heaviest((d.name, d.weight) for d in spec.domains),
        )


def _heaviest(domains: Any) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(domains, key=lambda pair: -pair[1])[:2])


@dataclass(frozen=True)
class Profile:
    """The user's answers: cloud, years of hands-on ML experience, lean."""

    cloud: str
    years: float
    lean: str

    def __post_init__(self) -> None:
        if self.cloud not in CLOUDS:
            raise ValueError(f"Choose a cloud: {', '.join(CLOUDS)}.")
        if self.lean not in LEANS:
            raise ValueError("Choose deep learning, classical methods or both.")
        if not 0 <= self.years <= 60:
            raise ValueError("Years of experience must be between 0 and 60.")


@dataclass
class Advice:
    """A goal exam (None when none is taken), why, and what to study first."""

    goal: ExamFacts | None
    reasons: list[str] = field(default_factory=list)
    foundations_first: bool = False
    foundation_areas: list[str] = field(default_factory=list)  # area keys to study first
    practice: list[ExamFacts] = field(default_factory=list)  # retired/closed, practice only

    @property
    def tracks(self) -> list[str]:
        """The tracks the plan studies: the foundations first when advised, then the goal's."""
        chosen = [FOUNDATIONS] if self.foundations_first else []
        if self.goal is not None and self.goal.track_id not in chosen:
            chosen.append(self.goal.track_id)
        return chosen


def is_goal(exam: ExamFacts) -> bool:
    """Whether an exam may be recommended as a goal: a certification still taken."""
    return exam.status in TAKEN and exam.level not in (None, "foundational")


def _fit(exam: ExamFacts, profile: Profile) -> float:
    """Higher is better: the lean's focus matches, little experience is missing."""
    wanted = LEANS[profile.lean]
    score = 1.0 if wanted is not None and wanted in exam.focus else 0.0
    if exam.experience_years is None:
        return score - UNKNOWN_EXPERIENCE_PENALTY
    return score - max(0.0, exam.experience_years - profile.years)


def recommend(profile: Profile, exams: list[ExamFacts], levels: dict[str, str]) -> Advice:
    """The advised goal with its reasons, the foundations to study first and practice tracks."""
    goals = [exam for exam in exams if is_goal(exam)]
    track = CLOUDS[profile.cloud][1]
    in_cloud = [exam for exam in goals if exam.track_id == track]
    pool = in_cloud or goals
    # Ties go to the track's own exam, then to the cheaper one (a price the file gives).
    goal = max(pool, key=lambda e: (_fit(e, profile), e.is_primary,
                                    -(e.price_usd or float("inf")), e.id), default=None)
    advice = Advice(goal=goal)
    foundation_levels = {key: level for key, level in levels.items()
                         if key.startswith(f"{FOUNDATIONS}:")}
    if foundation_levels:
        advice.foundation_areas = [key for key, level in foundation_levels.items()
                                   if level == "gap"]
        advice.foundations_first = bool(advice.foundation_areas)
    else:
        advice.foundations_first = profile.years < FOUNDATIONS_BELOW_YEARS
    wanted = LEANS[profile.lean]
    advice.practice = [exam for exam in exams if exam.status in ("retired", "closed")
                       and exam.is_primary and wanted is not None and wanted in exam.focus]
    if goal is not None:
        advice.reasons = reasons(goal, profile, exams, levels, bool(in_cloud))
    return advice


def reasons(goal: ExamFacts, profile: Profile, exams: list[ExamFacts],
            levels: dict[str, str], matches_cloud: bool) -> list[str]:
    """Why this exam: status, level, experience, length, cost, validity, emphasis."""
    cloud = CLOUDS[profile.cloud][0]
    said = []
    if matches_cloud:
        said.append(f"It is the {cloud} certification that prep's {cloud} track prepares for.")
    elif profile.cloud != "none":
        said.append(f"prep has no certification still taken for {cloud}; this one fits best.")
    else:
        said.append("You have no cloud yet: this one fits your lean and experience best.")
    status = f"Status: {goal.status}" + (f" ({goal.status_note})" if goal.status_note else "")
    said.append(status + ".")
    for old in exams:
        if old.successor_id == goal.id and old.status in ("retired", "closed"):
            said.append(f"It replaces {old.code}, {old.status}"
                        + (f" on {old.retired_on}" if old.retired_on else "") + ".")
    if goal.level:
        said.append(f"Level: {goal.level}.")
    if goal.experience_text is not None:
        line = f"Recommended experience: {goal.experience_text}; you have {profile.years:g}."
        if goal.experience_years is not None and profile.years < goal.experience_years:
            line += " Allow extra time for hands-on practice."
        said.append(line)
    else:
        said.append("The exam file states no recommended experience.")
    said.append(f"Length: prep's mock has {goal.questions} questions in {goal.minutes} minutes.")
    if goal.price_usd is not None:
        unsure = " (unverified)" if "price_usd" in goal.unverified else ""
        said.append(f"Cost: USD {goal.price_usd:g}{unsure}.")
    if goal.validity_years is not None:
        said.append(f"Valid {goal.validity_years} year{'s' if goal.validity_years != 1 else ''}"
                    " before renewal.")
    if goal.focus or goal.emphasis:
        heavy = ", ".join(f"{name} ({weight:g}%)" for name, weight in goal.emphasis)
        said.append(f"Emphasis: {', '.join(goal.focus)}" + (f"; heaviest: {heavy}" if heavy
                                                                else "") + ".")
    basics = levels.get(goal.id)
    if basics:
        said.append(f"Your skills check put its basics at: {basics}.")
    return said
