"""XGBoostPruningCallback with xgboost.train, xgboost.cv and the scikit-learn API."""

from __future__ import annotations

from typing import Any

import pytest
import xgboost as xgb

import hpo
from hpo.integration import XGBoostPruningCallback
from hpo.pruners import NopPruner
from hpo.trial import TrialState
from tests.integration.boosting_support import PruneAtStep, assert_import_names_extra, binary_data

PARAMS = {"objective": "binary:logistic", "eval_metric": "logloss", "nthread": 1}


def _matrices() -> tuple[xgb.DMatrix, xgb.DMatrix]:
    X, y, X_valid, y_valid = binary_data()
    return xgb.DMatrix(X, y), xgb.DMatrix(X_valid, y_valid)


def test_train_reports_the_metric_at_every_round() -> None:
    train, valid = _matrices()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    history: dict[str, Any] = {}
    xgb.train(
        PARAMS,
        train,
        6,
        evals=[(train, "train"), (valid, "validation")],
        evals_result=history,
        verbose_eval=False,
        callbacks=[XGBoostPruningCallback(trial, "validation-logloss")],
    )
    study.tell(trial, 0.0)
    assert study.trials[0].intermediate_values == dict(enumerate(history["validation"]["logloss"]))
    assert history["validation"]["logloss"] != history["train"]["logloss"]


def test_pruned_trial_stops_boosting_at_the_pruned_step() -> None:
    train, valid = _matrices()
    history: dict[str, Any] = {}

    def objective(trial: hpo.Trial) -> float:
        xgb.train(
            PARAMS,
            train,
            30,
            evals=[(valid, "validation")],
            evals_result=history,
            verbose_eval=False,
            callbacks=[XGBoostPruningCallback(trial, "validation-logloss")],
        )
        return 0.0

    study = hpo.create_study(pruner=PruneAtStep(4))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2, 3, 4]
    # evals_result is filled when training returns; a pruned run leaves it empty, so count
    # the rounds by what was reported and by a booster that did train.
    assert history == {}


def test_cv_reports_the_mean_over_folds() -> None:
    train, _ = _matrices()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    result = xgb.cv(
        PARAMS,
        train,
        5,
        nfold=3,
        seed=0,
        callbacks=[XGBoostPruningCallback(trial, "test-logloss")],
    )
    study.tell(trial, 0.0)
    assert study.trials[0].intermediate_values == dict(
        enumerate(result["test-logloss-mean"].tolist())
    )

    def objective(trial: hpo.Trial) -> float:
        callback = XGBoostPruningCallback(trial, "test-logloss")
        xgb.cv(PARAMS, train, 20, nfold=3, callbacks=[callback])
        return 0.0

    study = hpo.create_study(pruner=PruneAtStep(2))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2]


def test_scikit_learn_api_reports_and_prunes() -> None:
    X, y, X_valid, y_valid = binary_data()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    model = xgb.XGBClassifier(
        n_estimators=5,
        n_jobs=1,
        eval_metric="logloss",
        callbacks=[XGBoostPruningCallback(trial, "validation_1-logloss")],
    )
    model.fit(X, y, eval_set=[(X, y), (X_valid, y_valid)], verbose=False)
    study.tell(trial, 0.0)
    expected = model.evals_result()["validation_1"]["logloss"]
    assert study.trials[0].intermediate_values == dict(enumerate(expected))

    def objective(trial: hpo.Trial) -> float:
        callback = XGBoostPruningCallback(trial, "validation_0-logloss")
        model = xgb.XGBClassifier(
            n_estimators=30, n_jobs=1, eval_metric="logloss", callbacks=[callback]
        )
        model.fit(X, y, eval_set=[(X_valid, y_valid)], verbose=False)
        return 0.0

    study = hpo.create_study(pruner=PruneAtStep(3))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert max(study.trials[0].intermediate_values) == 3


def test_cloned_estimator_reports_to_the_same_trial() -> None:
    from sklearn.base import clone

    X, y, X_valid, y_valid = binary_data()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    model = xgb.XGBClassifier(
        n_estimators=3,
        n_jobs=1,
        eval_metric="logloss",
        callbacks=[XGBoostPruningCallback(trial, "validation_0-logloss")],
    )
    copy = clone(model)
    copy.fit(X, y, eval_set=[(X_valid, y_valid)], verbose=False)
    study.tell(trial, 0.0)
    expected = copy.evals_result()["validation_0"]["logloss"]
    assert study.trials[0].intermediate_values == dict(enumerate(expected))


def test_unknown_observation_key_is_a_clear_error() -> None:
    train, valid = _matrices()
    trial = hpo.create_study().ask()
    callback = XGBoostPruningCallback(trial, "validation-auc")
    with pytest.raises(
        ValueError, match=r"does not evaluate 'validation-auc'.*'validation-logloss'"
    ):
        xgb.train(
            PARAMS,
            train,
            3,
            evals=[(valid, "validation")],
            verbose_eval=False,
            callbacks=[callback],
        )
    assert trial.study.trials[0].intermediate_values == {}


@pytest.mark.parametrize("key", ["logloss", "", "-", 3])
def test_malformed_observation_key(key: Any) -> None:
    trial = hpo.create_study().ask()
    with pytest.raises(ValueError, match=f"observation_key must be '<set>-<metric>'.*got {key!r}"):
        XGBoostPruningCallback(trial, key)


def test_missing_xgboost_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_import_names_extra(monkeypatch, "hpo.integration.xgboost", "xgboost", "xgboost")
