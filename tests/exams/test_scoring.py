"""Scoring and answer shapes per item kind (prep.exams.scoring): property tests, no database."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.exams.generation import display_order
from prep.exams.scoring import UNMATCHED, check_answer, score_answer
from prep.exams.vocabulary import BadAnswer, ScoringRule
from prep.models import MATCHING, ORDERING, QUESTION, YESNO, Item

RULES = list(ScoringRule)


@st.composite
def orderings(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A correct order of 3-6 steps and any permutation of it."""
    steps = list("abcdef"[:draw(st.integers(min_value=3, max_value=6))])
    correct = draw(st.permutations(steps))
    return list(correct), list(draw(st.permutations(steps)))


@st.composite
def matchings(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A correct answer key per prompt (3-7 prompts, answers a-h) and any partial answer:
    each prompt matched to any answer or left unmatched."""
    prompts = draw(st.integers(min_value=3, max_value=7))
    answers = list("abcdefgh"[:draw(st.integers(min_value=2, max_value=8))])
    correct = draw(st.lists(st.sampled_from(answers), min_size=prompts, max_size=prompts))
    chosen = draw(st.lists(st.sampled_from([*answers, UNMATCHED]), min_size=prompts,
                           max_size=prompts))
    return correct, chosen


def share_right(correct: list[str], chosen: list[str]) -> float:
    return sum(c == k for c, k in zip(chosen, correct, strict=True)) / len(correct)


@given(orderings(), st.sampled_from(RULES))
def test_an_ordering_scores_one_exactly_when_every_step_is_in_place(
        case: tuple[list[str], list[str]], rule: ScoringRule) -> None:
    correct, chosen = case
    score = score_answer(ORDERING, correct, chosen, rule)
    assert 0 <= score <= 1
    assert (score == 1) == (chosen == correct)
    expected = share_right(correct, chosen) if rule == ScoringRule.PARTIAL else float(
        chosen == correct)
    assert score == pytest.approx(expected)


@given(matchings(), st.sampled_from(RULES))
def test_a_matching_scores_the_share_of_prompts_matched_right(
        case: tuple[list[str], list[str]], rule: ScoringRule) -> None:
    correct, chosen = case
    score = score_answer(MATCHING, correct, chosen, rule)
    assert 0 <= score <= 1
    assert (score == 1) == (chosen == correct)
    if rule == ScoringRule.PARTIAL:
        assert score == pytest.approx(share_right(correct, chosen))  # "" never equals a key
    else:
        assert score == float(chosen == correct)


@given(st.one_of(orderings(), matchings()), st.sampled_from([ORDERING, MATCHING]))
def test_all_or_nothing_never_scores_above_partial(case: tuple[list[str], list[str]],
                                                   kind: str) -> None:
    correct, chosen = case
    assert score_answer(kind, correct, chosen, ScoringRule.ALL_OR_NOTHING) <= score_answer(
        kind, correct, chosen, ScoringRule.PARTIAL)


@given(st.sets(st.sampled_from("abcdef"), min_size=1), st.sets(st.sampled_from("abcdef")),
       st.sampled_from(RULES))
def test_questions_score_the_exact_set_whatever_the_rule(correct: set[str], chosen: set[str],
                                                         rule: ScoringRule) -> None:
    score = score_answer(QUESTION, sorted(correct), sorted(chosen), rule)
    assert score == float(chosen == correct)


def test_yes_no_and_unanswered() -> None:
    assert score_answer(YESNO, ["no"], ["no"]) == 1
    assert score_answer(YESNO, ["no"], ["yes"], ScoringRule.PARTIAL) == 0
    assert score_answer(ORDERING, ["a", "b", "c"], None, ScoringRule.PARTIAL) == 0
    assert score_answer(MATCHING, ["a", "b", "c"], ["a", "b"], ScoringRule.PARTIAL) == 0


def item(kind: str, options: str, correct: list[str], prompts: int = 0) -> Item:
    return Item(kind=kind, options=[{"key": k, "text": k, "explanation": ""} for k in options],
                correct=correct,
                prompts=[{"key": str(n), "text": f"p{n}", "explanation": ""}
                         for n in range(1, prompts + 1)] or None)


@given(orderings())
def test_any_permutation_of_the_steps_is_a_valid_ordering_answer(
        case: tuple[list[str], list[str]]) -> None:
    correct, chosen = case
    assert check_answer(item(ORDERING, "".join(sorted(correct)), correct), chosen) == chosen


@pytest.mark.parametrize(("kind", "options", "prompts", "keys", "message"), [
    (ORDERING, "abc", 0, ["a", "b"], "all 3 steps"),
    (ORDERING, "abc", 0, ["a", "b", "b"], "each step once"),
    (ORDERING, "abc", 0, ["a", "b", "c", "d"], "all 3 steps"),
    (MATCHING, "abcd", 3, ["a", "b"], "each of the 3 prompts"),
    (MATCHING, "abcd", 3, ["a", "b", "z"], "listed answers"),
    (MATCHING, "abcd", 3, ["", "", ""], "at least one"),
    (YESNO, "", 0, ["yes", "no"], "yes or no"),
    (YESNO, "", 0, ["maybe"], "yes or no"),
    (QUESTION, "abcd", 0, [], "Choose one"),
    (QUESTION, "abcd", 0, ["a", "b"], "one answer"),
])
def test_answers_of_the_wrong_shape_are_refused(kind: str, options: str, prompts: int,
                                                keys: list[str], message: str) -> None:
    correct = {ORDERING: list(options), MATCHING: ["a", "b", "c"], YESNO: ["yes"],
               QUESTION: ["a"]}[kind]
    with pytest.raises(BadAnswer, match=message):
        check_answer(item(kind, options or "", correct, prompts), keys)


def test_answers_are_stored_in_their_kind_s_form() -> None:
    assert check_answer(item(MATCHING, "abcd", ["a", "b", "c"], 3), ["d", "", "a"]) == [
        "d", "", "a"]
    assert check_answer(item(QUESTION, "abcd", ["a", "c"]), ["c", "a", "c"]) == ["a", "c"]
    assert check_answer(item(YESNO, "", ["no"]), ["no"]) == ["no"]


@given(st.lists(st.sampled_from("abcdefgh"), min_size=3, max_size=6, unique=True),
       st.integers(min_value=0, max_value=2**32))
def test_an_ordering_is_first_shown_shuffled_never_in_its_correct_order(
        steps: list[str], seed: int) -> None:
    shown = display_order(ORDERING, steps, random.Random(seed))
    assert sorted(shown) == sorted(steps) and shown != steps


@given(st.lists(st.sampled_from("abcdefgh"), min_size=2, max_size=8, unique=True),
       st.integers(min_value=0, max_value=2**32))
def test_a_matching_s_answers_are_shuffled_and_none_is_lost(answers: list[str],
                                                            seed: int) -> None:
    assert sorted(display_order(MATCHING, answers, random.Random(seed))) == sorted(answers)


def test_yes_and_no_keep_their_place() -> None:
    assert display_order(YESNO, ["yes", "no"], random.Random(1)) == ["yes", "no"]
