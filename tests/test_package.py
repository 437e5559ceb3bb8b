"""Tests of the package surface: lazy imports, version, exceptions, Optuna-style scripts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hpo
import hpo.exceptions as exc

REPO_ROOT = Path(__file__).resolve().parent.parent


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_does_not_load_heavy_dependencies() -> None:
    result = _run_python(
        """
        import sys
        import hpo
        heavy = ["pandas", "plotly", "sqlalchemy", "scipy.special", "scipy.optimize"]
        heavy.append("scipy.linalg")
        print(",".join(m for m in heavy if m in sys.modules))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_samplers_that_need_more_of_scipy_load_on_first_access() -> None:
    result = _run_python(
        """
        import sys
        import hpo
        from hpo.samplers import GPSampler
        print(GPSampler.__module__, "scipy.optimize" in sys.modules)
        print(hpo.samplers.CmaEsSampler.__module__)
        try:
            hpo.samplers.NoSuchSampler
        except AttributeError as error:
            print(error)
        """
    )
    assert result.returncode == 0, result.stderr
    gp, cmaes, missing = result.stdout.strip().splitlines()
    assert gp == "hpo.samplers._gp._sampler True"
    assert cmaes == "hpo.samplers._cmaes._sampler"
    assert "NoSuchSampler" in missing


def test_in_memory_optimize_does_not_load_heavy_dependencies() -> None:
    result = _run_python(
        """
        import sys
        import hpo
        hpo.logging.set_verbosity(hpo.logging.WARNING)
        study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        study.best_params
        heavy = ["pandas", "plotly", "sqlalchemy"]
        print(",".join(m for m in heavy if m in sys.modules))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_version() -> None:
    assert isinstance(hpo.__version__, str)
    assert hpo.__version__
    assert hpo.__version__[0].isdigit()
    from hpo.version import __version__

    assert hpo.__version__ == __version__


def test_lazy_submodule_and_unknown_attribute() -> None:
    assert hpo.visualization.__name__ == "hpo.visualization"
    assert hpo.report.write_report.__module__.startswith("hpo.report")
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = hpo.no_such_thing  # type: ignore[attr-defined]


def test_public_names_resolve() -> None:
    for name in hpo.__all__:
        assert getattr(hpo, name) is not None, name


def test_top_level_aliases() -> None:
    assert hpo.TrialPruned is exc.TrialPruned
    assert hpo.Trial is hpo.trial.Trial
    assert hpo.Study is hpo.study.Study
    assert hpo.create_trial is hpo.trial.create_trial


# -- exceptions ---------------------------------------------------------------------------------


def test_exception_hierarchy() -> None:
    assert exc.OptunaError is exc.HpoError
    assert issubclass(exc.HpoError, Exception)
    for cls in (
        exc.TrialPruned,
        exc.DuplicatedStudyError,
        exc.StorageInternalError,
        exc.UpdateFinishedTrialError,
        exc.CLIUsageError,
        exc.StorageVersionError,
    ):
        assert issubclass(cls, exc.HpoError), cls
    assert issubclass(exc.UpdateFinishedTrialError, RuntimeError)
    assert issubclass(exc.ExperimentalWarning, exc.HpoWarning)
    assert issubclass(exc.HpoWarning, UserWarning)


def test_optuna_style_except_clauses() -> None:
    import hpo as optuna

    storage = optuna.storages.InMemoryStorage()
    optuna.create_study(storage=storage, study_name="s")
    with pytest.raises(optuna.exceptions.OptunaError):
        optuna.create_study(storage=storage, study_name="s")
    try:
        raise optuna.exceptions.TrialPruned()
    except optuna.TrialPruned:
        pass


# -- an Optuna script, unchanged but for the import ---------------------------------------------

OPTUNA_SCRIPT = """
import hpo as optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    classifier = trial.suggest_categorical("classifier", ["SVC", "RandomForest"])
    if classifier == "SVC":
        c = trial.suggest_float("svc_c", 1e-10, 1e10, log=True)
        score = 1.0 / (1.0 + abs(c - 1.0))
    else:
        depth = trial.suggest_int("rf_max_depth", 2, 32, log=True)
        score = depth / 32.0
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
    for epoch in range(5):
        intermediate = score * (epoch + 1) / 5 - dropout / 10
        trial.report(intermediate, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return score - dropout / 10


sampler = optuna.samplers.RandomSampler(seed=10)
study = optuna.create_study(direction="maximize", sampler=sampler,
                            pruner=optuna.pruners.MedianPruner(n_warmup_steps=1))
study.optimize(objective, n_trials=20)

pruned = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.PRUNED])
complete = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.COMPLETE])
assert len(pruned) + len(complete) == 20
best = study.best_trial
assert best.value == max(t.value for t in complete)
assert study.best_value == best.value
assert set(study.best_params) >= {"classifier", "dropout"}
df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
assert len(df) == 20
assert "params_classifier" in df.columns
print("best", study.best_params)
"""


def test_optuna_script_runs_in_process() -> None:
    namespace: dict[str, object] = {"__name__": "script"}
    exec(compile(OPTUNA_SCRIPT, "optuna_script", "exec"), namespace)
    study = namespace["study"]
    assert isinstance(study, hpo.Study)
    assert len(study.trials) == 20


def test_optuna_script_runs_as_a_program() -> None:
    result = _run_python(OPTUNA_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("best {")
