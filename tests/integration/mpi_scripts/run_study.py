"""Run one scenario of an MPIStudy on every rank; each rank writes what it saw as JSON.

Usage: ``mpirun -n N python run_study.py SCENARIO[,SCENARIO...] STORAGE_URL OUT_DIR``. Each
scenario is one study named after it; rank r writes ``OUT_DIR/SCENARIO.r.json``.
"""

from __future__ import annotations

import json
import sys

from mpi4py import MPI

import hpo
from hpo.integration import MPIStudy
from hpo.pruners import BasePruner


class PruneTrialOne(BasePruner):
    """Prune trial 1 from its second report on."""

    def prune(self, study: object, trial: hpo.trial.FrozenTrial) -> bool:
        return trial.number == 1 and len(trial.intermediate_values) >= 2


def main() -> None:
    scenarios, url, out_dir = sys.argv[1:4]
    for scenario in scenarios.split(","):
        run_scenario(scenario, url, out_dir)


def run_scenario(scenario: str, url: str, out_dir: str) -> None:
    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    seen: list[dict[str, object]] = []
    study = None
    if rank == 0:
        study = hpo.create_study(storage=url, study_name=scenario, pruner=PruneTrialOne())

    def objective(trial: hpo.Trial) -> float:
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
        for step in range(3):
            trial.report(x * step, step)
            pruned = trial.should_prune()
            record[f"prune_{step}"] = pruned
            if pruned:
                record["pruned"] = True
                raise hpo.TrialPruned()
        trial.set_user_attr("rank_count", comm.Get_size())
        record["user_attrs"] = trial.user_attrs
        record["params"] = trial.params
        return x**2

    mpi_study = MPIStudy(study, comm)
    catch = (RuntimeError,) if scenario == "caught" else ()
    error = None
    try:
        mpi_study.optimize(objective, n_trials=3, catch=catch)
    except Exception as e:
        error = {"type": type(e).__name__, "message": str(e)}
    with open(f"{out_dir}/{scenario}.{rank}.json", "w") as f:
        json.dump({"seen": seen, "error": error}, f)


if __name__ == "__main__":
    main()
