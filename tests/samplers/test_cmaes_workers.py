"""CmaEsSampler with several worker processes on one SQLite file."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from pathlib import Path

import hpo
from hpo.samplers._cmaes import CmaEsSampler
from hpo.trial import TrialState


def _objective(trial: hpo.Trial) -> float:
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))


def _worker(url: str, seed: int) -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.load_study(study_name="cma", storage=url, sampler=CmaEsSampler(seed=seed))
    study.optimize(_objective, n_trials=40)


def test_workers_share_one_search(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cma.db'}"
    hpo.create_study(study_name="cma", storage=url)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(url, seed)) for seed in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]

    study = hpo.load_study(study_name="cma", storage=url)
    trials = study.trials
    assert Counter(t.state for t in trials) == {TrialState.COMPLETE: 80}
    (key,) = [k for k in study.system_attrs if k.startswith("cma:")]
    state = json.loads(study.system_attrs[key])
    popsize = state["es"]["popsize"]
    tags = Counter(tuple(t.system_attrs[key + ":generation"]) for t in trials if t.system_attrs)
    # Both workers drew candidates for the same generations, which advanced together:
    # One worker alone would reach generation 5 (40 trials of 7 per generation).
    assert state["es"]["generation"] >= 7
    assert all(
        count >= popsize for tag, count in tags.items() if tag[1] < state["es"]["generation"]
    )
    assert study.best_value < 1.0
