"""Code written for Optuna inside an hpo study: Optuna's TrialPruned marks a trial PRUNED.

hpo recognizes Optuna's exception by looking Optuna up in ``sys.modules``; it never imports
Optuna itself, which a fresh interpreter checks below.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import optuna
import pytest

import hpo
from hpo.study import Study
from hpo.study._run_trial import is_foreign_pruned
from hpo.trial import Trial


class PrunedByThirdParty(optuna.exceptions.TrialPruned):
    """What a library written for Optuna may derive from Optuna's exception."""


def _study(storage: str | None = None) -> Study:
    return hpo.create_study(storage=storage, sampler=hpo.samplers.RandomSampler(seed=0))


def optuna_pruned_objective(trial: Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.report(x + 1.0, 0)
    raise optuna.TrialPruned(f"pruned by a callback written for Optuna at x={x}")


@pytest.mark.parametrize(
    "error_type",
    [optuna.TrialPruned, optuna.exceptions.TrialPruned, PrunedByThirdParty],
    ids=["optuna.TrialPruned", "optuna.exceptions.TrialPruned", "subclass"],
)
def test_optuna_trial_pruned_marks_the_trial_pruned(error_type: type[Exception]) -> None:
    def objective(trial: Trial) -> float:
        trial.report(2.5, 0)
        trial.report(1.5, 3)
        raise error_type("stopped")

    study = _study()
    study.optimize(objective, n_trials=2)  # nothing in catch: it must not count as an error
    for trial in study.trials:
        assert trial.state == hpo.trial.TrialState.PRUNED
        assert trial.value == 1.5  # the last intermediate value, as for hpo.TrialPruned
        assert "fail_reason" not in trial.system_attrs


def test_optuna_and_hpo_pruned_trials_are_recorded_alike() -> None:
    records = []
    for error_type in (hpo.TrialPruned, optuna.TrialPruned):

        def objective(trial: Trial, error_type: type[Exception] = error_type) -> float:
            trial.report(float(trial.number), 0)
            raise error_type()

        study = _study()
        study.optimize(objective, n_trials=3)
        records.append([(t.state, t.value, t.intermediate_values) for t in study.trials])
    assert records[0] == records[1]


def test_other_optuna_errors_still_fail_the_trial_and_follow_catch() -> None:
    def objective(trial: Trial) -> float:
        raise optuna.exceptions.StorageInternalError("not a pruning signal")

    study = _study()
    with pytest.raises(optuna.exceptions.StorageInternalError):
        study.optimize(objective, n_trials=2)
    study.optimize(objective, n_trials=1, catch=(optuna.exceptions.OptunaError,))
    assert [t.state.name for t in study.trials] == ["FAIL", "FAIL"]
    assert study.trials[0].system_attrs["fail_reason"].startswith("StorageInternalError")


@pytest.mark.slow  # imports xgboost
def test_a_callback_of_optuna_integration_prunes_an_hpo_trial() -> None:
    import xgboost as xgb
    from optuna_integration import XGBoostPruningCallback

    rng = np.random.default_rng(0)
    features = rng.normal(size=(40, 3))
    data = xgb.DMatrix(features, label=features[:, 0])

    def objective(trial: Trial) -> float:
        pruning = XGBoostPruningCallback(trial, "validation-rmse")
        params = {"eta": trial.suggest_float("eta", 0.1, 0.3), "max_depth": 2}
        xgb.train(
            params,
            data,
            num_boost_round=5,
            evals=[(data, "validation")],
            callbacks=[pruning],
            verbose_eval=False,
        )
        return 1.0

    # Any positive score is above the threshold: the callback's first should_prune() says so.
    study = hpo.create_study(pruner=hpo.pruners.ThresholdPruner(upper=0.0))
    study.optimize(objective, n_trials=2)
    assert [t.state.name for t in study.trials] == ["PRUNED", "PRUNED"]
    assert all(list(t.intermediate_values) == [0] for t in study.trials)


@pytest.mark.slow
def test_optuna_trial_pruned_in_a_trial_process(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(optuna_pruned_objective, n_trials=2, isolation="process")
    assert [t.state.name for t in study.trials] == ["PRUNED", "PRUNED"]
    assert all(t.value == t.params["x"] + 1.0 for t in study.trials)


def test_is_foreign_pruned_looks_only_at_loaded_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    error = optuna.TrialPruned()
    assert is_foreign_pruned(error)
    assert not is_foreign_pruned(ValueError())
    assert not is_foreign_pruned(hpo.TrialPruned())  # handled before, as hpo's own
    monkeypatch.delitem(sys.modules, "optuna.exceptions")
    assert not is_foreign_pruned(error)  # nothing imported, nothing recognized


def test_import_hpo_and_a_study_run_do_not_import_optuna(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys

        import hpo

        hpo.logging.set_verbosity(hpo.logging.ERROR)


        def objective(trial):
            x = trial.suggest_float("x", 0.0, 1.0)
            trial.report(x, 0)
            if trial.number % 3 == 1:
                raise hpo.TrialPruned()
            if trial.number % 3 == 2:
                raise ValueError("a failing trial")
            return x


        study = hpo.create_study(storage="sqlite:///study.db")
        study.optimize(objective, n_trials=6, catch=(ValueError,), trial_timeout=60)
        states = sorted({t.state.name for t in study.trials})
        assert states == ["COMPLETE", "FAIL", "PRUNED"], states
        loaded = sorted(m for m in sys.modules if m == "optuna" or m.startswith("optuna."))
        print("optuna modules:", loaded)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "optuna modules: []"
