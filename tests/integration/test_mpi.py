"""MPIStudy and MPITrial under a real ``mpirun``: every rank sees rank 0's decisions.

The multi-rank tests run tests/integration/distributed_scripts/run_study.py under one
``mpirun -n 3`` (the example runs under ``-n 2``) and read what each rank saw. Without
``mpirun`` they skip loudly, except under ``CI``, where Open MPI is installed and they fail
instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.trial import TrialState
from tests.integration.distributed_support import (
    assert_import_names_extra,
    run_once_per_session,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "distributed_scripts" / "run_study.py"


def mpirun_command(n_processes: int) -> list[str]:
    """Return the ``mpirun`` prefix for ``n_processes`` ranks, or skip (fail under CI)."""
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        reason = "mpirun is not on PATH (install Open MPI: apt-get install openmpi-bin)"
        if os.environ.get("CI"):
            pytest.fail(f"MPI is required in CI but unavailable: {reason}", pytrace=False)
        pytest.skip(f"SKIPPING MPI TESTS: {reason}")
    return [mpirun, "--allow-run-as-root", "--oversubscribe", "-n", str(n_processes)]


def run_ranks(tmp_path: Path, scenarios: list[str], n_processes: int) -> None:
    """Run scenarios of run_study.py in one ``mpirun``; return the folder of its results."""
    command = mpirun_command(n_processes)
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    result = subprocess.run(
        [*command, sys.executable, str(SCRIPT), "mpi", ",".join(scenarios), url, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,  # a rank waiting forever for another fails the test instead of hanging
        env=mpi_env(),
    )
    assert result.returncode == 0, result.stderr


def mpi_env() -> dict[str, str]:
    # Ranks waiting in a collective yield the CPU instead of spinning (the machine is shared).
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMPI_MCA_mpi_yield_when_idle": "1"}


def results(out_dir: Path, scenario: str, n_processes: int) -> tuple[list[Any], hpo.Study]:
    """Each rank's record of ``scenario`` and the study it ran."""
    records = [
        json.loads((out_dir / f"{scenario}.{rank}.json").read_text())
        for rank in range(n_processes)
    ]
    url = f"sqlite:///{out_dir / 'mpi.db'}"
    return records, hpo.load_study(study_name=scenario, storage=url)


@pytest.fixture(scope="module")
def three_ranks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every scenario, run once by one ``mpirun -n 3`` (an MPI start costs seconds)."""
    scenarios = ["params", "error", "early_return", "caught"]
    return run_once_per_session(
        tmp_path_factory, "mpi3", lambda out_dir: run_ranks(out_dir, scenarios, 3)
    )


@pytest.mark.slow
def test_every_rank_sees_rank_zeros_parameters_and_pruning(three_ranks: Path) -> None:
    records, study = results(three_ranks, "params", 3)
    rank0, rank1, rank2 = records
    assert rank0["error"] is None and rank1["error"] is None and rank2["error"] is None
    assert rank0["seen"] == rank1["seen"] == rank2["seen"]
    trials = study.get_trials(deepcopy=False)
    assert [t.state for t in trials] == [
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.COMPLETE,
    ]
    for record, trial in zip(rank0["seen"], trials):
        assert record["number"] == trial.number
        assert {k: record[k] for k in ("x", "n", "kind")} == trial.params
    # Trial 1 was pruned at its second report, on every rank.
    assert [r.get("pruned", False) for r in rank1["seen"]] == [False, True, False]
    assert rank1["seen"][1]["prune_1"] is True
    # Attributes are written once, by rank 0, and read back the same on every rank.
    assert trials[0].user_attrs == {"rank_count": 3}
    assert rank2["seen"][0]["user_attrs"] == {"rank_count": 3}
    assert trials[0].intermediate_values == {s: trials[0].params["x"] * s for s in range(3)}


@pytest.mark.slow
def test_an_exception_on_rank_one_reaches_rank_zero_and_fails_the_trial(
    three_ranks: Path,
) -> None:
    records, study = results(three_ranks, "error", 3)
    for record in records:
        assert record["error"] == {"type": "ValueError", "message": "boom on rank 1"}
    (trial,) = study.get_trials(deepcopy=False)
    assert trial.state == TrialState.FAIL
    assert "boom on rank 1" in trial.system_attrs["fail_reason"]


@pytest.mark.slow
def test_a_caught_exception_on_rank_two_of_three_fails_only_that_trial(three_ranks: Path) -> None:
    records, study = results(three_ranks, "caught", 3)
    assert all(record["error"] is None for record in records)
    assert records[0]["seen"] == records[1]["seen"] == records[2]["seen"]
    states = [t.state for t in study.get_trials(deepcopy=False)]
    assert states == [TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]


@pytest.mark.slow
def test_a_rank_that_leaves_early_fails_the_trial_on_every_rank(three_ranks: Path) -> None:
    records, study = results(three_ranks, "early_return", 3)
    for record in records:
        assert record["error"]["type"] == "RuntimeError"
        assert (
            "Rank 1 returned from the objective while rank 0 called report"
            in (record["error"]["message"])
        )
    assert [t.state for t in study.get_trials(deepcopy=False)] == [TrialState.FAIL]


def test_single_process_study_runs_trials_and_records_failures() -> None:
    from mpi4py import MPI

    from hpo.integration import MPIStudy

    study = hpo.create_study()

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number in (1, 3):
            raise KeyError("bad trial")
        return x

    mpi_study = MPIStudy(study, MPI.COMM_SELF)
    mpi_study.optimize(objective, n_trials=3, catch=KeyError)
    assert [t.state for t in mpi_study.trials] == [
        TrialState.COMPLETE,
        TrialState.FAIL,
        TrialState.COMPLETE,
    ]
    with pytest.raises(KeyError, match="bad trial"):
        mpi_study.optimize(objective, n_trials=3)


def test_bad_arguments_are_rejected_with_the_value() -> None:
    from mpi4py import MPI

    from hpo.integration import MPIStudy, MPITrial

    with pytest.raises(TypeError, match=r"Rank 0 must pass an hpo\.Study, got None"):
        MPIStudy(None, MPI.COMM_SELF)
    with pytest.raises(TypeError, match=r"mpi4py\.MPI\.Intracomm, got 'world'"):
        MPIStudy(hpo.create_study(), "world")
    with pytest.raises(ValueError, match="Rank 0 must pass the trial it runs, got trial=None"):
        MPITrial(None, MPI.COMM_SELF)
    with pytest.raises(TypeError, match="catch must hold exception classes, got 3"):
        MPIStudy(hpo.create_study(), MPI.COMM_SELF).optimize(lambda t: 0.0, n_trials=1, catch=[3])


def test_importing_without_mpi4py_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_import_names_extra(monkeypatch, "hpo.integration.mpi", "mpi4py", "mpi")


@pytest.mark.slow
def test_example_runs_under_mpirun_with_two_ranks(tmp_path: Path) -> None:
    command = mpirun_command(2)
    script = ROOT / "examples" / "mpi_distributed_objective.py"
    result = subprocess.run(
        [*command, sys.executable, str(script), "--trials", "8", "--epochs", "4"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=mpi_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "Ranks: 2. Trials: 8, pruned: " in result.stdout
    assert "Best validation MSE: " in result.stdout
