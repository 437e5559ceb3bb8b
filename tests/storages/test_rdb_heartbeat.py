"""Heartbeats: a worker killed mid-trial has its trial failed and retried by another.

Staleness is judged with a clock set on the storage (``storage._clock``), not by sleeping.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

import hpo
from hpo._study_direction import StudyDirection
from hpo.storages import RDBStorage, RetryFailedTrialCallback, fail_stale_trials
from hpo.storages._rdb import _schema as s
from hpo.trial import TrialState, create_trial


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'heartbeat.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


def _later(seconds: float) -> Callable[[], datetime.datetime]:
    """A clock stopped ``seconds`` from now."""
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return lambda: moment


def _beats(url: str) -> dict[int, datetime.datetime]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(s.trial_heartbeats)).all()
    finally:
        engine.dispose()
    return {int(trial_id): beat for trial_id, beat in rows}


def _age_beat(url: str, trial_id: int, seconds: float) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            beat = conn.execute(
                sa.select(s.trial_heartbeats.c.heartbeat).where(
                    s.trial_heartbeats.c.trial_id == trial_id
                )
            ).scalar_one()
            conn.execute(
                s.trial_heartbeats.update()
                .where(s.trial_heartbeats.c.trial_id == trial_id)
                .values(heartbeat=beat - datetime.timedelta(seconds=seconds))
            )
    finally:
        engine.dispose()


def test_every_trial_gets_its_first_heartbeat_when_it_starts(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=10)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "first-beat")
    created = storage.create_new_trial(study_id)
    queued = [
        storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
        for _ in range(2)
    ]
    popped = storage._pop_waiting_trial(study_id)
    assert popped is not None and popped._trial_id == queued[0]
    assert storage.set_trial_state_values(queued[1], TrialState.RUNNING)
    added = storage.create_new_trial(study_id, create_trial(state=TrialState.RUNNING))
    waiting = storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    running = [created, queued[0], queued[1], added]
    assert sorted(_beats(url)) == sorted(running)
    # Nothing is stale within the grace period; past it, every running trial is.
    assert storage._get_stale_trial_ids(study_id) == []
    storage._clock = _later(9)
    assert storage._get_stale_trial_ids(study_id) == []
    storage._clock = _later(11)
    assert storage._get_stale_trial_ids(study_id) == running
    assert waiting not in storage._get_stale_trial_ids(study_id)


def test_without_heartbeats_no_beat_is_written(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "no-beat")
    storage.create_new_trial(study_id)
    storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    assert storage._pop_waiting_trial(study_id) is not None
    assert _beats(url) == {}
    assert storage._get_stale_trial_ids(study_id) == []


def test_stale_trials_are_those_without_recent_heartbeat(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=10)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "stale")
    silent, alive, finished = (storage.create_new_trial(study_id) for _ in range(3))
    storage.set_trial_state_values(finished, TrialState.COMPLETE, [1.0])
    for trial_id in (silent, finished):
        _age_beat(url, trial_id, 30)
    storage.record_heartbeat(alive)
    assert storage._get_stale_trial_ids(study_id) == [silent]
    storage._clock = _later(11)
    assert storage._get_stale_trial_ids(study_id) == [silent, alive]


def test_heartbeat_times_of_running_trials(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=10)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "beat-times")
    assert storage.get_heartbeat_times(study_id) == {}
    silent, _alive, finished = (storage.create_new_trial(study_id) for _ in range(3))
    storage.set_trial_state_values(finished, TrialState.COMPLETE, [1.0])
    _age_beat(url, silent, 30)
    times = storage.get_heartbeat_times(study_id)
    assert sorted(times) == [0, 1]  # trial numbers; the finished trial is left out
    now = datetime.datetime.now(datetime.timezone.utc)
    assert 25 < (now - times[0]).total_seconds() < 120
    assert (now - times[1]).total_seconds() < 25
    assert RDBStorage(url).get_heartbeat_times(study_id) == times  # any process reads them


def test_default_grace_period_is_twice_the_interval(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=5)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "default-grace")
    trial_id = storage.create_new_trial(study_id)
    storage._clock = _later(9)
    assert storage._get_stale_trial_ids(study_id) == []
    storage._clock = _later(11)
    assert storage._get_stale_trial_ids(study_id) == [trial_id]


def test_without_interval_heartbeats_are_off(url: str) -> None:
    storage = RDBStorage(url)
    assert storage.get_heartbeat_interval() is None
    assert storage.get_failed_trial_callback() is None


def test_only_one_worker_fails_a_stale_trial(url: str) -> None:
    storages = [RDBStorage(url, heartbeat_interval=1, grace_period=1) for _ in range(2)]
    study = hpo.create_study(study_name="once", storage=storages[0])
    trial_id = storages[0].create_new_trial(study._study_id)
    for storage in storages:
        storage._clock = _later(5)
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
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=30)
    assert process.exitcode == -signal.SIGKILL

    study = hpo.load_study(study_name="killed", storage=storage)
    killed = study.trials[0]
    assert killed.state == TrialState.RUNNING
    storage._clock = _later(5)  # past the grace period
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)

    trials = study.trials
    assert Counter(t.state for t in trials) == {TrialState.FAIL: 1, TrialState.COMPLETE: 3}
    assert trials[0].state == TrialState.FAIL
    assert trials[0].system_attrs["fail_reason"] == "stale heartbeat"
    retries = [t for t in trials if RetryFailedTrialCallback.retried_trial_number(t) == 0]
    assert len(retries) == 1
    assert retries[0].state == TrialState.COMPLETE
    assert retries[0].params == killed.params


def _ask_and_die(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=2)
    study = hpo.load_study(study_name="died-after-ask", storage=storage)
    study.ask()
    os._exit(0)  # gone before any heartbeat thread or tell


@pytest.mark.slow
def test_trial_of_a_worker_that_died_right_after_ask_is_failed_and_retried(url: str) -> None:
    storage = RDBStorage(
        url,
        heartbeat_interval=1,
        grace_period=2,
        failed_trial_callback=RetryFailedTrialCallback(max_retry=1),
    )
    study = hpo.create_study(study_name="died-after-ask", storage=storage)
    process = multiprocessing.get_context("spawn").Process(target=_ask_and_die, args=(url,))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0
    assert [t.state for t in study.trials] == [TrialState.RUNNING]
    storage._clock = _later(5)
    assert fail_stale_trials(study) == [0]
    trials = study.trials
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.WAITING]
    assert RetryFailedTrialCallback.retried_trial_number(trials[1]) == 0
