"""NSGAIISampler in several worker processes on one storage."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import hpo
from hpo.samplers.nsgaii._sampler import NSGAIISampler
from hpo.trial import Trial, TrialState

POPULATION = 4


def _objective(trial: Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    return x + y, 1.0 - x + y


def _worker(url: str, seed: int, barrier: Any) -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    sampler = NSGAIISampler(population_size=POPULATION, seed=seed)
    study = hpo.load_study(study_name="s", storage=url, sampler=sampler)
    barrier.wait(timeout=60)
    study.optimize(_objective, n_trials=12)


def test_worker_processes_breed_from_the_shared_parents(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nsga.db'}"
    hpo.create_study(study_name="s", storage=url, directions=["minimize", "minimize"])
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [context.Process(target=_worker, args=(url, seed, barrier)) for seed in (0, 1)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]

    study = hpo.load_study(study_name="s", storage=url)
    trials = study.trials
    assert len(trials) == 24 and all(t.state == TrialState.COMPLETE for t in trials)
    generation = {t.number: t.system_attrs["nsga2:generation"] for t in trials}
    last = max(generation.values())
    assert last >= 3
    for g in range(1, last + 1):
        parents = study.system_attrs[f"nsga2:parents:{g}"]
        assert 0 < len(parents) <= POPULATION
        # Parents are earlier trials. (Two workers that select at the same moment from
        # slightly different views may each use their own selection for that generation.)
        assert all(generation[n] < g for n in parents)
