from __future__ import annotations

import math
import sys

import numpy as np
import pytest

import hpo
from hpo.distributions import FloatDistribution
from hpo.study import StudyDirection
from hpo.terminator import MedianErrorEvaluator, Terminator, TerminatorCallback
from hpo.terminator._emmr import EMMREvaluator, emmr_bound, gaussian_kl
from hpo.trial import FrozenTrial, create_trial

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


def _sphere_trials(n_trials: int, sign: float = 1.0) -> list[FrozenTrial]:
    study = hpo.create_study(
        direction="minimize" if sign > 0 else "maximize",
        sampler=hpo.samplers.RandomSampler(seed=0),
    )
    study.optimize(
        lambda t: sign * (t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1) ** 2),
        n_trials=n_trials,
    )
    return study.trials


def test_gaussian_kl_and_bound_by_hand() -> None:
    assert gaussian_kl(0.0, 1.0, 0.0, 1.0) == 0.0
    assert gaussian_kl(1.0, 1.0, 0.0, 1.0) == pytest.approx(0.5)
    # Halving the variance: (log 2 + 0.5 - 1) / 2.
    assert gaussian_kl(0.0, 0.5, 0.0, 1.0) == pytest.approx((math.log(2) - 0.5) / 2)
    assert gaussian_kl(0.0, 0.0, 0.0, 0.0) == 0.0  # floored variances
    assert emmr_bound(0.25, 2.0, 0.5) == pytest.approx(1.25)
    assert emmr_bound(-0.25, 0.0, 3.0) == 0.25


def test_too_few_trials_give_a_huge_estimate() -> None:
    trials = _sphere_trials(3)
    assert EMMREvaluator(min_n_trials=4).evaluate(trials, MIN) > sys.float_info.max / 100
    assert EMMREvaluator(min_n_trials=3, seed=0).evaluate(trials, MIN) < 1e3


def test_estimate_falls_as_the_study_converges() -> None:
    trials = _sphere_trials(40)
    evaluator = EMMREvaluator(seed=0)
    early = np.mean([evaluator.evaluate(trials[:n], MIN) for n in (5, 6, 7)])
    late = np.mean([evaluator.evaluate(trials[:n], MIN) for n in (38, 39, 40)])
    assert 0.0 <= late < early / 5


def test_maximizing_the_negation_and_scaling_the_objective() -> None:
    trials = _sphere_trials(12)
    base = EMMREvaluator(seed=3).evaluate(trials, MIN)
    assert EMMREvaluator(seed=3).evaluate(_sphere_trials(12, sign=-1.0), MAX) == pytest.approx(
        base
    )
    scaled = [
        create_trial(value=10.0 * t.value, params=t.params, distributions=t.distributions)
        for t in trials
    ]
    assert EMMREvaluator(seed=3).evaluate(scaled, MIN) == pytest.approx(10 * base)


def test_no_parameter_means_nothing_left_to_learn() -> None:
    assert EMMREvaluator().evaluate([create_trial(value=v) for v in (1.0, 2.0)], MIN) == 0.0


def _run_with_median_threshold(threshold_ratio: float, n_trials: int) -> int:
    emmr = EMMREvaluator(deterministic_objective=True, seed=0)
    median = MedianErrorEvaluator(
        emmr, warm_up_trials=2, n_initial_trials=5, threshold_ratio=threshold_ratio
    )
    study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=2))
    study.optimize(
        lambda t: t.suggest_float("x", -1, 1) ** 2,
        n_trials=n_trials,
        callbacks=[TerminatorCallback(Terminator(emmr, median, min_n_trials=8))],
    )
    return len(study.trials)


def test_with_the_median_threshold_a_converged_study_stops() -> None:
    assert _run_with_median_threshold(0.1, n_trials=20) < 20
    assert _run_with_median_threshold(1e-9, n_trials=14) == 14


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"delta": 0.0}, ValueError, "delta"),
        ({"delta": 1.0}, ValueError, "delta"),
        ({"delta": "0.1"}, TypeError, "delta"),
        ({"min_n_trials": 1}, ValueError, "min_n_trials"),
        ({"min_n_trials": 2.0}, TypeError, "min_n_trials"),
        ({"deterministic_objective": 1}, TypeError, "deterministic_objective"),
        ({"seed": -2}, ValueError, "seed"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        EMMREvaluator(**kwargs)  # type: ignore[arg-type]


def test_repeated_points_of_a_noiseless_objective() -> None:
    space = {"x": FloatDistribution(0.0, 1.0)}
    trials = [
        create_trial(value=(x - 0.3) ** 2, params={"x": x}, distributions=space)
        for x in (0.1, 0.5, 0.9, 0.5, 0.5)
    ]
    estimate = EMMREvaluator(deterministic_objective=True, seed=0).evaluate(trials, MIN)
    assert math.isfinite(estimate) and estimate >= 0.0
