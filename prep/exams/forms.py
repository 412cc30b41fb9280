"""Drawing a form's item kinds: ordering and matching items, whole case-study sets and whole
yes/no series, each member counted in its own domain's share of the form.

Sets are drawn first (they are the least flexible), then single ordering and matching items;
an item or set is taken only if every member fits in what its domain's share has left, fresh
ones (none of whose members the user saw lately) first. A case study whose section locks
(``FormKinds.case_locks``) is kept apart, to be placed at the end of the form.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from prep.exams.pools import ExamPools
from prep.exams.vocabulary import FormKinds
from prep.models import CASE, MATCHING, ORDERING, SERIES


@dataclass
class KindDraw:
    """The kind items of a form, as units whose members stay together in group order."""

    units: list[list[int]] = field(default_factory=list)  # placed among the questions
    last: list[list[int]] = field(default_factory=list)  # at the end: locking case studies
    per_domain: Counter[int] = field(default_factory=Counter)  # members per domain id
    notes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many questions of the form these are (every member counts)."""
        return sum(len(unit) for unit in self.units + self.last)


# A candidate: its members (one for a single item) and each member's domain id.
Candidate = tuple[tuple[int, ...], tuple[int, ...]]


def in_scope(pools: ExamPools, domain_ids: Collection[int],
             allowed: set[int] | None) -> dict[str, list[Candidate]]:
    """The candidates of each kind a form may draw: all their members in the chosen domains
    and, for a quiz on missed or flagged items (``allowed``), a member among those."""
    def fits(members: tuple[int, ...], domains: tuple[int, ...]) -> bool:
        return all(d in domain_ids for d in domains) and (
            allowed is None or any(m in allowed for m in members))

    candidates: dict[str, list[Candidate]] = {}
    for kind, by_domain in pools.singles.items():
        candidates[kind] = [((item_id,), (domain_id,)) for domain_id, ids in by_domain.items()
                            for item_id in ids if fits((item_id,), (domain_id,))]
    for kind, sets in pools.sets.items():
        candidates[kind] = [(s.members, s.domains) for s in sets if fits(s.members, s.domains)]
    return candidates


def _fresh_first(candidates: list[Candidate], seen: set[int],
                 rng: random.Random) -> list[Candidate]:
    fresh = [c for c in candidates if not any(m in seen for m in c[0])]
    stale = [c for c in candidates if any(m in seen for m in c[0])]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    return fresh + stale


def draw_kinds(candidates: dict[str, list[Candidate]], form: FormKinds, quota: dict[int, int],
               seen: set[int], rng: random.Random, *, explain: bool) -> KindDraw:
    """The form's kind items within the domains' shares (``quota`` by domain id); with
    ``explain``, a note for each kind the bank could not supply in full."""
    left = Counter(quota)
    draw = KindDraw()
    for kind, wanted, name in ((CASE, form.case_sets, "case-study sets"),
                               (SERIES, form.series_sets, "yes/no series"),
                               (ORDERING, form.ordering, "ordering items"),
                               (MATCHING, form.matching, "matching items")):
        if wanted <= 0:
            continue
        taken = 0
        for members, domains in _fresh_first(candidates.get(kind, []), seen, rng):
            if taken == wanted:
                break
            need = Counter(domains)
            if any(left[domain] < count for domain, count in need.items()):
                continue  # its domains' shares are full: another may fit
            left.subtract(need)
            draw.per_domain.update(need)
            locks = kind == CASE and form.case_locks
            (draw.last if locks else draw.units).append(list(members))
            taken += 1
        if taken < wanted and explain:
            draw.notes.append(f"This form has {taken} of the exam's {wanted} {name}: the bank "
                              "has too few for the domains' shares, so questions take their "
                              "place.")
    return draw
