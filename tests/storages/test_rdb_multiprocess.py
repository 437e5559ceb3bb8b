"""Many worker processes on one study: unique numbers, nothing lost, enqueued trials run once."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.storages import RDBStorage
from hpo.trial import TrialState

N_WORKERS = 8
TRIALS_PER_WORKER = 250
N_ENQUEUED = 50


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workers.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


def _objective(trial: hpo.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_int("y", 0, 1000)
    trial.report(x, 0)
    return x * x + y


def _worker(url: str, study_name: str, n_trials: int, seed: int) -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.load_study(
        study_name=study_name, storage=url, sampler=hpo.samplers.RandomSampler(seed=seed)
    )
    study.optimize(_objective, n_trials=n_trials)


def _run_workers(url: str, study_name: str, n_workers: int, n_trials: int) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(url, study_name, n_trials, seed))
        for seed in range(n_workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=600)
    assert [p.exitcode for p in processes] == [0] * n_workers


@pytest.mark.slow
def test_workers_create_unique_consecutive_trials(url: str) -> None:
    hpo.create_study(study_name="shared", storage=url)
    _run_workers(url, "shared", N_WORKERS, TRIALS_PER_WORKER)
    trials = hpo.load_study(study_name="shared", storage=url).trials
    total = N_WORKERS * TRIALS_PER_WORKER
    assert len(trials) == total
    assert [t.number for t in trials] == list(range(total))
    assert Counter(t.state for t in trials) == {TrialState.COMPLETE: total}
    assert all(set(t.params) == {"x", "y"} and t.intermediate_values for t in trials)
    # A fresh process sees the same: nothing lives only in a worker's cache.
    storage = RDBStorage(url)
    study_id = storage.get_study_id_from_name("shared")
    assert storage.get_n_trials(study_id, TrialState.COMPLETE) == total


@pytest.mark.slow
def test_enqueued_trials_run_exactly_once(url: str) -> None:
    study = hpo.create_study(study_name="queue", storage=url)
    for index in range(N_ENQUEUED):
        study.enqueue_trial({"x": index / 10, "y": index})
    n_workers, per_worker = 4, 15  # 60 trials: the 50 enqueued ones and 10 sampled
    _run_workers(url, "queue", n_workers, per_worker)
    trials = hpo.load_study(study_name="queue", storage=url).trials
    assert Counter(t.state for t in trials) == {TrialState.COMPLETE: n_workers * per_worker}
    enqueued = Counter(t.params["y"] for t in trials if "fixed_params" in t.system_attrs)
    assert enqueued == Counter(range(N_ENQUEUED))
    for trial in trials:
        if "fixed_params" in trial.system_attrs:
            assert trial.params == {"x": trial.params["y"] / 10, "y": trial.params["y"]}


def _asker(url: str, ready: Any, enqueued: Any, answers: Any) -> None:
    study = hpo.load_study(study_name="asker", storage=url)
    first = study.ask()  # this process's storage is open and has just created a trial
    study.tell(first, 1.0)
    ready.set()
    assert enqueued.wait(timeout=120)
    trial = study.ask()
    answers.put((trial.number, trial.suggest_float("x", 0, 1)))
    study.tell(trial, 2.0)


@pytest.mark.slow
def test_trial_enqueued_by_another_process_is_taken_by_the_next_ask(url: str) -> None:
    study = hpo.create_study(study_name="asker", storage=url)
    context = multiprocessing.get_context("spawn")
    ready, enqueued, answers = context.Event(), context.Event(), context.Queue()
    process = context.Process(target=_asker, args=(url, ready, enqueued, answers))
    process.start()
    assert ready.wait(timeout=120)
    study.enqueue_trial({"x": 0.25})
    enqueued.set()
    number, x = answers.get(timeout=120)
    process.join(timeout=120)
    assert process.exitcode == 0
    assert (number, x) == (1, 0.25)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
