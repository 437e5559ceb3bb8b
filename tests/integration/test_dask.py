"""hpo.integration.dask on a real LocalCluster of three worker processes.

One cluster serves the module (starting one costs seconds). The studies live in SQLite,
PostgreSQL (tests/postgres_server.py) or a DaskStorage kept by the scheduler.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import distributed
import pytest

import hpo
from hpo.integration.dask import DaskStorage, optimize
from hpo.trial import Trial, TrialState
from tests.integration.distributed_support import assert_import_names_extra

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    cluster = distributed.LocalCluster(
        n_workers=3, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    dask_client = distributed.Client(cluster)
    try:
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()


def quadratic(trial: Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    return x * x


def assert_complete_with_unique_numbers(study: hpo.Study, n_trials: int) -> None:
    trials = study.get_trials(deepcopy=False)
    assert Counter(t.state for t in trials) == {TrialState.COMPLETE: n_trials}
    assert sorted(t.number for t in trials) == list(range(n_trials))


@pytest.mark.slow
def test_three_workers_run_200_trials_into_sqlite(
    client: distributed.Client, tmp_path: Path
) -> None:
    study = hpo.create_study(
        storage=f"sqlite:///{tmp_path / 'dask.db'}", sampler=hpo.samplers.RandomSampler(seed=1)
    )
    optimize(study, quadratic, n_trials=200, client=client)
    assert_complete_with_unique_numbers(study, 200)
    # Each worker samples with its own reseeded copy of the seeded sampler.
    assert len({t.params["x"] for t in study.trials}) == 200


@pytest.mark.slow
def test_three_workers_run_200_trials_into_postgresql(
    client: distributed.Client, postgres_database_url: str
) -> None:
    study = hpo.create_study(
        storage=postgres_database_url, sampler=hpo.samplers.RandomSampler(seed=1)
    )
    optimize(study, quadratic, n_trials=200, client=client)
    assert_complete_with_unique_numbers(study, 200)


@pytest.mark.slow
def test_a_worker_dying_mid_trial_loses_no_trial(
    client: distributed.Client, tmp_path: Path
) -> None:
    study = hpo.create_study(storage=f"sqlite:///{tmp_path / 'dask.db'}")
    marker = tmp_path / "died"

    def dies_once(trial: Trial) -> float:
        x = trial.suggest_float("x", -10, 10)
        if trial.number == 4 and not marker.exists():
            marker.touch()
            os._exit(1)  # the worker process dies mid-trial; its nanny starts a new one
        return x * x

    optimize(study, dies_once, n_trials=30, client=client)
    assert marker.exists()
    trials = study.get_trials(deepcopy=False)
    assert Counter(t.state for t in trials) == {TrialState.COMPLETE: 30, TrialState.FAIL: 1}
    assert sorted(t.number for t in trials) == list(range(31))
    (dead,) = [t for t in trials if t.state == TrialState.FAIL]
    assert dead.number == 4
    assert "Dask worker died" in dead.system_attrs["fail_reason"]
    (retry,) = [t for t in trials if t.system_attrs.get("failed_trial") == 4]
    assert retry.state == TrialState.COMPLETE
    assert retry.params == dead.params


@pytest.mark.slow
def test_an_in_memory_study_is_shared_through_dask_storage(client: distributed.Client) -> None:
    storage = DaskStorage(client=client)
    study = hpo.create_study(storage=storage, study_name="shared")
    optimize(study, quadratic, n_trials=30, client=client)
    assert_complete_with_unique_numbers(study, 30)
    assert storage.get_base_storage_name() == "InMemoryStorage"
    # Another DaskStorage with the same name reaches the same study, here and pickled.
    again = DaskStorage(name=storage.name, client=client, register=False)
    assert len(hpo.load_study(study_name="shared", storage=again).trials) == 30
    assert pickle.loads(pickle.dumps(storage)).name == storage.name
    # Errors of the scheduler's storage reach the caller.
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("no such study")


@pytest.mark.slow
def test_objective_errors_stop_the_run_unless_caught(
    client: distributed.Client, tmp_path: Path
) -> None:
    study = hpo.create_study(storage=f"sqlite:///{tmp_path / 'dask.db'}")

    def fails_on_third(trial: Trial) -> float:
        if trial.number == 2:
            raise ZeroDivisionError("trial two")
        return 1.0

    optimize(study, fails_on_third, n_trials=5, client=client, catch=ZeroDivisionError)
    assert Counter(t.state for t in study.trials) == {TrialState.COMPLETE: 4, TrialState.FAIL: 1}
    with pytest.raises(ZeroDivisionError, match="trial two"):
        study2 = hpo.create_study(storage=f"sqlite:///{tmp_path / 'dask2.db'}")
        optimize(study2, fails_on_third, n_trials=5, client=client)


def test_bad_arguments_are_rejected_with_the_value(
    client: distributed.Client, tmp_path: Path
) -> None:
    study = hpo.create_study(storage=f"sqlite:///{tmp_path / 'dask.db'}")
    with pytest.raises(ValueError, match="in this process's memory"):
        optimize(hpo.create_study(), quadratic, n_trials=3, client=client)
    with pytest.raises(ValueError, match="in-memory SQLite"):
        optimize(hpo.create_study(storage="sqlite://"), quadratic, n_trials=3, client=client)
    with pytest.raises(ValueError, match="n_trials must be a positive int, got 0"):
        optimize(study, quadratic, n_trials=0, client=client)
    with pytest.raises(ValueError, match="timeout must be >= 0 or None, got -1"):
        optimize(study, quadratic, n_trials=1, client=client, timeout=-1)
    with pytest.raises(TypeError, match="func must be callable, got 3"):
        optimize(study, 3, n_trials=1, client=client)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="catch must hold exception classes, got 'x'"):
        optimize(study, quadratic, n_trials=1, client=client, catch=["x"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="No DaskStorage named 'missing'"):
        DaskStorage(name="missing", client=client, register=False)
    with pytest.raises(TypeError, match="storage must be None, a database URL or a BaseStorage"):
        DaskStorage(storage=3, client=client)  # type: ignore[arg-type]
    assert study.trials == []


def test_importing_without_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name.startswith("hpo.integration._dask"):
            monkeypatch.delitem(sys.modules, name)
    assert_import_names_extra(monkeypatch, "hpo.integration.dask", "distributed", "dask")


@pytest.mark.slow
def test_example_runs_into_its_sqlite_study(tmp_path: Path) -> None:
    script = ROOT / "examples" / "dask_workers.py"
    result = subprocess.run(
        [sys.executable, str(script), "--trials", "4", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "4 trials in the study." in result.stdout
    assert "Best R^2: " in result.stdout
    assert (tmp_path / "dask_workers.db").exists()
