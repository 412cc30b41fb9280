"""Content quality checks beyond validity: what ``prep decks lint`` reports.

Findings (each ``path:line: message``; any makes the lint fail): near-duplicate questions or
flashcards across the whole bank, "all/none of the above", options repeated within a
question, stems that ask nothing, stems that give the answer away, an answer-length cue in a
track or exam (see :mod:`prep.decks.cues`), too few multiple-response questions where the
exam uses them, domain shares of a track's questions (every answerable kind) off the
blueprint weight, counts below the track's targets, and the kind rules of
:mod:`prep.decks.kind_lint` (too few of a kind for two forms, short explanations). Warnings
(printed, never failing): items whose facts were not checked in the last 12 months.
Figures: per track and exam, the numbers behind the rules.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from prep.decks.cues import (
    LENGTH_CUE_MINIMUM,
    LENGTH_CUE_POINTS,
    LengthCue,
    giveaways,
    has_qualifier,
    length_cue,
    stem_asks,
)
from prep.decks.currency import is_stale, stale_before, summarise_checked
from prep.decks.kind_lint import explanation_findings, kind_figures, kind_findings
from prep.decks.source import Fault
from prep.decks.spec import DeckBundle, ExamSpec, ItemSpec, TrackSpec
from prep.models.content import ANSWERABLE_KINDS, CARD, MATCHING, ORDERING, QUESTION

NEAR_DUPLICATE = 0.5  # Jaccard similarity of word 3-grams
MULTIPLE_RESPONSE_MINIMUM = 0.15
DOMAIN_SHARE_TOLERANCE = 5.0  # percentage points
_COMMON_SHINGLE = 60  # shingles shared by more items than this are boilerplate, not evidence
_ABOVE = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _words(text)
    return frozenset(tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2)))


def _comparable_text(item: ItemSpec) -> str:
    """Stems are long enough alone; a card is its front and back together; an ordering or
    matching item its stem with its steps or prompts and answers (stems alike are common)."""
    if item.kind == CARD:
        return f"{item.prompt}\n{item.answer_text}"
    if item.kind in (ORDERING, MATCHING):
        return "\n".join([item.prompt, *(entry.text for entry in (item.prompts or [])
                                         + (item.options or []))])
    return item.prompt


def near_duplicates(items: list[ItemSpec]) -> list[tuple[float, ItemSpec, ItemSpec]]:
    """Pairs of same-kind items whose texts share most of their word 3-grams (the
    solutions of one series, or questions of one case, may share theirs)."""
    shingles = [_shingles(_comparable_text(item)) for item in items]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for position, grams in enumerate(shingles):
        for gram in grams:
            index[gram].append(position)
    shared: Counter[tuple[int, int]] = Counter()
    for positions in index.values():
        if len(positions) <= _COMMON_SHINGLE:
            shared.update(combinations(positions, 2))
    pairs = []
    for (left, right), count in shared.items():
        if items[left].kind != items[right].kind or (
                items[left].group is not None and items[left].group is items[right].group):
            continue
        similarity = count / (len(shingles[left]) + len(shingles[right]) - count)
        if similarity >= NEAR_DUPLICATE:
            pairs.append((similarity, items[left], items[right]))
    return sorted(pairs, key=lambda pair: (pair[1].path, pair[1].line))


def _question_findings(item: ItemSpec) -> list[Fault]:
    findings = []
    if not stem_asks(item.prompt):
        findings.append(Fault(item.path, item.line,
                              f"{item.uid}: the stem asks nothing: end it with a question "
                              "or an instruction (\"Which ...?\", \"Choose two.\")"))
    texts: dict[str, str] = {}
    for option in item.options or ():
        if _ABOVE.search(option.text):
            findings.append(Fault(item.path, item.line,
                                  f"{item.uid}: option {option.key!r} is an 'all/none of the "
                                  "above' option"))
        # Case, spacing and a final full stop do not make an option different; code does.
        normalised = " ".join(option.text.lower().split()).rstrip(".")
        if normalised in texts:
            findings.append(Fault(item.path, item.line,
                                  f"{item.uid}: option {option.key!r} repeats option "
                                  f"{texts[normalised]!r}"))
        texts.setdefault(normalised, option.key)
        if len(_words(option.explanation)) < 3:
            findings.append(Fault(item.path, item.line,
                                  f"{item.uid}: explanation of option {option.key!r} is too "
                                  "short to teach anything"))
    return findings


def _track_findings(track: TrackSpec, exam: ExamSpec, items: list[ItemSpec],
                    targets: dict[str, int]) -> list[Fault]:
    findings = []
    answerable = [item for item in items if item.kind in ANSWERABLE_KINDS]
    cards = sum(item.kind == CARD for item in items)
    for kind, have in (("flashcards", cards), ("questions", len(answerable))):
        if have < targets.get(kind, 0):
            findings.append(Fault(track.path, track.line,
                                  f"{track.id}: {have} {kind}, below the target of "
                                  f"{targets[kind]}"))
    serving = [q for q in answerable if exam.id in q.domains]
    choice = [q for q in serving if q.kind == QUESTION]
    multi = sum(len(q.correct or ()) > 1 for q in choice)
    if exam.multiple_response and choice and multi / len(choice) < MULTIPLE_RESPONSE_MINIMUM:
        findings.append(Fault(exam.path, exam.line,
                              f"{exam.id}: {multi}/{len(choice)} multiple-response questions, "
                              f"below {MULTIPLE_RESPONSE_MINIMUM:.0%}"))
    if not exam.multiple_response:
        findings.extend(
            Fault(q.path, q.line, f"{q.uid}: multiple-response question for {exam.id}, "
                                  "which uses single-answer questions only")
            for q in choice if len(q.correct or ()) > 1
        )
    if serving:  # every answerable kind counts in its domain, as a form scores it
        counts = Counter(q.domains[exam.id] for q in serving)
        for domain in exam.domains:
            share = 100 * counts[domain.number] / len(serving)
            if abs(share - domain.weight) > DOMAIN_SHARE_TOLERANCE:
                findings.append(Fault(exam.path, exam.line,
                                      f"{exam.id}: domain {domain.number} has {share:.1f}% of "
                                      f"the questions, blueprint weight {domain.weight:.1f}%"))
    return findings


def _length_cue_finding(name: str, path: str, line: int, cue: LengthCue) -> Fault | None:
    worst = cue.worst()
    if cue.questions < LENGTH_CUE_MINIMUM or worst is None:
        return None
    strategy, rank = worst
    if rank.excess_points <= LENGTH_CUE_POINTS:
        return None
    return Fault(path, line, f"{name}: always picking the {strategy} option scores "
                             f"{rank.score:.1%} on {rank.questions} single-answer questions, "
                             f"chance {rank.chance:.1%} (more than {LENGTH_CUE_POINTS:g} "
                             "points over): an answer-length cue")


@dataclass
class LintReport:
    """What the linter found: findings fail the lint, warnings and figures are printed."""

    findings: list[Fault] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stale: list[Fault] = field(default_factory=list)  # each item behind a currency warning
    figures: list[str] = field(default_factory=list)


def _track_figures(track: TrackSpec, items: list[ItemSpec], exams: list[ExamSpec],
                   flagged: dict[str, list[str]], today: date | None,
                   report: LintReport) -> None:
    """Length cue of the track and each of its exams, stems, giveaways and currency."""
    questions = [item for item in items if item.kind == QUESTION]
    groups = [(track.id, track.path, track.line, questions)] + [
        (exam.id, exam.path, exam.line, [q for q in questions if exam.id in q.domains])
        for exam in exams
    ]
    for name, path, line, group in groups:
        cue = length_cue(group)
        report.figures.append(f"{name}: length cue: {cue.describe()}")
        if finding := _length_cue_finding(name, path, line, cue):
            report.findings.append(finding)
    asking = sum(stem_asks(q.prompt) for q in questions)
    report.figures.append(
        f"{track.id}: {len(questions) - asking}/{len(questions)} stems ask nothing; "
        f"{sum(q.uid in flagged for q in questions)} stems give the answer away; "
        f"{sum(has_qualifier(q.prompt) for q in questions)} carry a qualifier (MOST, LEAST...)")
    summary = summarise_checked(item.checked for item in items)
    report.figures.append(
        f"{track.id}: checked newest {summary.newest or '-'}, median {summary.median or '-'}, "
        f"oldest {summary.oldest or '-'}; {summary.unchecked}/{summary.items} items unchecked")
    if today is None:
        return
    stale = [item for item in items if is_stale(item.checked, today)]
    if stale:
        report.warnings.append(
            f"{track.id}: {len(stale)}/{len(items)} items not checked since "
            f"{stale_before(today)} ({sum(item.checked is None for item in stale)} never)")
    report.stale.extend(
        Fault(item.path, item.line, f"{item.uid}: " + (
            f"checked {item.checked}, more than 12 months ago" if item.checked
            else "no 'checked' month")) for item in stale)


def lint_report(bundle: DeckBundle, today: date | None = None) -> LintReport:
    """Findings, currency warnings (when ``today`` is given) and figures for a valid bundle."""
    flagged = giveaways([item for item in bundle.items if item.kind == QUESTION])
    report = LintReport(findings=_bank_findings(bundle, flagged))
    for track in bundle.tracks:
        items = [item for item in bundle.items if item.deck_slug.startswith(f"{track.id}/")]
        exams = [exam for exam in bundle.exams if exam.track == track.id]
        _track_figures(track, items, exams, flagged, today, report)
    for exam in bundle.exams:
        if exam.kinds:
            report.findings.extend(kind_findings(exam, bundle.items))
            report.figures.extend(kind_figures(exam, bundle.items))
    report.findings.sort(key=lambda fault: (fault.path, fault.line, fault.message))
    return report


def lint_bundle(bundle: DeckBundle) -> list[Fault]:
    """Every quality finding in a valid bundle, sorted by file and line."""
    return lint_report(bundle).findings


def _bank_findings(bundle: DeckBundle, flagged: dict[str, list[str]]) -> list[Fault]:
    findings: list[Fault] = []
    for similarity, first, second in near_duplicates(bundle.items):
        findings.append(Fault(second.path, second.line,
                              f"{second.uid} nearly duplicates {first.uid} at "
                              f"{first.path}:{first.line} ({similarity:.0%} alike)"))
    for item in bundle.items:
        if item.kind == QUESTION:
            findings.extend(_question_findings(item))
        findings.extend(explanation_findings(item))
        if item.uid in flagged:
            terms = ", ".join(repr(term) for term in flagged[item.uid])
            findings.append(Fault(item.path, item.line,
                                  f"{item.uid}: the stem and a correct option share {terms}, "
                                  "which no distractor has: the stem gives the answer away"))
    exams = {exam.id: exam for exam in bundle.exams}
    for track in bundle.tracks:
        items = [item for item in bundle.items if item.deck_slug.startswith(f"{track.id}/")]
        findings.extend(_track_findings(track, exams[track.primary_exam], items, track.targets))
    return findings
