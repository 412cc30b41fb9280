"""Answers per item kind: the shape an answer must have, and its score from 0 to 1.

Answers are lists of keys (``AttemptQuestion.chosen``): a question's chosen option keys
(sorted), an ordering's step keys in the user's order, a matching's answer key per prompt in
prompt order (``""`` for a prompt not matched yet), a yes/no solution's ``["yes"]`` or
``["no"]``. Pure functions: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence

from prep.exams.vocabulary import BadAnswer, ScoringRule
from prep.models import MATCHING, ORDERING, QUESTION, YESNO, Item

UNMATCHED = ""  # a matching prompt the user has not matched yet
YES_NO_KEYS = ("yes", "no")


def score_answer(kind: str, correct: Sequence[str], chosen: Sequence[str] | None,
                 rule: ScoringRule | str = ScoringRule.ALL_OR_NOTHING) -> float:
    """The answer's score in [0, 1]: 1 only for the exact answer; under the partial rule an
    ordering scores the share of steps in their place and a matching the share of prompts
    matched right (an unmatched prompt never counts). Questions and yes/no: exact or 0."""
    if not chosen or not correct:
        return 0.0
    if kind in (ORDERING, MATCHING):
        if len(chosen) != len(correct):  # not an answer to this item (check_answer refuses it)
            return 0.0
        right = sum(mine == theirs != UNMATCHED
                    for mine, theirs in zip(chosen, correct, strict=True))
        if right == len(correct):
            return 1.0
        return right / len(correct) if rule == ScoringRule.PARTIAL else 0.0
    return 1.0 if set(chosen) == set(correct) else 0.0


def check_answer(item: Item, keys: Sequence[str]) -> list[str]:
    """The answer to store for ``keys`` (normalised), or BadAnswer saying what is wrong."""
    options = [option["key"] for option in item.options or ()]
    if item.kind == ORDERING:
        if sorted(keys) != sorted(options):
            raise BadAnswer(f"Put all {len(options)} steps in an order, each step once.")
        return list(keys)
    if item.kind == MATCHING:
        prompts = item.prompts or ()
        if len(keys) != len(prompts):
            raise BadAnswer(f"Give one answer for each of the {len(prompts)} prompts "
                            "(leave a prompt empty to match it later).")
        if any(key != UNMATCHED and key not in options for key in keys):
            raise BadAnswer("Match each prompt to one of the listed answers.")
        if all(key == UNMATCHED for key in keys):
            raise BadAnswer("Match at least one prompt to an answer.")
        return list(keys)
    if item.kind == YESNO:
        if len(keys) != 1 or keys[0] not in YES_NO_KEYS:
            raise BadAnswer("Answer yes or no.")
        return list(keys)
    if item.kind != QUESTION:
        raise BadAnswer("This item takes no answer.")
    chosen = sorted(set(keys))
    if not chosen or not set(chosen) <= set(options):
        raise BadAnswer("Choose one of this question's options.")
    if len(item.correct or ()) == 1 and len(chosen) != 1:
        raise BadAnswer("This question has one answer: choose one option.")
    return chosen
