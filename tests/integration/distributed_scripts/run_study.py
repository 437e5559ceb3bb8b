"""Run scenarios of a distributed objective on every rank; each rank writes what it saw as JSON.

Usage::

    mpirun -n N python run_study.py mpi SCENARIO[,SCENARIO...] STORAGE_URL OUT_DIR
    RANK=r WORLD_SIZE=N MASTER_ADDR=127.0.0.1 MASTER_PORT=p \\
        python run_study.py torch SCENARIO[,...] STORAGE_URL OUT_DIR

Each scenario is one study named after it; rank r writes ``OUT_DIR/SCENARIO.r.json``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import hpo
from hpo.pruners import BasePruner


class PruneTrialOne(BasePruner):
    """Prune trial 1 from its second report on."""

    def prune(self, study: object, trial: hpo.trial.FrozenTrial) -> bool:
        return trial.number == 1 and len(trial.intermediate_values) >= 2


def make_backend(backend: str) -> tuple[int, int, Callable[[Any], Any], Callable[[Any], Any]]:
    """Return (rank, size, study wrapper, trial wrapper) of the backend."""
    if backend == "mpi":
        from mpi4py import MPI

        from hpo.integration import MPIStudy, MPITrial

        comm = MPI.COMM_WORLD
        return (
            comm.Get_rank(),
            comm.Get_size(),
            lambda study: MPIStudy(study, comm),
            lambda trial: MPITrial(trial, comm),
        )
    import torch.distributed as dist

    from hpo.integration import TorchDistributedStudy, TorchDistributedTrial

    dist.init_process_group("gloo")
    return (
        dist.get_rank(),
        dist.get_world_size(),
        TorchDistributedStudy,
        TorchDistributedTrial,
    )


def main() -> None:
    backend, scenarios, url, out_dir = sys.argv[1:5]
    rank, size, study_wrapper, trial_wrapper = make_backend(backend)
    for scenario in scenarios.split(","):
        seen: list[dict[str, object]] = []
        error = None
        try:
            run_scenario(scenario, url, rank, size, study_wrapper, trial_wrapper, seen)
        except Exception as e:
            error = {"type": type(e).__name__, "message": str(e)}
        with open(os.path.join(out_dir, f"{scenario}.{rank}.json"), "w") as f:
            json.dump({"seen": seen, "error": error}, f)


def run_scenario(
    scenario: str,
    url: str,
    rank: int,
    size: int,
    study_wrapper: Callable[[Any], Any],
    trial_wrapper: Callable[[Any], Any],
    seen: list[dict[str, object]],
) -> None:
    study = None
    if rank == 0:
        study = hpo.create_study(storage=url, study_name=scenario, pruner=PruneTrialOne())

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10, 10)
        n = trial.suggest_int("n", 1, 100, log=True)
        kind = trial.suggest_categorical("kind", ["a", "b", "c"])
        record: dict[str, object] = {"number": trial.number, "x": x, "n": n, "kind": kind}
        seen.append(record)
        if scenario == "error" and rank == 1 and trial.number == 0:
            raise ValueError("boom on rank 1")
        if scenario == "caught" and rank == 2 and trial.number == 1:
            raise RuntimeError("caught on rank 2")
        if scenario == "early_return" and rank == 1 and trial.number == 0:
            return 0.0  # leaves while the other ranks still report
        if scenario == "bad_range" and trial.number == 1:
            trial.suggest_float("y", 1.0, 0.0)  # rank 0's trial rejects it, on every rank
        for step in range(3):
            trial.report(x * step, step)
            pruned = trial.should_prune()
            record[f"prune_{step}"] = pruned
            if pruned:
                record["pruned"] = True
                raise hpo.TrialPruned()
        trial.set_user_attr("rank_count", size)
        record["user_attrs"] = trial.user_attrs
        record["params"] = trial.params
        return x**2

    if scenario == "bad_range":
        # The pattern without a study wrapper: rank 0 optimizes, the others call the
        # objective once per trial with None.
        if rank == 0:
            assert study is not None
            study.optimize(lambda t: objective(trial_wrapper(t)), n_trials=3)
        else:
            for _ in range(3):
                objective(trial_wrapper(None))
        return
    catch = (RuntimeError,) if scenario == "caught" else ()
    study_wrapper(study).optimize(objective, n_trials=3, catch=catch)


if __name__ == "__main__":
    main()
