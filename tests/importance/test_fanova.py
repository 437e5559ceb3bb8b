"""fANOVA: exact variance shares per tree, known splits on synthetic objectives, arguments."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.importance import FanovaImportanceEvaluator, get_param_importances
from hpo.importance._fanova import fanova_importances, split_grid
from hpo.importance._forest import Forest
from tests.importance._studies import study_from, uniform_study


def one_tree(low, high, value) -> Forest:
    low, high = np.asarray(low, float), np.asarray(high, float)
    return Forest(
        np.zeros(len(value), dtype=int), low, high, np.asarray(value, float), np.ones((1, 2))
    )


def test_a_split_on_one_feature_explains_all_variance() -> None:
    forest = one_tree([[0, 0], [0.25, 0]], [[0.25, 1], [1, 1]], [0.0, 4.0])
    grids = [split_grid(np.array([0.2, 0.3])), split_grid(np.array([0.1, 0.9]))]
    shares = fanova_importances(forest, grids, np.array([0, 1]), np.array([0, 0]))
    np.testing.assert_allclose(shares, [1.0, 0.0])


def test_additive_quadrants_split_the_variance_exactly() -> None:
    # f = 2 i + j on the four quadrants: main effects have variances 1 and 0.25 of 1.25.
    low = [[0, 0], [0, 0.5], [0.5, 0], [0.5, 0.5]]
    high = [[0.5, 0.5], [0.5, 1], [1, 0.5], [1, 1]]
    forest = one_tree(low, high, [0.0, 1.0, 2.0, 3.0])
    grids = [split_grid(np.array([0.4, 0.6]))] * 2
    shares = fanova_importances(forest, grids, np.array([0, 1]), np.array([0, 0]))
    np.testing.assert_allclose(shares, [0.8, 0.2])


def test_a_pure_interaction_has_no_main_effect() -> None:
    low = [[0, 0], [0, 0.5], [0.5, 0], [0.5, 0.5]]
    high = [[0.5, 0.5], [0.5, 1], [1, 0.5], [1, 1]]
    forest = one_tree(low, high, [1.0, -1.0, -1.0, 1.0])
    grids = [split_grid(np.array([0.4, 0.6]))] * 2
    shares = fanova_importances(forest, grids, np.array([0, 1]), np.array([0, 0]))
    np.testing.assert_allclose(shares, [0.0, 0.0], atol=1e-12)


def test_three_x_plus_y_shares_ninety_ten() -> None:
    study = uniform_study(1000, 2, lambda x: 3 * x[:, 0] + x[:, 1])
    importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert importances["x0"] == pytest.approx(0.9, abs=0.03)
    assert importances["x1"] == pytest.approx(0.1, abs=0.03)


def test_log_parameters_are_measured_in_log_space() -> None:
    # Linear in log10(lr): 3 u + v with u uniform in log space; shares 0.9 / 0.1 there.
    rng = np.random.default_rng(0)
    n = 1000
    u, v = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    lr = 10.0 ** (-5 + 5 * u)
    study = study_from(
        {"lr": FloatDistribution(1e-5, 1, log=True), "v": FloatDistribution(0, 1)},
        {"lr": lr, "v": v},
        3 * u + v,
    )
    importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert importances["lr"] == pytest.approx(0.9, abs=0.03)


def test_categorical_main_effect_over_uniform_choices() -> None:
    # Effects 0, 0, 3, 3 (variance 2.25) plus sqrt(3) x (variance 0.25): shares 0.9 / 0.1.
    rng = np.random.default_rng(0)
    n = 1000
    codes = rng.integers(0, 4, n)
    x = rng.uniform(0, 1, n)
    choices = ("a", "b", "c", "d")
    study = study_from(
        {"c": CategoricalDistribution(choices), "x": FloatDistribution(0, 1)},
        {"c": [choices[k] for k in codes], "x": x},
        np.array([0, 0, 3, 3])[codes] + np.sqrt(3) * x,
    )
    importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert importances["c"] == pytest.approx(0.9, abs=0.03)


def test_integer_parameters() -> None:
    rng = np.random.default_rng(0)
    n = 300
    k, x = rng.integers(0, 10, n), rng.uniform(0, 1, n)
    study = study_from(
        {"k": IntDistribution(0, 9), "x": FloatDistribution(0, 1)}, {"k": k, "x": x}, k + 0.1 * x
    )
    importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    assert importances["k"] > 0.95


def test_same_seed_same_importances_other_seed_differs() -> None:
    study = uniform_study(200, 3, lambda x: x[:, 0] + np.sin(6 * x[:, 1]) + 0.5 * x[:, 2])

    def run(seed):
        evaluator = FanovaImportanceEvaluator(n_trees=8, seed=seed)
        return get_param_importances(study, evaluator=evaluator, normalize=False)

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_max_depth_one_gives_one_split_per_tree() -> None:
    study = uniform_study(200, 3, lambda x: 5 * x[:, 0] + x[:, 1])
    evaluator = FanovaImportanceEvaluator(n_trees=16, max_depth=1, seed=0)
    importances = get_param_importances(study, evaluator=evaluator)
    # A stump splits on x0 and explains all of its own variance through x0.
    assert importances["x0"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_trees": 0}, ValueError),
        ({"n_trees": 1.5}, TypeError),
        ({"max_depth": 0}, ValueError),
        ({"max_depth": "3"}, TypeError),
        ({"seed": "x"}, TypeError),
        ({"n_trees": True}, TypeError),
    ],
)
def test_bad_arguments(kwargs, error) -> None:
    name = next(iter(kwargs))
    with pytest.raises(error, match=name):
        FanovaImportanceEvaluator(**kwargs)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        FanovaImportanceEvaluator(64)  # type: ignore[misc]


def test_single_valued_parameter_has_no_importance() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 100)
    study = study_from(
        {"x": FloatDistribution(0, 1), "fixed": FloatDistribution(1, 1)},
        {"x": x, "fixed": np.ones(100)},
        x,
    )
    raw = get_param_importances(
        study, evaluator=FanovaImportanceEvaluator(seed=0), normalize=False
    )
    assert raw["fixed"] == 0.0
    assert raw["x"] > 0.9
    assert isinstance(study, hpo.Study)
