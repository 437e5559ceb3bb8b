"""Mean decrease impurity: ranking, categorical parameters, agreement with scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest

from hpo.distributions import CategoricalDistribution, FloatDistribution
from hpo.importance import MeanDecreaseImpurityImportanceEvaluator, get_param_importances
from hpo.importance._data import one_hot, read_trials
from hpo.importance._forest import fit_forest
from hpo.importance._mdi import mean_decrease_impurity
from tests.importance._studies import study_from, uniform_study


def test_dominant_parameter_and_seeds() -> None:
    study = uniform_study(300, 4, lambda x: np.exp(3 * x[:, 2]) + 0.1 * x[:, 0])

    def run(seed):
        evaluator = MeanDecreaseImpurityImportanceEvaluator(n_trees=8, seed=seed)
        return get_param_importances(study, evaluator=evaluator)

    assert next(iter(run(0))) == "x2"
    assert run(0)["x2"] > 0.8
    assert run(0) == run(0)
    assert run(0) != run(1)


def test_categorical_importance_sums_its_indicators() -> None:
    rng = np.random.default_rng(0)
    n = 300
    codes = rng.integers(0, 3, n)
    x = rng.uniform(0, 1, n)
    choices = ("red", "green", "blue")
    study = study_from(
        {"color": CategoricalDistribution(choices), "x": FloatDistribution(0, 1)},
        {"color": [choices[k] for k in codes], "x": x},
        np.array([0.0, 5.0, 10.0])[codes] + 0.1 * x,
    )
    importances = get_param_importances(study, evaluator=MeanDecreaseImpurityImportanceEvaluator())
    assert list(importances) == ["color", "x"]
    assert importances["color"] > 0.9


def test_agrees_with_scikit_learn_on_the_same_trials() -> None:
    sklearn_ensemble = pytest.importorskip("sklearn.ensemble")
    study = uniform_study(400, 4, lambda x: 4 * x[:, 0] ** 2 + 2 * x[:, 1] + x[:, 2] * x[:, 3])
    data = read_trials(study, None, None)
    features, owner = one_hot(data)
    forest = fit_forest(
        features, data.values, n_trees=64, max_depth=64, rng=np.random.default_rng(0)
    )
    ours = mean_decrease_impurity(forest, owner, 4)
    reference = sklearn_ensemble.RandomForestRegressor(n_estimators=64, random_state=0)
    reference.fit(features, data.values)
    np.testing.assert_allclose(ours, reference.feature_importances_, atol=0.02)
