"""Lint rules for the item kinds beyond single and multiple choice.

* **Enough for two forms.** For an exam whose file lists ``kinds``, the bank must hold at
  least :data:`FORMS` times what one form draws: standalone ordering and matching items
  (``per_form``), case studies and yes/no series (``sets``) with a member serving the exam.
* **Explanations that teach.** An ordering's and a yes/no solution's explanation, and each
  matching prompt's, has at least three words (as an option's must).
* **Figures.** Per domain of such an exam: how many items of each answerable kind serve
  it, and how many of them belong to case studies, beside the blueprint weight.
"""

from __future__ import annotations

import re
from collections import Counter

from prep.decks.source import Fault
from prep.decks.spec import ExamSpec, ItemSpec
from prep.models.content import (
    ANSWERABLE_KINDS,
    CASE,
    MATCHING,
    ORDERING,
    QUESTION,
    SERIES,
    YESNO,
)

FORMS = 2  # forms a bank must fill without drawing an item of a kind twice
EXPLANATION_WORDS = 3
_WORDS = re.compile(r"[a-z0-9]+")
# The exam file's kind -> what it counts in the bank, in words.
_KIND_LABELS = {"ordering": "ordering items", "matching": "matching items",
                "case-study": "case studies", "yes-no": "yes/no series"}


def bank_counts(exam: ExamSpec, items: list[ItemSpec]) -> dict[str, int]:
    """Per kind of the exam file, how many the bank holds for ``exam``: ordering and
    matching items outside case studies, and groups with a member serving the exam."""
    serving = [item for item in items if exam.id in item.domains]
    alone = Counter(item.kind for item in serving if item.group is None)
    groups = {(item.group.kind, item.group.uid) for item in serving if item.group is not None}
    return {"ordering": alone[ORDERING], "matching": alone[MATCHING],
            "case-study": sum(kind == CASE for kind, _ in groups),
            "yes-no": sum(kind == SERIES for kind, _ in groups)}


def kind_findings(exam: ExamSpec, items: list[ItemSpec]) -> list[Fault]:
    """A finding at the exam file for each kind the bank holds too few of for two forms."""
    findings = []
    have = bank_counts(exam, items)
    for kind, settings in (exam.kinds or {}).items():
        count = settings["per_form"] if "per_form" in settings else settings["sets"]
        if have[kind] < FORMS * count:
            findings.append(Fault(exam.path, exam.kinds_lines.get(kind, exam.line),
                                  f"{exam.id}: {have[kind]} {_KIND_LABELS[kind]}, fewer than "
                                  f"the {FORMS * count} that {FORMS} forms draw ({count} per "
                                  "form)"))
    return findings


def kind_figures(exam: ExamSpec, items: list[ItemSpec]) -> list[str]:
    """Per domain: the weight, each answerable kind's count, and how many are in cases."""
    serving = [item for item in items
               if item.kind in ANSWERABLE_KINDS and exam.id in item.domains]
    lines = []
    labels = ((QUESTION, "questions"), (ORDERING, "ordering"), (MATCHING, "matching"),
              (YESNO, "yes/no"))
    for domain in exam.domains:
        mine = [item for item in serving if item.domains[exam.id] == domain.number]
        kinds = Counter(item.kind for item in mine)
        in_cases = sum(item.group is not None and item.group.kind == CASE for item in mine)
        lines.append(f"{exam.id}: domain {domain.number} (weight {domain.weight:.1f}%): "
                     + ", ".join(f"{kinds[kind]} {label}" for kind, label in labels)
                     + f"; {in_cases} in case studies")
    have = bank_counts(exam, items)
    lines.append(f"{exam.id}: kinds in the bank: " + ", ".join(
        f"{have[kind]} {_KIND_LABELS[kind]}" for kind in (exam.kinds or {})))
    return lines


def _teaches(text: str | None) -> bool:
    return len(_WORDS.findall((text or "").lower())) >= EXPLANATION_WORDS


def explanation_findings(item: ItemSpec) -> list[Fault]:
    """Explanations of an ordering, matching or yes/no item too short to teach anything."""
    short = []
    if item.kind in (ORDERING, YESNO) and not _teaches(item.explanation):
        short.append("explanation")
    short += [f"explanation of prompt {prompt.key!r}" for prompt in item.prompts or ()
              if not _teaches(prompt.explanation)]
    return [Fault(item.path, item.line, f"{item.uid}: {what} is too short to teach anything")
            for what in short]
