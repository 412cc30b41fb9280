"""Item-writing cues a test-wise candidate exploits, measured over a bank of questions.

Three rules (``prep decks lint`` reports them; decks/README.md states them for authors):

* **A stem asks something.** After dropping trailing whitespace and trailing fenced code
  blocks (the question may introduce code), the stem ends with a question mark (closing
  quotes, brackets or emphasis after it allowed) or its last sentence is an instruction that
  starts with a verb such as "Choose", "Select" or "Put" and ends with "." or ":".
* **No answer-length cue.** Over single-answer questions, the strategy "always pick the k-th
  longest option" (and "the k-th shortest") must not beat chance, the mean of 1/len(options),
  by more than :data:`LENGTH_CUE_POINTS`. Length is the option text's characters with
  whitespace collapsed. Options of equal length share their ranks: a strategy landing on a
  tie picks one of the tied options at random, so a tie of t options that holds the key
  earns 1/t (split credit; a question's credits over all k sum to 1). Rank k is scored over
  the questions with at least k options, against their own chance.
* **No giveaway term.** A distinctive term of the stem (a word of >= 5 letters that is not a
  stop word, or a 2-gram of such words) that also appears in a correct option but in no
  distractor, while the term is rare in the bank (in at most :data:`GIVEAWAY_RARE_ITEMS`
  questions), lets a candidate match words instead of knowing the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from prep.decks.spec import ItemSpec

LENGTH_CUE_POINTS = 5.0  # percentage points above chance
LENGTH_CUE_MINIMUM = 20  # fewer single-answer questions: the figure is printed, not judged
GIVEAWAY_RARE_ITEMS = 3  # a term in more questions than this is common vocabulary
GIVEAWAY_MIN_LETTERS = 5

_CLOSERS = "\"')]*_`»”’ \t\n"
_SENTENCE_END = re.compile(r"(?<=[.?!:])\s+")
# A qualifier real exams put in stems ("MOST cost-effective", "least operational overhead"):
# counted (a figure for authors), not required.
_QUALIFIER = re.compile(
    r"\b(LEAST|MOST|BEST|FEWEST|LOWEST|FASTEST)\b"
    r"|\b(least|most|best|lowest|fewest|minimal|minimum) (operational|cost|effort|development|"
    r"management|administrative|latency|amount|overhead|custom|code|changes|expensive|"
    r"efficient|effective|secure|scalable|appropriate|suitable|direct|reliable|setup|"
    r"configuration|rework|additional|rewriting|likely|fit|fix)")
INSTRUCTION_VERBS = frozenset({
    "choose", "select", "pick", "identify", "put", "order", "arrange", "rank", "match",
    "complete", "fill", "name", "give", "determine", "indicate", "list", "drag",
})


def _strip_trailing_code(text: str) -> str:
    """The text without the fenced code blocks that end it (line by line: fences pair up)."""
    lines = text.rstrip().split("\n")
    while lines and lines[-1].strip() in ("```", "~~~"):
        fence = lines[-1].strip()
        opener = next((i for i in range(len(lines) - 2, -1, -1)
                       if lines[i].lstrip().startswith(fence)), None)
        if opener is None:
            break
        lines = "\n".join(lines[:opener]).rstrip().split("\n")
    return "\n".join(lines)


def stem_asks(stem: str) -> bool:
    """True when the stem ends with a question or an instruction (see the module rules)."""
    text = _strip_trailing_code(stem).rstrip(_CLOSERS)
    if text.endswith("?"):
        return True
    if not text.endswith((".", ":")):
        return False
    last = _SENTENCE_END.split(text[:-1])[-1].lstrip("(*_\"' ")
    first_word = re.match(r"[A-Za-z]+", last)
    return first_word is not None and first_word.group(0).lower() in INSTRUCTION_VERBS


def has_qualifier(stem: str) -> bool:
    """True when the stem carries a qualifier such as MOST or "least operational overhead"."""
    return bool(_QUALIFIER.search(stem))


# --- length cue -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RankScore:
    """The score of "always pick the option of this length rank" over some questions."""

    rank: int  # 1 = longest (or shortest, for the from-shortest strategies)
    questions: int
    score: float  # mean credit, 0-1
    chance: float  # mean of 1/len(options) over the same questions

    @property
    def excess_points(self) -> float:
        """How far the strategy beats chance, in percentage points."""
        return 100 * (self.score - self.chance)


@dataclass(frozen=True)
class LengthCue:
    """Every length-rank strategy's score over a set of single-answer questions."""

    questions: int
    chance: float
    longest: list[RankScore]  # rank 1 = always the longest option
    shortest: list[RankScore]  # rank 1 = always the shortest option
    mixed_sizes: bool  # questions differ in option count (from-shortest ranks differ)

    def worst(self) -> tuple[str, RankScore] | None:
        """The strategy that beats chance by the most, and its name ("2nd longest")."""
        scored = [(_strategy(rank.rank, "longest"), rank) for rank in self.longest]
        if self.mixed_sizes:
            scored += [(_strategy(rank.rank, "shortest"), rank) for rank in self.shortest]
        else:  # with n options each, the k-th longest is the (n+1-k)-th shortest
            scored = [(_strategy(len(self.longest) + 1 - rank.rank, "shortest")
                       if 2 * rank.rank > len(self.longest) + 1 else name, rank)
                      for name, rank in scored]
        return max(scored, key=lambda pair: pair[1].excess_points, default=None)

    def describe(self) -> str:
        """One line of figures, e.g. ``k-th longest 1:22.0% 2:38.0% ...``."""
        if not self.questions:
            return "no single-answer questions"
        parts = [f"{self.questions} single-answer questions, chance {self.chance:.1%}",
                 "k-th longest " + " ".join(f"{r.rank}:{r.score:.1%}" for r in self.longest)]
        if self.mixed_sizes:
            parts.append("k-th shortest " + " ".join(f"{r.rank}:{r.score:.1%}"
                                                     for r in self.shortest))
        return "; ".join(parts)


