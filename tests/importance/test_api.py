"""get_param_importances: the parameters it evaluates, normalization, order and its errors."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.distributions import FloatDistribution
from hpo.importance import (
    BaseImportanceEvaluator,
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from tests.importance._studies import study_from, uniform_study

EVALUATORS = [
    lambda: FanovaImportanceEvaluator(n_trees=8, seed=0),
    lambda: MeanDecreaseImpurityImportanceEvaluator(n_trees=8, seed=0),
    lambda: PedAnovaImportanceEvaluator(),
]
IDS = ["fanova", "mdi", "ped_anova"]


def one_dominant(features: np.ndarray) -> np.ndarray:
    return 10 * features[:, 1] + 0.1 * features[:, 0] + 0.1 * features[:, 2]


@pytest.mark.parametrize("make", EVALUATORS, ids=IDS)
def test_the_parameter_that_matters_comes_first_with_most_of_the_mass(make) -> None:
    study = uniform_study(300, 3, one_dominant)
    importances = get_param_importances(study, evaluator=make())
    assert next(iter(importances)) == "x1"
    assert importances["x1"] > 0.7
    assert sum(importances.values()) == pytest.approx(1.0)
    values = list(importances.values())
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("make", EVALUATORS, ids=IDS)
def test_unnormalized_importances_are_non_negative_and_not_scaled(make) -> None:
    study = uniform_study(200, 3, one_dominant)
    raw = get_param_importances(study, evaluator=make(), normalize=False)
    normalized = get_param_importances(study, evaluator=make())
    assert all(v >= 0 for v in raw.values())
    total = sum(raw.values())
    if isinstance(make(), MeanDecreaseImpurityImportanceEvaluator):
        # MDI's raw values are already shares of each tree's impurity decrease.
        assert total == pytest.approx(1.0)
    else:
        assert total != pytest.approx(1.0)
    for name, value in raw.items():
        assert value / total == pytest.approx(normalized[name])


def test_the_default_evaluator_is_fanova() -> None:
    study = uniform_study(100, 2, lambda x: x[:, 0])
    assert list(get_param_importances(study)) == ["x0", "x1"]


def test_a_custom_evaluator_is_normalized_and_sorted() -> None:
    class Fixed(BaseImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {"a": 1.0, "b": 3.0, "c": 0.0}

    study = uniform_study(3, 1, lambda x: x[:, 0])
    assert get_param_importances(study, evaluator=Fixed()) == {"b": 0.75, "a": 0.25, "c": 0.0}


def test_all_zero_importances_normalize_to_equal_shares() -> None:
    study = uniform_study(20, 2, lambda x: np.zeros(len(x)))
    importances = get_param_importances(study, evaluator=MeanDecreaseImpurityImportanceEvaluator())
    assert importances == {"x0": 0.5, "x1": 0.5}


def conditional_study() -> hpo.Study:
    rng = np.random.default_rng(1)
    n = 200
    x = rng.uniform(0, 1, n)
    y = rng.uniform(0, 1, n)
    z = rng.uniform(0, 1, n)
    has_z = np.arange(n) % 2 == 0
    study = hpo.create_study()
    dist = FloatDistribution(0, 1)
    for k in range(n):
        params = {"x": float(x[k]), "y": float(y[k])}
        value = x[k] + 0.01 * y[k]
        if has_z[k]:
            params["z"] = float(z[k])
            value += 5 * z[k]
        study.add_trial(
            hpo.create_trial(
                params=params, distributions={p: dist for p in params}, value=float(value)
            )
        )
    return study


def test_conditional_parameters_are_left_out_unless_named() -> None:
    study = conditional_study()
    assert set(get_param_importances(study)) == {"x", "y"}
    named = get_param_importances(study, params=["z", "x"])
    assert list(named) == ["z", "x"]
    assert named["z"] > 0.7


def test_params_subset_evaluates_only_those() -> None:
    study = uniform_study(150, 4, one_dominant)
    importances = get_param_importances(study, params=["x0", "x2"])
    assert set(importances) == {"x0", "x2"}
    assert get_param_importances(study, params=[]) == {}


def test_only_complete_trials_count() -> None:
    study = uniform_study(100, 2, lambda x: x[:, 0])
    dist = FloatDistribution(0, 1)
    for k in range(50):
        study.add_trial(
            hpo.create_trial(
                params={"x0": 0.5, "x1": k / 50},
                distributions={"x0": dist, "x1": dist},
                state=hpo.trial.TrialState.FAIL,
            )
        )
    importances = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert next(iter(importances)) == "x0"


def multi_objective_study() -> hpo.Study:
    rng = np.random.default_rng(2)
    features = rng.uniform(0, 1, (200, 2))
    dist = FloatDistribution(0, 1)
    return study_from(
        {"a": dist, "b": dist},
        {"a": features[:, 0], "b": features[:, 1]},
        np.stack([features[:, 0], 3 * features[:, 1]], axis=1),
        directions=("minimize", "minimize"),
    )


@pytest.mark.parametrize("make", EVALUATORS, ids=IDS)
def test_multi_objective_needs_a_target(make) -> None:
    study = multi_objective_study()
    with pytest.raises(ValueError, match="target"):
        get_param_importances(study, evaluator=make())
    first = get_param_importances(study, evaluator=make(), target=lambda t: t.values[0])
    second = get_param_importances(study, evaluator=make(), target=lambda t: t.values[1])
    assert next(iter(first)) == "a"
    assert next(iter(second)) == "b"


def test_target_on_a_single_objective_study() -> None:
    study = uniform_study(200, 2, lambda x: x[:, 0])
    importances = get_param_importances(study, target=lambda t: t.params["x1"] ** 2)
    assert next(iter(importances)) == "x1"


def test_non_finite_targets_are_left_out() -> None:
    study = uniform_study(100, 2, lambda x: np.where(x[:, 1] > 0.9, np.inf, x[:, 0]))
    importances = get_param_importances(study, evaluator=MeanDecreaseImpurityImportanceEvaluator())
    assert next(iter(importances)) == "x0"


def test_sqlite_storage(tmp_path) -> None:
    rng = np.random.default_rng(3)
    features = rng.uniform(0, 1, (60, 2))
    dist = FloatDistribution(0, 1)
    study = study_from(
        {"a": dist, "b": dist},
        {"a": features[:, 0], "b": features[:, 1]},
        features[:, 1] * 5,
        storage=f"sqlite:///{tmp_path / 'i.db'}",
    )
    assert next(iter(get_param_importances(study, evaluator=PedAnovaImportanceEvaluator()))) == "b"


@pytest.mark.parametrize("make", EVALUATORS, ids=IDS)
def test_no_trials_and_one_trial_are_errors(make) -> None:
    study = hpo.create_study()
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        get_param_importances(study, evaluator=make())
    study = uniform_study(1, 2, lambda x: x[:, 0])
    with pytest.raises(ValueError, match="fewer than 2"):
        get_param_importances(study, evaluator=make())


def test_unknown_param_is_an_error() -> None:
    study = uniform_study(10, 2, lambda x: x[:, 0])
    with pytest.raises(ValueError, match="no COMPLETE trial has all of the parameters"):
        get_param_importances(study, params=["x0", "nope"])


@pytest.mark.parametrize("evaluator", [object(), "fanova", FanovaImportanceEvaluator])
def test_bad_evaluator_is_a_type_error(evaluator) -> None:
    study = uniform_study(10, 2, lambda x: x[:, 0])
    with pytest.raises(TypeError, match="BaseImportanceEvaluator"):
        get_param_importances(study, evaluator=evaluator)


def test_params_must_be_a_list_of_names() -> None:
    study = uniform_study(10, 2, lambda x: x[:, 0])
    with pytest.raises(TypeError, match="params"):
        get_param_importances(study, params="x0")  # type: ignore[arg-type]


def test_a_range_changed_between_trials_is_evaluated_when_named() -> None:
    rng = np.random.default_rng(4)
    study = hpo.create_study()
    for k in range(100):
        high = 1.0 if k % 2 else 2.0
        x, y = rng.uniform(0, high), rng.uniform(0, 1)
        study.add_trial(
            hpo.create_trial(
                params={"x": x, "y": y},
                distributions={"x": FloatDistribution(0, high), "y": FloatDistribution(0, 1)},
                value=x,
            )
        )
    assert list(get_param_importances(study)) == ["y"]
    assert next(iter(get_param_importances(study, params=["x", "y"]))) == "x"


def test_importing_the_package_does_not_import_sklearn() -> None:
    import subprocess
    import sys

    code = "import sys, hpo, hpo.importance; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
