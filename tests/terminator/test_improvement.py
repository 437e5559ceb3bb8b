from __future__ import annotations

import numpy as np
import pytest

from hpo.study import StudyDirection
from hpo.terminator import BestValueStagnationEvaluator
from hpo.terminator._improvement import as_minimized, complete_values
from tests.terminator.helpers import trials_from_values

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


@pytest.mark.parametrize(
    ("values", "direction", "expected"),
    [
        ([5.0], MIN, 3.0),
        ([5.0, 4.0], MIN, 3.0),
        ([5.0, 4.0, 4.0, 4.0], MIN, 1.0),  # the first of equal best values counts
        ([5.0, 4.0, 4.0, 4.0, 4.0, 4.0], MIN, -1.0),
        ([5.0, 4.0], MAX, 2.0),
        ([5.0, 4.0, 4.0, 4.0, 4.0], MAX, -1.0),
        ([1.0, 2.0, 3.0, 0.5], MAX, 2.0),
    ],
)
def test_stagnation_counts_trials_since_the_best(
    values: list[float], direction: StudyDirection, expected: float
) -> None:
    evaluator = BestValueStagnationEvaluator(max_stagnation_trials=3)
    assert evaluator.evaluate(trials_from_values(values), direction) == expected


def test_stagnation_counts_complete_trials_only() -> None:
    trials = trials_from_values([5.0, None, 4.0, None, 4.5])
    assert BestValueStagnationEvaluator(3).evaluate(trials, MIN) == 2.0


def test_stagnation_needs_a_complete_trial() -> None:
    with pytest.raises(ValueError, match="COMPLETE"):
        BestValueStagnationEvaluator().evaluate(trials_from_values([None]), MIN)


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_stagnation_refuses_bad_counts(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_stagnation_trials"):
        BestValueStagnationEvaluator(value)  # type: ignore[arg-type]


def test_helpers_keep_order_and_flip_maximized_values() -> None:
    complete, values = complete_values(trials_from_values([2.0, None, 1.0]))
    assert [t.number for t in complete] == [0, 2]
    assert values.tolist() == [2.0, 1.0]
    assert as_minimized(values, MAX).tolist() == [-2.0, -1.0]
    np.testing.assert_array_equal(as_minimized(values, MIN), values)
