from __future__ import annotations

import math

import numpy as np
import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.study import StudyDirection
from hpo.terminator import RegretBoundEvaluator
from hpo.terminator._gp_data import minimize_over_space, ucb_beta
from hpo.terminator._regret_bound import n_top_trials, regret_bound
from hpo.trial import FrozenTrial, create_trial
from tests.terminator.helpers import trials_from_values

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


def test_bound_shrinks_as_the_study_converges_and_covers_the_true_regret() -> None:
    trials = _sphere_trials(60)
    bounds = [RegretBoundEvaluator(seed=0).evaluate(trials[:n], MIN) for n in (10, 30, 60)]
    assert bounds[0] > bounds[1] > bounds[2] > 0.0
    best = min(t.value for t in trials)  # the optimum is 0
    assert bounds[2] >= 0.9 * best
    assert bounds[2] < 0.1


def test_maximizing_the_negation_gives_the_same_bound() -> None:
    minimized = RegretBoundEvaluator(seed=1).evaluate(_sphere_trials(25), MIN)
    maximized = RegretBoundEvaluator(seed=1).evaluate(_sphere_trials(25, sign=-1.0), MAX)
    assert maximized == pytest.approx(minimized)


def test_bound_is_in_objective_units() -> None:
    trials = _sphere_trials(25)
    scaled = [
        create_trial(value=100.0 * t.value, params=t.params, distributions=t.distributions)
        for t in trials
    ]
    base = RegretBoundEvaluator(seed=2).evaluate(trials, MIN)
    assert RegretBoundEvaluator(seed=2).evaluate(scaled, MIN) == pytest.approx(100 * base)


def test_mixed_search_space() -> None:
    space = {
        "lr": FloatDistribution(1e-4, 1.0, log=True),
        "layers": IntDistribution(1, 8),
        "kind": CategoricalDistribution(["a", "b", "c"]),
        "fixed": IntDistribution(3, 3),
    }
    study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=3))
    study.optimize(
        lambda t: (
            (math.log10(t.suggest_float("lr", 1e-4, 1.0, log=True)) + 2) ** 2
            + abs(t.suggest_int("layers", 1, 8) - 3)
            + {"a": 0.0, "b": 1.0, "c": 2.0}[t.suggest_categorical("kind", ["a", "b", "c"])]
            + t.suggest_int("fixed", 3, 3)
        ),
        n_trials=15,
    )
    assert set(study.trials[0].distributions) == set(space)
    bound = RegretBoundEvaluator(seed=0).evaluate(study.trials, MIN)
    assert math.isfinite(bound) and bound >= 0.0


def test_no_parameter_means_nothing_left_to_find() -> None:
    trials = [create_trial(value=v) for v in (1.0, 2.0)]
    assert RegretBoundEvaluator().evaluate(trials, MIN) == 0.0


def test_needs_a_complete_trial() -> None:
    with pytest.raises(ValueError, match="COMPLETE"):
        RegretBoundEvaluator().evaluate(trials_from_values([None]), MIN)


def test_top_trials_count() -> None:
    assert n_top_trials(100, 0.5, 20) == 50
    assert n_top_trials(30, 0.5, 20) == 20
    assert n_top_trials(7, 0.5, 20) == 7
    assert n_top_trials(3, 0.1, 1) == 1
    assert n_top_trials(10, 1.0, 1) == 10


def test_pure_pieces() -> None:
    assert regret_bound(1.0, 1.5) == 0.0
    assert regret_bound(1.0, -0.5, scale=2.0) == 3.0
    assert ucb_beta(20, 3) > ucb_beta(10, 3) > 0.0
    # The minimum of a bowl centred in the cube is found to within the local search's scale.
    space = {"a": FloatDistribution(0, 1), "b": FloatDistribution(0, 1)}
    rng = np.random.default_rng(0)
    found = minimize_over_space(
        lambda p: ((p - 0.3) ** 2).sum(axis=1), space, np.zeros((1, 2)), rng
    )
    assert 0.0 <= found < 1e-4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"top_trials_ratio": 0.0}, ValueError, "top_trials_ratio"),
        ({"top_trials_ratio": 1.5}, ValueError, "top_trials_ratio"),
        ({"top_trials_ratio": -0.1}, ValueError, "top_trials_ratio"),
        ({"top_trials_ratio": "half"}, TypeError, "top_trials_ratio"),
        ({"min_n_trials": 0}, ValueError, "min_n_trials"),
        ({"min_n_trials": 2.0}, TypeError, "min_n_trials"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        RegretBoundEvaluator(**kwargs)  # type: ignore[arg-type]


def test_infinite_values_are_left_out() -> None:
    trials = _sphere_trials(12)
    space = trials[0].distributions
    with_inf = [
        *trials,
        create_trial(value=math.inf, params={"x": 0.9, "y": 0.9}, distributions=space),
    ]
    assert RegretBoundEvaluator(seed=4).evaluate(with_inf, MIN) == pytest.approx(
        RegretBoundEvaluator(seed=4).evaluate(trials, MIN)
    )
    only_inf = [create_trial(value=math.inf, params={"x": 0.9, "y": 0.9}, distributions=space)]
    with pytest.raises(ValueError, match="finite"):
        RegretBoundEvaluator().evaluate(only_inf, MIN)
