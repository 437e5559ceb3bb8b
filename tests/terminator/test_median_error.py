from __future__ import annotations

import sys

import pytest

from hpo.study import StudyDirection
from hpo.terminator import BaseImprovementEvaluator, MedianErrorEvaluator
from hpo.trial import FrozenTrial
from tests.terminator.helpers import trials_from_values

MIN = StudyDirection.MINIMIZE


class _RecordingEvaluator(BaseImprovementEvaluator):
    """Returns the number of trials it sees and records their numbers."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        self.calls.append([t.number for t in trials])
        return float(len(trials))


def test_threshold_is_a_fraction_of_the_median_after_warm_up() -> None:
    paired = _RecordingEvaluator()
    evaluator = MedianErrorEvaluator(
        paired, warm_up_trials=2, n_initial_trials=4, threshold_ratio=0.5
    )
    trials = trials_from_values([float(v) for v in range(10)])
    # Window estimates 1, 2, 3, 4 (trials 2.., one more each time): median 2.5.
    assert evaluator.evaluate(trials, MIN) == 1.25
    assert paired.calls == [[2], [2, 3], [2, 3, 4], [2, 3, 4, 5]]


def test_not_ready_before_the_window_is_full_and_then_cached() -> None:
    paired = _RecordingEvaluator()
    evaluator = MedianErrorEvaluator(paired, warm_up_trials=1, n_initial_trials=3)
    trials = trials_from_values([1.0, 2.0, 3.0, None, 4.0, 5.0])
    assert evaluator.evaluate(trials[:4], MIN) == -sys.float_info.min
    assert paired.calls == []
    threshold = evaluator.evaluate(trials[:5], MIN)
    assert threshold == pytest.approx(0.01 * 2.0)
    assert evaluator.evaluate(trials, MIN) == threshold
    assert len(paired.calls) == 3


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"warm_up_trials": -1}, ValueError, "warm_up_trials"),
        ({"n_initial_trials": 0}, ValueError, "n_initial_trials"),
        ({"threshold_ratio": 0.0}, ValueError, "threshold_ratio"),
        ({"threshold_ratio": -0.5}, ValueError, "threshold_ratio"),
        ({"threshold_ratio": float("inf")}, ValueError, "threshold_ratio"),
        ({"warm_up_trials": 2.0}, TypeError, "warm_up_trials"),
        ({"threshold_ratio": "0.1"}, TypeError, "threshold_ratio"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        MedianErrorEvaluator(_RecordingEvaluator(), **kwargs)  # type: ignore[arg-type]


def test_paired_evaluator_must_be_an_improvement_evaluator() -> None:
    with pytest.raises(TypeError, match="paired_improvement_evaluator"):
        MedianErrorEvaluator(object())  # type: ignore[arg-type]
