"""LightGBMPruningCallback with lightgbm.train, lightgbm.cv and the scikit-learn API."""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import pytest

import hpo
from hpo.integration import LightGBMPruningCallback
from hpo.pruners import NopPruner
from hpo.trial import TrialState
from tests.integration.boosting_support import PruneAtStep, assert_import_names_extra, binary_data

PARAMS = {"objective": "binary", "metric": "binary_logloss", "verbose": -1, "num_threads": 1}


def _datasets() -> tuple[lgb.Dataset, lgb.Dataset]:
    X, y, X_valid, y_valid = binary_data()
    train = lgb.Dataset(X, y)
    return train, lgb.Dataset(X_valid, y_valid, reference=train)


def _train(trial: hpo.Trial, history: dict[str, Any], rounds: int = 10, **callback: Any) -> None:
    train, valid = _datasets()
    lgb.train(
        PARAMS,
        train,
        rounds,
        valid_sets=[valid],
        callbacks=[lgb.record_evaluation(history), LightGBMPruningCallback(trial, **callback)],
    )


def test_train_reports_the_validation_metric_at_every_iteration() -> None:
    study = hpo.create_study(pruner=NopPruner())
    history: dict[str, Any] = {}
    trial = study.ask()
    _train(trial, history, metric="binary_logloss")
    study.tell(trial, 0.0)
    expected = history["valid_0"]["binary_logloss"]
    assert len(expected) == 10
    assert study.trials[0].intermediate_values == dict(enumerate(expected))


def test_report_interval_reports_every_kth_iteration() -> None:
    study = hpo.create_study(pruner=NopPruner())
    history: dict[str, Any] = {}
    trial = study.ask()
    _train(trial, history, metric="binary_logloss", report_interval=3)
    study.tell(trial, 0.0)
    expected = history["valid_0"]["binary_logloss"]
    assert study.trials[0].intermediate_values == {step: expected[step] for step in (2, 5, 8)}


def test_pruned_trial_stops_boosting_at_the_pruned_step() -> None:
    study = hpo.create_study(pruner=PruneAtStep(4))
    history: dict[str, Any] = {}

    def objective(trial: hpo.Trial) -> float:
        _train(trial, history, rounds=20, metric="binary_logloss")
        return 0.0

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.PRUNED
    assert len(history["valid_0"]["binary_logloss"]) == 5  # iterations 0..4, then stopped
    assert sorted(trial.intermediate_values) == [0, 1, 2, 3, 4]


def test_named_validation_set_among_several() -> None:
    train, valid = _datasets()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    history: dict[str, Any] = {}
    lgb.train(
        PARAMS,
        train,
        4,
        valid_sets=[train, valid],
        valid_names=["fit", "holdout"],
        callbacks=[
            lgb.record_evaluation(history),
            LightGBMPruningCallback(trial, "binary_logloss", valid_name="holdout"),
        ],
    )
    study.tell(trial, 0.0)
    assert study.trials[0].intermediate_values == dict(
        enumerate(history["holdout"]["binary_logloss"])
    )
    assert history["holdout"] != history["fit"]


def test_cv_reports_the_mean_over_folds_and_prunes() -> None:
    train, _ = _datasets()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    callback = LightGBMPruningCallback(trial, "binary_logloss")
    result = lgb.cv(PARAMS, train, 5, nfold=3, callbacks=[callback])
    study.tell(trial, 0.0)
    means = result["valid binary_logloss-mean"]
    assert study.trials[0].intermediate_values == dict(enumerate(means))

    def objective(trial: hpo.Trial) -> float:
        lgb.cv(
            PARAMS,
            train,
            20,
            nfold=3,
            callbacks=[LightGBMPruningCallback(trial, "binary_logloss")],
        )
        return 0.0

    study = hpo.create_study(pruner=PruneAtStep(2))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2]


def test_scikit_learn_api_reports_and_prunes() -> None:
    X, y, X_valid, y_valid = binary_data()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    model = lgb.LGBMClassifier(n_estimators=6, verbose=-1, n_jobs=1)
    model.fit(
        X,
        y,
        eval_X=(X_valid,),
        eval_y=(y_valid,),
        callbacks=[LightGBMPruningCallback(trial, "binary_logloss")],
    )
    study.tell(trial, 0.0)
    expected = model.evals_result_["valid_0"]["binary_logloss"]
    assert study.trials[0].intermediate_values == dict(enumerate(expected))

    def objective(trial: hpo.Trial) -> float:
        model = lgb.LGBMClassifier(n_estimators=30, verbose=-1, n_jobs=1)
        callback = LightGBMPruningCallback(trial, "binary_logloss")
        model.fit(X, y, eval_X=(X_valid,), eval_y=(y_valid,), callbacks=[callback])
        return 0.0

    study = hpo.create_study(pruner=PruneAtStep(3))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert max(study.trials[0].intermediate_values) == 3


@pytest.mark.parametrize(
    ("callback", "message"),
    [
        ({"metric": "auc"}, r"no metric 'auc' on the set 'valid_0'.*'valid_0': 'binary_logloss'"),
        (
            {"metric": "binary_logloss", "valid_name": "test"},
            r"no metric 'binary_logloss' on the set 'test'",
        ),
    ],
)
def test_unknown_metric_or_set_is_a_clear_error(callback: dict[str, Any], message: str) -> None:
    study = hpo.create_study()
    trial = study.ask()
    with pytest.raises(ValueError, match=message):
        _train(trial, {}, **callback)
    assert study.trials[0].intermediate_values == {}


def test_metric_going_against_the_study_direction_is_an_error() -> None:
    train, valid = _datasets()
    study = hpo.create_study(direction="minimize")
    trial = study.ask()
    params = {**PARAMS, "metric": "auc"}
    with pytest.raises(
        ValueError, match="LightGBM maximizes 'auc' but the study's direction is minimize"
    ):
        lgb.train(
            params, train, 3, valid_sets=[valid], callbacks=[LightGBMPruningCallback(trial, "auc")]
        )


def test_maximized_metric_in_a_maximizing_study() -> None:
    train, valid = _datasets()
    study = hpo.create_study(direction="maximize", pruner=NopPruner())
    trial = study.ask()
    history: dict[str, Any] = {}
    params = {**PARAMS, "metric": "auc"}
    callbacks = [lgb.record_evaluation(history), LightGBMPruningCallback(trial, "auc")]
    lgb.train(params, train, 3, valid_sets=[valid], callbacks=callbacks)
    assert trial.study.trials[0].intermediate_values == dict(enumerate(history["valid_0"]["auc"]))


@pytest.mark.parametrize("interval", [0, -1, 1.5, True])
def test_bad_report_interval(interval: Any) -> None:
    trial = hpo.create_study().ask()
    with pytest.raises(
        ValueError, match=f"report_interval must be a positive integer, got {interval!r}"
    ):
        LightGBMPruningCallback(trial, "binary_logloss", report_interval=interval)


def test_module_stands_in_for_lightgbm() -> None:
    import hpo.integration.lightgbm as hpo_lgb

    assert hpo_lgb.Dataset is lgb.Dataset
    assert hpo_lgb.cv is lgb.cv
    assert hpo_lgb.early_stopping is lgb.early_stopping
    assert hpo_lgb.LGBMClassifier is lgb.LGBMClassifier


def test_missing_lightgbm_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_import_names_extra(monkeypatch, "hpo.integration.lightgbm", "lightgbm", "lightgbm")
