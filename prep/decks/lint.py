"""Content quality checks beyond validity: what ``prep decks lint`` reports.

Findings (each ``path:line: message``): near-duplicate questions or flashcards across the
whole bank, "all/none of the above", options repeated within a question, a correct option
that is the longest one too often in a track (a giveaway), too few multiple-response
questions where the exam uses them, domain shares of a track's questions off the blueprint
weight, and counts below the track's targets.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import combinations

from prep.decks.source import Fault
from prep.decks.spec import DeckBundle, ExamSpec, ItemSpec, TrackSpec

NEAR_DUPLICATE = 0.5  # Jaccard similarity of word 3-grams
LONGEST_CORRECT_LIMIT = 0.40
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
    """Stems are long enough alone; a card is its front and back together."""
    return item.prompt if item.kind == "question" else f"{item.prompt}\n{item.answer_text}"


def near_duplicates(items: list[ItemSpec]) -> list[tuple[float, ItemSpec, ItemSpec]]:
    """Pairs of same-kind items whose texts share most of their word 3-grams."""
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
        if items[left].kind != items[right].kind:
            continue
        similarity = count / (len(shingles[left]) + len(shingles[right]) - count)
        if similarity >= NEAR_DUPLICATE:
            pairs.append((similarity, items[left], items[right]))
    return sorted(pairs, key=lambda pair: (pair[1].path, pair[1].line))


def _question_findings(item: ItemSpec) -> list[Fault]:
    findings = []
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
    questions = [item for item in items if item.kind == "question"]
    cards = len(items) - len(questions)
    for kind, have in (("flashcards", cards), ("questions", len(questions))):
        if have < targets.get(kind, 0):
            findings.append(Fault(track.path, track.line,
                                  f"{track.id}: {have} {kind}, below the target of "
                                  f"{targets[kind]}"))
    single = [(q.options, q.correct[0]) for q in questions
              if q.options and q.correct and len(q.correct) == 1]
    longest = len([1 for options, correct in single
                   if max(options, key=lambda option: len(option.text)).key == correct])
    if single and longest / len(single) > LONGEST_CORRECT_LIMIT:
        findings.append(Fault(track.path, track.line,
                              f"{track.id}: the correct option is the longest in "
                              f"{longest}/{len(single)} single-answer questions (over "
                              f"{LONGEST_CORRECT_LIMIT:.0%}): a giveaway"))
    serving = [q for q in questions if exam.id in q.domains]
    multi = sum(len(q.correct or ()) > 1 for q in serving)
    if exam.multiple_response and serving and multi / len(serving) < MULTIPLE_RESPONSE_MINIMUM:
        findings.append(Fault(exam.path, exam.line,
                              f"{exam.id}: {multi}/{len(serving)} multiple-response questions, "
                              f"below {MULTIPLE_RESPONSE_MINIMUM:.0%}"))
    if not exam.multiple_response:
        findings.extend(
            Fault(q.path, q.line, f"{q.uid}: multiple-response question for {exam.id}, "
                                  "which uses single-answer questions only")
            for q in serving if len(q.correct or ()) > 1
        )
    if serving:
        counts = Counter(q.domains[exam.id] for q in serving)
        for domain in exam.domains:
            share = 100 * counts[domain.number] / len(serving)
            if abs(share - domain.weight) > DOMAIN_SHARE_TOLERANCE:
                findings.append(Fault(exam.path, exam.line,
                                      f"{exam.id}: domain {domain.number} has {share:.1f}% of "
                                      f"the questions, blueprint weight {domain.weight:.1f}%"))
    return findings


def lint_bundle(bundle: DeckBundle) -> list[Fault]:
    """Every quality finding in a valid bundle, sorted by file and line."""
    findings: list[Fault] = []
    for similarity, first, second in near_duplicates(bundle.items):
        findings.append(Fault(second.path, second.line,
                              f"{second.uid} nearly duplicates {first.uid} at "
                              f"{first.path}:{first.line} ({similarity:.0%} alike)"))
    for item in bundle.items:
        if item.kind == "question":
            findings.extend(_question_findings(item))
    exams = {exam.id: exam for exam in bundle.exams}
    for track in bundle.tracks:
        items = [item for item in bundle.items if item.deck_slug.startswith(f"{track.id}/")]
        findings.extend(_track_findings(track, exams[track.primary_exam], items, track.targets))
    return sorted(findings, key=lambda fault: (fault.path, fault.line, fault.message))
