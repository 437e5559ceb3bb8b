"""CatBoostPruningCallback: reports per iteration; a pruned fit stops and check_pruned raises."""

from __future__ import annotations

from typing import Any

import catboost as cb
import pytest

import hpo
from hpo.integration import CatBoostPruningCallback
from hpo.pruners import NopPruner
from hpo.trial import TrialState
from tests.integration.boosting_support import PruneAtStep, assert_import_names_extra, binary_data


def _model(iterations: int) -> cb.CatBoostClassifier:
    return cb.CatBoostClassifier(
        iterations=iterations, depth=3, verbose=0, thread_count=1, allow_writing_files=False
    )


def test_reports_the_validation_metric_at_every_iteration() -> None:
    X, y, X_valid, y_valid = binary_data()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    callback = CatBoostPruningCallback(trial, "Logloss")
    model = _model(5)
    model.fit(X, y, eval_set=[(X_valid, y_valid)], callbacks=[callback])
    callback.check_pruned()  # not pruned: no exception
    study.tell(trial, 0.0)
    expected = model.get_evals_result()["validation"]["Logloss"]
    assert len(expected) == 5
    assert study.trials[0].intermediate_values == dict(enumerate(expected))


def test_pruned_fit_stops_and_check_pruned_raises() -> None:
    X, y, X_valid, y_valid = binary_data()
    models: list[cb.CatBoostClassifier] = []

    def objective(trial: hpo.Trial) -> float:
        callback = CatBoostPruningCallback(trial, "Logloss")
        model = _model(30)
        models.append(model)
        model.fit(X, y, eval_set=[(X_valid, y_valid)], callbacks=[callback])
        callback.check_pruned()
        return 0.0

    study = hpo.create_study(pruner=PruneAtStep(4))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2, 3, 4]
    assert models[0].tree_count_ == 5


def test_eval_set_index_picks_one_of_several_sets() -> None:
    X, y, X_valid, y_valid = binary_data()
    study = hpo.create_study(pruner=NopPruner())
    trial = study.ask()
    model = _model(4)
    callback = CatBoostPruningCallback(trial, "Logloss", eval_set_index=1)
    model.fit(X, y, eval_set=[(X[:100], y[:100]), (X_valid, y_valid)], callbacks=[callback])
    study.tell(trial, 0.0)
    evals = model.get_evals_result()
    assert study.trials[0].intermediate_values == dict(enumerate(evals["validation_1"]["Logloss"]))
    assert evals["validation_1"]["Logloss"] != evals["validation_0"]["Logloss"]


def test_unknown_metric_is_a_clear_error() -> None:
    X, y, X_valid, y_valid = binary_data()
    trial = hpo.create_study().ask()
    callback = CatBoostPruningCallback(trial, "AUC")
    # CatBoost re-raises a callback's exception as CatBoostError carrying its message.
    with pytest.raises(
        cb.CatBoostError, match=r"no metric 'AUC' on the set 'validation'.*'Logloss'"
    ):
        _model(3).fit(X, y, eval_set=[(X_valid, y_valid)], callbacks=[callback])


@pytest.mark.parametrize("index", [-1, 1.0, True, "0"])
def test_bad_eval_set_index(index: Any) -> None:
    trial = hpo.create_study().ask()
    with pytest.raises(
        ValueError, match=f"eval_set_index must be None or a non-negative integer, got {index!r}"
    ):
        CatBoostPruningCallback(trial, "Logloss", eval_set_index=index)


def test_missing_catboost_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_import_names_extra(monkeypatch, "hpo.integration.catboost", "catboost", "catboost")
