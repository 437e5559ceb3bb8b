"""Many processes optimizing one study through one journal file."""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

import pytest

import hpo
from hpo.storages.journal import JournalFileBackend, JournalStorage
from hpo.trial import TrialState

pytestmark = pytest.mark.slow

STUDY = "shared"


def _optimize(journal: str, run_log_dir: str, n_trials: int, n_jobs: int) -> None:
    """Run in a fresh process: open the study (creating it if needed) and optimize."""
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.create_study(
        study_name=STUDY,
        storage=JournalStorage(JournalFileBackend(journal)),
        load_if_exists=True,
        sampler=hpo.samplers.RandomSampler(seed=os.getpid()),
    )

    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", -1.0, 1.0)
        run_log = Path(run_log_dir) / f"{os.getpid()}-{threading.get_ident()}"
        with open(run_log, "a") as f:
            f.write(f"{trial.number}\n")
        return x * x

    study.optimize(objective, n_trials=n_trials, n_jobs=n_jobs)


def _run_workers(journal: str, run_log_dir: Path, n_processes: int, **kwargs: int) -> None:
    context = multiprocessing.get_context("spawn")
    args = (journal, str(run_log_dir), kwargs["n_trials"], kwargs["n_jobs"])
    with context.Pool(n_processes) as pool:
        pool.starmap(_optimize, [args] * n_processes)


def _runs(run_log_dir: Path) -> list[int]:
    return [int(line) for p in run_log_dir.iterdir() for line in p.read_text().split()]


def test_four_processes_run_400_trials_and_each_enqueued_trial_once(tmp_path: Path) -> None:
    journal = str(tmp_path / "study.journal")
    run_log_dir = tmp_path / "runs"
    run_log_dir.mkdir()
    study = hpo.create_study(study_name=STUDY, storage=JournalStorage(JournalFileBackend(journal)))
    enqueued = [index / 20 for index in range(20)]
    for x in enqueued:
        study.enqueue_trial({"x": x})

    _run_workers(journal, run_log_dir, 4, n_trials=100, n_jobs=1)

    trials = study.get_trials()
    assert [t.number for t in trials] == list(range(400))
    assert {t.state for t in trials} == {TrialState.COMPLETE}
    runs = _runs(run_log_dir)
    assert sorted(runs) == list(range(400))  # every trial ran exactly once
    fixed = [t for t in trials if "fixed_params" in t.system_attrs]
    assert sorted(t.params["x"] for t in fixed) == enqueued
    # Each value belongs to its own trial's parameter (x * x, as the objective computes it;
    # x ** 2 can differ in the last bit).
    assert all(t.value == t.params["x"] * t.params["x"] for t in trials)
    # A fresh replay of the file agrees with the reader that followed along.
    fresh = hpo.load_study(study_name=STUDY, storage=JournalStorage(JournalFileBackend(journal)))
    assert [t._key() for t in fresh.get_trials()] == [t._key() for t in trials]


def test_processes_with_threads_create_one_study_and_consecutive_numbers(
    tmp_path: Path,
) -> None:
    journal = str(tmp_path / "study.journal")
    run_log_dir = tmp_path / "runs"
    run_log_dir.mkdir()

    # Nobody creates the study first: both processes race in create_study.
    _run_workers(journal, run_log_dir, 2, n_trials=40, n_jobs=2)

    storage = JournalStorage(JournalFileBackend(journal))
    assert [s.study_name for s in storage.get_all_studies()] == [STUDY]
    study = hpo.load_study(study_name=STUDY, storage=storage)
    trials = study.get_trials()
    assert [t.number for t in trials] == list(range(80))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert sorted(_runs(run_log_dir)) == list(range(80))