def _strategy(rank: int, direction: str) -> str:
    ordinal = {1: "", 2: "2nd ", 3: "3rd "}.get(rank, f"{rank}th ")
    return f"{ordinal}{direction}"


def _option_length(text: str) -> int:
    return len(" ".join(text.split()))


def _rank_credits(question: ItemSpec) -> list[float]:
    """Credit of "pick the k-th longest" for k = 1..n, ties sharing their ranks."""
    lengths = [_option_length(option.text) for option in question.options or ()]
    correct = (question.correct or [""])[0]  # a checked question has one
    key_length = lengths[[o.key for o in question.options or ()].index(correct)]
    ordered = sorted(lengths, reverse=True)
    tied = lengths.count(key_length)
    return [1 / tied if length == key_length else 0.0 for length in ordered]


def _rank_scores(credits: list[list[float]]) -> list[RankScore]:
    scores = []
    for rank in range(1, max((len(c) for c in credits), default=0) + 1):
        having = [c for c in credits if len(c) >= rank]
        scores.append(RankScore(rank, len(having), sum(c[rank - 1] for c in having) / len(having),
                                sum(1 / len(c) for c in having) / len(having)))
    return scores


def length_cue(questions: Iterable[ItemSpec]) -> LengthCue:
    """Scores of the length-rank strategies over the single-answer ``questions``."""
    credits = [_rank_credits(q) for q in questions if q.options and len(q.correct or ()) == 1]
    chance = sum(1 / len(c) for c in credits) / len(credits) if credits else 0.0
    return LengthCue(len(credits), chance, _rank_scores(credits),
                     _rank_scores([list(reversed(c)) for c in credits]),
                     len({len(c) for c in credits}) > 1)


# --- giveaway terms -------------------------------------------------------------------------

_STOP_WORDS_TEXT = """
about above after again against because before being below between both could does doing
during each either every first from further having here itself just large least lower many
might more most much must never other ought ourselves over same should since some small still
such than that their theirs them themselves then there these they this those through under
until using very what when where which while whose will with within without would your yours
yourself among another always cannot instead whether rather across along already also based
given makes other model models option options team teams needs wants wanted company data
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_TERM_WORD = re.compile(r"[a-z][a-z0-9]*")


def _normal(word: str) -> str:
    """A lowercase word with a plural ``s`` dropped, so "endpoints" matches "endpoint"."""
    plural = len(word) > 5 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
    return word[:-1] if plural else word


def _terms(text: str) -> set[str]:
    words = [_normal(w) for w in _TERM_WORD.findall(text.lower())]
    useful = [w if len(w) >= GIVEAWAY_MIN_LETTERS and w not in STOP_WORDS else None
              for w in words]
    terms = {w for w in useful if w}
    terms.update(f"{a} {b}" for a, b in pairwise(useful)
                 if a and b and a != b)
    return terms


def giveaways(questions: list[ItemSpec]) -> dict[str, list[str]]:
    """For each question uid, the rare stem terms found in a correct option and no distractor."""
    texts = {q.uid: (_terms(q.prompt), {o.key: _terms(o.text) for o in q.options or ()})
             for q in questions}
    frequency: Counter[str] = Counter()
    for stem, options in texts.values():
        frequency.update(stem.union(*options.values()))
    found: dict[str, list[str]] = {}
    for question in questions:
        stem, options = texts[question.uid]
        correct = set(question.correct or ())
        in_keys = set().union(*(terms for key, terms in options.items() if key in correct))
        in_distractors = set().union(*(t for key, t in options.items() if key not in correct))
        terms = sorted(term for term in stem & in_keys - in_distractors
                       if frequency[term] <= GIVEAWAY_RARE_ITEMS)
        # A 2-gram adds nothing when one of its words is already reported.
        words = {term for term in terms if " " not in term}
        terms = [t for t in terms if " " not in t or not words & set(t.split())]
        if terms:
            found[question.uid] = terms
    return found
