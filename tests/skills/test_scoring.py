"""Skills check scoring and early stop: properties over every sequence of answers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.skills.scoring import (
    AREA_MAX,
    AREA_MIN,
    GAP,
    STRONG,
    WORKING,
    Answer,
    area_done,
    area_result,
    area_score,
    level_of,
    points,
)

options = st.integers(min_value=2, max_value=6)
answers = st.builds(
    lambda kind, k: Answer(correct=kind == "right", known=kind != "unknown", options=k),
    st.sampled_from(["right", "wrong", "unknown"]), options)
sequences = st.lists(answers, max_size=AREA_MAX)


@given(options)
def test_guessing_at_random_earns_what_i_dont_know_earns(k: int) -> None:
    right = points(Answer(correct=True, known=True, options=k))
    wrong = points(Answer(correct=False, known=True, options=k))
    expected_guess = Fraction(1, k) * right + Fraction(k - 1, k) * wrong
    assert expected_guess == points(Answer(correct=False, known=False, options=k)) == 0
    assert wrong < 0 < right


@given(sequences)
def test_score_lies_between_0_and_1_and_gives_one_level(seq: list[Answer]) -> None:
    score = area_score(seq)
    assert 0 <= score <= 1
    assert level_of(score) in (STRONG, WORKING, GAP)


@given(sequences, st.data())
def test_a_right_answer_never_lowers_the_score(seq: list[Answer], data: st.DataObject) -> None:
    if not seq:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(seq) - 1))
    better = list(seq)
    better[index] = Answer(correct=True, known=True, options=seq[index].options)
    assert area_score(better) >= area_score(seq)


@given(sequences)
def test_i_dont_know_never_scores_below_a_wrong_answer(seq: list[Answer]) -> None:
    honest = [Answer(False, False, a.options) if not a.correct else a for a in seq]
    assert area_score(honest) >= area_score(seq)


@given(st.lists(answers, max_size=AREA_MAX + 2))
def test_early_stop_rule(seq: list[Answer]) -> None:
    rights = sum(a.correct for a in seq)
    unanimous = rights in (0, len(seq))
    expected = len(seq) >= AREA_MAX or (len(seq) >= AREA_MIN and unanimous)
    assert area_done(seq) is expected


@given(st.lists(answers, min_size=AREA_MIN, max_size=AREA_MIN))
def test_an_area_that_stops_early_is_strong_or_a_gap(seq: list[Answer]) -> None:
    if not area_done(seq):
        return
    result = area_result(seq)
    assert result.asked == AREA_MIN
    assert result.level == (STRONG if seq[0].correct else GAP)


@given(st.lists(answers, max_size=AREA_MAX * 3))
def test_asking_until_done_never_exceeds_the_maximum(stream: list[Answer]) -> None:
    asked: list[Answer] = []
    for answer in stream:
        if area_done(asked):
            break
        asked.append(answer)
    assert len(asked) <= AREA_MAX
    if len(stream) >= AREA_MAX:
        assert area_done(asked)


@pytest.mark.parametrize(("kinds", "level"), [
    ("RRR", STRONG), ("RR", STRONG), ("RRU", WORKING), ("RRW", WORKING),
    ("RUR", WORKING), ("RUU", GAP), ("RWU", GAP), ("UU", GAP), ("WW", GAP), ("", GAP),
])
def test_levels_of_typical_areas(kinds: str, level: str) -> None:
    seq = [Answer(correct=c == "R", known=c != "U", options=4) for c in kinds]
    assert area_result(seq).level == level


def test_an_answer_cannot_be_right_and_unknown() -> None:
    with pytest.raises(ValueError):
        Answer(correct=True, known=False, options=4)
    with pytest.raises(ValueError):
        Answer(correct=False, known=True, options=1)
