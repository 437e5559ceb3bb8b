"""The best-trial rule (hpo/_best_trial.py) on hand-made trials and random histories."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpo._best_trial import check_best_trial, find_best_trial, is_better, is_feasible
from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial, TrialState, create_trial

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


def trial(
    number: int,
    value: float | None,
    state: TrialState = TrialState.COMPLETE,
    constraints: list[float] | None = None,
) -> FrozenTrial:
    attrs = {} if constraints is None else {"constraints": constraints}
    if state == TrialState.COMPLETE:
        made = create_trial(value=0.0, system_attrs=attrs)
    else:
        made = create_trial(state=state, system_attrs=attrs)
    # Set directly: create_trial refuses NaN, and a PRUNED trial may keep its last value.
    made._values = None if value is None else [value]
    made.number = number
    return made


def test_earliest_trial_wins_a_tie_whatever_the_order() -> None:
    late, early = trial(5, 1.0), trial(2, 1.0)
    assert is_better(early, late, MIN)
    assert not is_better(late, early, MIN)
    assert find_best_trial([early, late], MAX) is early


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_infinities_tie_like_any_value(value: float) -> None:
    assert find_best_trial([trial(0, value), trial(1, value)], MIN).number == 0  # type: ignore[union-attr]


def test_direction() -> None:
    trials = [trial(0, 2.0), trial(1, -math.inf), trial(2, math.inf)]
    assert find_best_trial(trials, MIN).number == 1  # type: ignore[union-attr]
    assert find_best_trial(trials, MAX).number == 2  # type: ignore[union-attr]


def test_only_complete_feasible_non_nan_trials_count() -> None:
    trials = [
        trial(0, -5.0, TrialState.PRUNED),
        trial(1, None, TrialState.FAIL),
        trial(2, -4.0, constraints=[0.1]),
        trial(3, math.nan),
        trial(4, 3.0, constraints=[0.0, -2.0]),
        trial(5, 4.0),
    ]
    assert find_best_trial(trials, MIN).number == 4  # type: ignore[union-attr]
    assert find_best_trial(trials[:4], MIN) is None
    assert not is_feasible(trials[2])
    assert is_feasible(trials[5])


def test_check_best_trial_errors() -> None:
    best = trial(0, 1.0)
    assert check_best_trial(best, [MIN]) is best
    with pytest.raises(ValueError, match="feasible"):
        check_best_trial(None, [MIN])
    with pytest.raises(ValueError, match="multi-objective"):
        check_best_trial(best, [MIN, MAX])


values = st.one_of(
    st.sampled_from([math.inf, -math.inf, math.nan, 0.0, 1.0, -1.0]),
    st.floats(allow_nan=False, min_value=-3, max_value=3),
)
records = st.lists(
    st.tuples(
        values,
        st.sampled_from([TrialState.COMPLETE, TrialState.COMPLETE, TrialState.PRUNED]),
        st.booleans(),  # infeasible
    ),
    max_size=12,
)


@given(records, st.randoms(use_true_random=False), st.sampled_from([MIN, MAX]))
def test_keeping_the_best_as_trials_finish_in_any_order_equals_a_scan(
    history: list[tuple[float, TrialState, bool]], random: object, direction: StudyDirection
) -> None:
    trials = [
        trial(n, v, state, [1.0] if infeasible else None)
        for n, (v, state, infeasible) in enumerate(history)
    ]
    finish_order = list(trials)
    random.shuffle(finish_order)  # type: ignore[attr-defined]
    kept = None
    for finished in finish_order:
        if is_better(finished, kept, direction):
            kept = finished
    scanned = find_best_trial(trials, direction)
    assert kept is scanned

    sign = -1.0 if direction == MAX else 1.0
    candidates = [
        t
        for t, (v, state, infeasible) in zip(trials, history)
        if state == TrialState.COMPLETE and not infeasible and not math.isnan(v)
    ]
    reference = min(candidates, key=lambda t: (sign * t.value, t.number), default=None)  # type: ignore[operator]
    assert scanned is reference
