"""Heartbeats: a worker killed mid-trial has its trial failed and retried by another."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

import hpo
from hpo._study_direction import StudyDirection
from hpo.storages import RDBStorage, RetryFailedTrialCallback, fail_stale_trials
from hpo.trial import TrialState


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'heartbeat.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


def test_stale_trials_are_those_without_recent_heartbeat(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=1)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "stale")
    silent = storage.create_new_trial(study_id)
    alive = storage.create_new_trial(study_id)
    finished = storage.create_new_trial(study_id)
    never = storage.create_new_trial(study_id)  # no heartbeat recorded: not judged
    for trial_id in (silent, alive, finished):
        storage.record_heartbeat(trial_id)
    storage.set_trial_state_values(finished, TrialState.COMPLETE, [1.0])
    assert storage._get_stale_trial_ids(study_id) == []
    time.sleep(1.5)
    storage.record_heartbeat(alive)
    assert storage._get_stale_trial_ids(study_id) == [silent]
    assert never not in storage._get_stale_trial_ids(study_id)


def test_default_grace_period_is_twice_the_interval(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=1)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "default-grace")
    trial_id = storage.create_new_trial(study_id)
    storage.record_heartbeat(trial_id)
    time.sleep(1.2)
    assert storage._get_stale_trial_ids(study_id) == []
    time.sleep(1.2)
    assert storage._get_stale_trial_ids(study_id) == [trial_id]


def test_without_interval_heartbeats_are_off(url: str) -> None:
    storage = RDBStorage(url)
    assert storage.get_heartbeat_interval() is None
    assert storage.get_failed_trial_callback() is None


def test_only_one_worker_fails_a_stale_trial(url: str) -> None:
    storages = [RDBStorage(url, heartbeat_interval=1, grace_period=1) for _ in range(2)]
    study = hpo.create_study(study_name="once", storage=storages[0])
    trial_id = storages[0].create_new_trial(study._study_id)
    storages[0].record_heartbeat(trial_id)
    time.sleep(1.5)
    other = hpo.load_study(study_name="once", storage=storages[1])
    failed = fail_stale_trials(study) + fail_stale_trials(other)
    assert failed == [0]
    assert storages[1].get_trial(trial_id).state == TrialState.FAIL


def _hanging_objective(trial: hpo.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    Path(os.environ["HPO_TEST_MARKER"]).write_text(str(trial.number))
    time.sleep(600)  # killed long before this returns
    return x


def _doomed_worker(url: str, marker: str) -> None:
    os.environ["HPO_TEST_MARKER"] = marker
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=2)
    study = hpo.load_study(study_name="killed", storage=storage)
    study.optimize(_hanging_objective, n_trials=1)


@pytest.mark.slow
def test_killed_worker_trial_is_failed_and_retried(url: str, tmp_path: Path) -> None:
    callback = RetryFailedTrialCallback(max_retry=1)
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=2, failed_trial_callback=callback)
    hpo.create_study(study_name="killed", storage=storage)
    marker = tmp_path / "started"
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_doomed_worker, args=(url, str(marker)))
    process.start()
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the worker never started its trial"
    time.sleep(1.2)  # at least one heartbeat from the background thread
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=30)
    assert process.exitcode == -signal.SIGKILL

    study = hpo.load_study(study_name="killed", storage=storage)
    killed = study.trials[0]
    assert killed.state == TrialState.RUNNING
    time.sleep(2.5)  # past the grace period
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)

    trials = study.trials
    assert Counter(t.state for t in trials) == {TrialState.FAIL: 1, TrialState.COMPLETE: 3}
    assert trials[0].state == TrialState.FAIL
    assert trials[0].system_attrs["fail_reason"] == "stale heartbeat"
    retries = [t for t in trials if RetryFailedTrialCallback.retried_trial_number(t) == 0]
    assert len(retries) == 1
    assert retries[0].state == TrialState.COMPLETE
    assert retries[0].params == killed.params
