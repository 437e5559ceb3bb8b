"""PED-ANOVA: ranking, directions, local against global baselines, arguments."""

from __future__ import annotations

import numpy as np
import pytest

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.importance import PedAnovaImportanceEvaluator, get_param_importances
from tests.importance._studies import study_from, uniform_study


def test_maximizing_equals_minimizing_the_negation() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (300, 3))
    values = (x[:, 0] - 0.3) ** 2 + 0.01 * x[:, 1]
    dist = FloatDistribution(0, 1)
    columns = {f"x{i}": x[:, i] for i in range(3)}
    spaces = dict.fromkeys(columns, dist)
    low = study_from(spaces, columns, values)
    high = study_from(spaces, columns, -values, directions=("maximize",))
    evaluator = PedAnovaImportanceEvaluator()
    minimized = get_param_importances(low, evaluator=evaluator, normalize=False)
    maximized = get_param_importances(high, evaluator=evaluator, normalize=False)
    assert minimized == pytest.approx(maximized)
    assert next(iter(minimized)) == "x0"
    flipped = get_param_importances(low, evaluator=evaluator, target=lambda t: -t.value)
    assert flipped != pytest.approx(get_param_importances(low, evaluator=evaluator))


def test_global_baseline_sees_a_concentrated_search() -> None:
    # x was only searched in a tenth of its range and does not matter: locally it has no
    # importance, against the whole search space a lot.
    rng = np.random.default_rng(0)
    n = 400
    x, y = rng.uniform(0, 0.1, n), rng.uniform(0, 1, n)
    dist = FloatDistribution(0, 1)
    study = study_from({"x": dist, "y": dist}, {"x": x, "y": y}, y)
    local = PedAnovaImportanceEvaluator(evaluate_on_local=True)
    whole = PedAnovaImportanceEvaluator(evaluate_on_local=False)
    raw_local = get_param_importances(study, evaluator=local, normalize=False)
    raw_global = get_param_importances(study, evaluator=whole, normalize=False)
    assert next(iter(raw_local)) == "y"
    assert raw_global["x"] > 10 * raw_local["x"]


def test_region_quantile_restricts_the_region() -> None:
    # Within the best half only y decides; over all trials x decides which half a trial is in.
    rng = np.random.default_rng(1)
    n = 2000
    x, y = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    values = np.where(x < 0.5, y, 10 + y)
    dist = FloatDistribution(0, 1)
    study = study_from({"x": dist, "y": dist}, {"x": x, "y": y}, values)
    everywhere = PedAnovaImportanceEvaluator(target_quantile=0.05)
    best_half = PedAnovaImportanceEvaluator(target_quantile=0.05, region_quantile=0.5)
    in_half = get_param_importances(study, evaluator=best_half)
    overall = get_param_importances(study, evaluator=everywhere)
    assert in_half["y"] > 0.95
    # Over all trials the best ones also all have x < 0.5: a divergence of 1 against 9 for y.
    assert overall["x"] == pytest.approx(0.1, abs=0.03)


def test_log_categorical_and_integer_parameters() -> None:
    rng = np.random.default_rng(2)
    n = 500
    u = rng.uniform(0, 1, n)
    codes = rng.integers(0, 3, n)
    k = rng.integers(1, 5, n)
    choices = ("sgd", "adam", "rmsprop")
    study = study_from(
        {
            "lr": FloatDistribution(1e-5, 1, log=True),
            "opt": CategoricalDistribution(choices),
            "layers": IntDistribution(1, 4),
        },
        {"lr": 10.0 ** (-5 + 5 * u), "opt": [choices[c] for c in codes], "layers": k},
        np.abs(u - 0.5) + 0.3 * (codes != 1) + 0.01 * k,
    )
    importances = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert list(importances)[:2] == ["lr", "opt"]


def test_two_trials_are_enough() -> None:
    study = uniform_study(2, 2, lambda x: x[:, 0])
    importances = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert sum(importances.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target_quantile": 0.0}, ValueError, "target_quantile"),
        ({"target_quantile": 1.0}, ValueError, "target_quantile"),
        ({"target_quantile": 0.5, "region_quantile": 0.5}, ValueError, "region_quantile"),
        ({"region_quantile": 1.5}, ValueError, "region_quantile"),
        ({"target_quantile": "0.1"}, TypeError, "target_quantile"),
        ({"region_quantile": None}, TypeError, "region_quantile"),
        ({"evaluate_on_local": 1}, TypeError, "evaluate_on_local"),
    ],
)
def test_bad_arguments(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        PedAnovaImportanceEvaluator(**kwargs)
