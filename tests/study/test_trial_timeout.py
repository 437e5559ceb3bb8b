"""Tests of optimize's per-trial time limit (trial_timeout) in threads and in child processes.

Thread-mode rules are checked with a fake clock (the deadline is read from time.monotonic), so
no test depends on how fast the machine is; the real-clock and process tests use deadlines
far from the time the quick trials need and assert states and reasons, never durations.
Objectives used with isolation="process" are defined at module level: a spawned child
imports them from this module.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.exceptions import TrialTimeout
from hpo.samplers import RandomSampler
from hpo.storages import RDBStorage, RetryFailedTrialCallback
from hpo.storages.journal import JournalFileBackend, JournalStorage
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState


class FakeClock:
    """Stands in for the ``time`` module where hpo reads the trial deadline."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("hpo.trial._trial.time", fake)
    monkeypatch.setattr("hpo.study._run_trial.time", fake)
    return fake


def _study(storage: Any = None) -> Study:
    return hpo.create_study(storage=storage, sampler=RandomSampler(seed=0))


def _states(study: Study) -> list[str]:
    return [t.state.name for t in study.trials]


def _reasons(study: Study) -> list[Any]:
    return [t.system_attrs.get("fail_reason") for t in study.trials]


# -- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 0.0, -1, -0.5, math.nan, -math.inf])
def test_non_positive_or_nan_trial_timeout_is_a_value_error(bad: float) -> None:
    study = _study()
    with pytest.raises(ValueError, match=rf"trial_timeout={bad!r} must be a positive"):
        study.optimize(lambda t: 1.0, n_trials=1, trial_timeout=bad)
    assert study.trials == []


@pytest.mark.parametrize("bad", ["10", True, [1.0], complex(1, 0)])
def test_trial_timeout_of_another_type_is_a_type_error(bad: Any) -> None:
    study = _study()
    with pytest.raises(TypeError, match="trial_timeout must be a number of seconds or None"):
        study.optimize(lambda t: 1.0, n_trials=1, trial_timeout=bad)
    assert study.trials == []


def test_unknown_isolation_is_a_value_error() -> None:
    study = _study()
    with pytest.raises(ValueError, match=r"isolation='processes' must be 'thread' or 'process'"):
        study.optimize(lambda t: 1.0, n_trials=1, isolation="processes")
    assert study.trials == []


def test_process_isolation_with_in_memory_storage_is_a_value_error() -> None:
    study = _study()
    with pytest.raises(ValueError, match="cannot reach the study's in-memory storage"):
        study.optimize(quick_objective, n_trials=1, trial_timeout=5, isolation="process")
    assert study.trials == []


def test_process_isolation_with_unpicklable_objective_is_a_type_error(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    with pytest.raises(TypeError, match="cannot be pickled") as info:
        study.optimize(lambda t: 1.0, n_trials=1, isolation="process")
    assert "<lambda>" in str(info.value)
    assert study.trials == []


class SamplerWithAGenerator(RandomSampler):
    def __init__(self) -> None:
        super().__init__(seed=0)
        self.numbers = (i for i in range(3))  # generators do not pickle


def test_process_isolation_with_unpicklable_sampler_is_a_type_error(tmp_path: Path) -> None:
    study = hpo.create_study(
        storage=f"sqlite:///{tmp_path / 'study.db'}", sampler=SamplerWithAGenerator()
    )
    with pytest.raises(TypeError, match=r"sends the study .* by pickling them, and that failed"):
        study.optimize(quick_objective, n_trials=1, isolation="process")
    assert study.trials == []
    study.optimize(quick_objective, n_trials=1)  # the study is usable in threads
    assert _states(study) == ["COMPLETE"]


def test_timeout_exception_is_not_an_exception() -> None:
    assert issubclass(TrialTimeout, BaseException)
    assert not issubclass(TrialTimeout, Exception)


# -- threads: cooperative, with a fake clock ------------------------------------------------


@pytest.mark.parametrize(
    "late_call",
    [
        lambda trial: trial.suggest_float("y", 0.0, 1.0),
        lambda trial: trial.suggest_int("x", 0, 10),  # already suggested: still checked
        lambda trial: trial.report(1.0, 0),
        lambda trial: trial.should_prune(),
        lambda trial: trial.set_user_attr("k", 1),
    ],
    ids=["suggest_new", "suggest_again", "report", "should_prune", "set_user_attr"],
)
def test_each_trial_call_after_the_deadline_raises(clock: FakeClock, late_call: Any) -> None:
    raised: list[BaseException] = []

    def objective(trial: Trial) -> float:
        trial.suggest_int("x", 0, 10)
        if trial.number == 0:
            clock.advance(10.0)
            try:
                late_call(trial)
            except TrialTimeout as e:
                raised.append(e)
                raise
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=3, trial_timeout=5.0)
    assert len(raised) == 1 and "Trial 0" in str(raised[0])
    assert _states(study) == ["FAIL", "COMPLETE", "COMPLETE"]
    assert _reasons(study) == ["timeout", None, None]
    assert "x" in study.trials[0].params  # what the trial recorded before its deadline stays


def test_calls_before_the_deadline_do_not_raise(clock: FakeClock) -> None:
    def objective(trial: Trial) -> float:
        for step in range(5):
            clock.advance(0.9)
            trial.report(float(step), step)
            trial.set_user_attr("step", step)
        return trial.suggest_float("x", 0.0, 1.0)

    study = _study()
    study.optimize(objective, n_trials=2, trial_timeout=5.0)
    assert _states(study) == ["COMPLETE", "COMPLETE"]


def test_except_exception_in_the_objective_cannot_swallow_the_timeout(clock: FakeClock) -> None:
    def objective(trial: Trial) -> float:
        try:
            clock.advance(10.0)
            trial.report(0.5, 0)
        except Exception:
            return 0.0  # a user's "never fail" guard
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=2, trial_timeout=5.0)
    assert _states(study) == ["FAIL", "FAIL"]
    assert _reasons(study) == ["timeout", "timeout"]


def test_a_result_returned_after_the_deadline_is_discarded(clock: FakeClock) -> None:
    # Neither swallowing TrialTimeout with a bare except nor never calling the trial again
    # lets a late value count.
    swallowed: list[int] = []

    def objective(trial: Trial) -> float:
        clock.advance(10.0)
        if trial.number == 0:
            try:
                trial.report(0.5, 0)
            except BaseException:  # swallows everything, TrialTimeout included
                swallowed.append(trial.number)
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=2, trial_timeout=5.0)
    assert _states(study) == ["FAIL", "FAIL"]
    assert _reasons(study) == ["timeout", "timeout"]
    assert all(t.values is None for t in study.trials)
    assert swallowed == [0]


def test_an_error_after_the_deadline_is_a_timeout_and_does_not_stop_the_study(
    clock: FakeClock,
) -> None:
    def objective(trial: Trial) -> float:
        if trial.number == 0:
            clock.advance(10.0)
            raise ValueError("late")
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=2, trial_timeout=5.0, catch=())
    assert _states(study) == ["FAIL", "COMPLETE"]
    assert _reasons(study) == ["timeout", None]


def test_errors_before_the_deadline_follow_catch(clock: FakeClock) -> None:
    def objective(trial: Trial) -> float:
        raise ValueError("early")

    study = _study()
    study.optimize(objective, n_trials=2, trial_timeout=5.0, catch=(ValueError,))
    assert _states(study) == ["FAIL", "FAIL"]
    assert _reasons(study) == ["ValueError: early"] * 2
    with pytest.raises(ValueError, match="early"):
        study.optimize(objective, n_trials=2, trial_timeout=5.0)
    assert _states(study) == ["FAIL"] * 3


def test_pruning_before_the_deadline_is_kept(clock: FakeClock) -> None:
    def objective(trial: Trial) -> float:
        trial.report(2.0, 0)
        raise hpo.TrialPruned()

    study = _study()
    study.optimize(objective, n_trials=1, trial_timeout=5.0)
    assert _states(study) == ["PRUNED"]


def test_keyboard_interrupt_after_the_deadline_still_stops_optimize(clock: FakeClock) -> None:
    def objective(trial: Trial) -> float:
        clock.advance(10.0)
        raise KeyboardInterrupt

    study = _study()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=3, trial_timeout=5.0)
    assert _states(study) == ["FAIL"]


def test_timed_out_trials_count_towards_n_trials_and_reach_callbacks(clock: FakeClock) -> None:
    seen: list[tuple[int, str, Any]] = []

    def callback(study: Study, trial: FrozenTrial) -> None:
        seen.append((trial.number, trial.state.name, trial.system_attrs.get("fail_reason")))

    def objective(trial: Trial) -> float:
        if trial.number % 2 == 0:
            clock.advance(10.0)
            trial.suggest_float("x", 0.0, 1.0)
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=4, trial_timeout=5.0, callbacks=[callback])
    assert seen == [
        (0, "FAIL", "timeout"),
        (1, "COMPLETE", None),
        (2, "FAIL", "timeout"),
        (3, "COMPLETE", None),
    ]


def test_without_trial_timeout_a_long_trial_completes(clock: FakeClock) -> None:
    def objective(trial: Trial) -> float:
        clock.advance(1e6)
        trial.report(1.0, 0)
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=1)
    assert _states(study) == ["COMPLETE"]


def test_asked_trials_have_no_deadline() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=1, trial_timeout=5.0)
    trial = study.ask()
    assert trial._deadline is None
    study.tell(trial, 1.0)


# -- threads: the real clock ----------------------------------------------------------------


def _report_until_stopped(trial: Trial) -> float:
    step = 0
    while True:  # stopped only by TrialTimeout from report()
        trial.report(float(step), step)
        step += 1
        time.sleep(0.01)


def test_threads_stop_a_reporting_trial_and_go_on() -> None:
    lock = threading.Lock()
    slow_numbers: list[int] = []

    def objective(trial: Trial) -> float:
        with lock:
            slow = len(slow_numbers) < 2
            if slow:
                slow_numbers.append(trial.number)
        if slow:
            return _report_until_stopped(trial)
        return trial.suggest_float("x", 0.0, 1.0)

    study = _study()
    study.optimize(objective, n_trials=6, n_jobs=2, trial_timeout=1.0)
    trials = study.trials
    assert len(trials) == 6
    for t in trials:
        if t.number in slow_numbers:
            assert (t.state, t.system_attrs.get("fail_reason")) == (TrialState.FAIL, "timeout")
            assert len(t.intermediate_values) > 0
        else:
            assert t.state == TrialState.COMPLETE


# -- child processes ------------------------------------------------------------------------


def quick_objective(trial: Trial) -> float:
    return trial.suggest_float("x", 0.0, 1.0)


def sleeping_objective(trial: Trial) -> float:
    """Trial 1 sleeps far past any deadline, where no trial call can stop it."""
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number == 1:
        time.sleep(600)
    return x


def reporting_objective(trial: Trial) -> float:
    if trial.number == 0:
        return _report_until_stopped(trial)
    return trial.suggest_float("x", 0.0, 1.0)


def sleeping_forever_objective(trial: Trial) -> float:
    trial.suggest_float("x", 0.0, 1.0)
    time.sleep(600)
    return 1.0


def failing_objective(trial: Trial) -> float:
    trial.suggest_float("x", 0.0, 1.0)
    raise ValueError(f"bad trial {trial.number}")


def crashing_objective(trial: Trial) -> float:
    trial.suggest_float("x", 0.0, 1.0)
    if trial.number == 0:
        os._exit(3)
    return 1.0


def stopping_objective(trial: Trial) -> float:
    trial.study.stop()
    return 1.0


class ObjectiveLoadedOnlyHere:
    """Pickles in this process and refuses to load in any other."""

    def __init__(self) -> None:
        self.pid = os.getpid()

    def __call__(self, trial: Trial) -> float:
        return 1.0

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state["pid"] != os.getpid():
            raise RuntimeError("this objective cannot be loaded in another process")
        self.__dict__.update(state)


def _storage(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    if kind == "sqlite":
        # Heartbeats on: the killed child's trial must end FAIL at once, not wait for the
        # grace period, and a retry callback must not re-queue a timeout.
        return RDBStorage(
            f"sqlite:///{tmp_path / 'study.db'}",
            heartbeat_interval=1,
            grace_period=60,
            failed_trial_callback=RetryFailedTrialCallback(max_retry=3),
        )
    if kind == "journal":
        return JournalStorage(JournalFileBackend(str(tmp_path / "journal.log")))
    return request.getfixturevalue("postgres_database_url")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "journal", "postgresql"])
def test_process_kills_a_trial_stuck_in_a_sleep_and_goes_on(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    study = _study(_storage(kind, tmp_path, request))
    seen: list[tuple[int, str]] = []
    study.optimize(
        sleeping_objective,
        n_trials=3,
        trial_timeout=3.0,
        isolation="process",
        callbacks=[lambda s, t: seen.append((t.number, t.state.name))],
    )
    assert seen == [(0, "COMPLETE"), (1, "FAIL"), (2, "COMPLETE")]
    reloaded = hpo.load_study(study_name=study.study_name, storage=study._storage)
    assert _states(reloaded) == ["COMPLETE", "FAIL", "COMPLETE"]
    assert _reasons(reloaded) == [None, "timeout", None]
    assert "x" in reloaded.trials[1].params  # recorded by the child before it was killed
    assert reloaded.trials[1].datetime_complete is not None


@pytest.mark.slow
def test_process_workers_in_parallel_each_with_its_child(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(
        sleeping_objective, n_trials=5, n_jobs=2, trial_timeout=3.0, isolation="process"
    )
    trials = study.trials
    assert [t.number for t in trials] == [0, 1, 2, 3, 4]
    assert [(t.state.name, t.system_attrs.get("fail_reason")) for t in trials] == [
        ("FAIL", "timeout") if t.number == 1 else ("COMPLETE", None) for t in trials
    ]


@pytest.mark.slow
def test_process_spawn_where_there_is_no_fork_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # macOS and Windows start children with spawn only.
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(sleeping_objective, n_trials=2, trial_timeout=3.0, isolation="process")
    assert [(t.state.name, t.system_attrs.get("fail_reason")) for t in study.trials] == [
        ("COMPLETE", None),
        ("FAIL", "timeout"),
    ]


@pytest.mark.slow
def test_process_trial_that_stops_at_its_next_report(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(reporting_objective, n_trials=2, trial_timeout=1.0, isolation="process")
    assert _states(study) == ["FAIL", "COMPLETE"]
    assert _reasons(study) == ["timeout", None]


@pytest.mark.slow
def test_process_errors_follow_catch(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(failing_objective, n_trials=2, isolation="process", catch=(ValueError,))
    assert _states(study) == ["FAIL", "FAIL"]
    assert _reasons(study) == ["ValueError: bad trial 0", "ValueError: bad trial 1"]
    with pytest.raises(ValueError, match="bad trial 2"):
        study.optimize(failing_objective, n_trials=2, trial_timeout=30.0, isolation="process")
    assert _states(study) == ["FAIL"] * 3  # the error stopped the loop after one trial


@pytest.mark.slow
def test_process_that_dies_fails_its_trial_and_the_worker_goes_on(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(crashing_objective, n_trials=2, isolation="process")
    assert _states(study) == ["FAIL", "COMPLETE"]
    assert _reasons(study) == ["the trial's process exited with code 3.", None]


@pytest.mark.slow
def test_process_study_stop_in_the_objective_stops_optimize(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(stopping_objective, n_trials=5, isolation="process")
    assert _states(study) == ["COMPLETE"]


@pytest.mark.slow
def test_process_objective_that_does_not_load_in_the_child(tmp_path: Path) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")
    objective = ObjectiveLoadedOnlyHere()
    pickle.dumps(objective)  # picklable here, so the check up front lets it through
    with pytest.raises(RuntimeError, match="could not load the study and the objective"):
        study.optimize(objective, n_trials=1, isolation="process")
    assert study.trials == []


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_process_interrupted_optimize_kills_the_child_and_fails_its_trial(
    tmp_path: Path, n_jobs: int
) -> None:
    study = _study(f"sqlite:///{tmp_path / 'study.db'}")

    def interrupt_once_running() -> None:
        for _ in range(1200):
            if len(study.get_trials(states=(TrialState.RUNNING,))) == n_jobs:
                os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C does
                return
            time.sleep(0.05)

    # A process started in the background by a non-interactive shell ignores SIGINT: make
    # Ctrl-C raise KeyboardInterrupt here whatever started the test run.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    watcher = threading.Thread(target=interrupt_once_running, daemon=True)
    watcher.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            study.optimize(
                sleeping_forever_objective, n_trials=n_jobs, n_jobs=n_jobs, isolation="process"
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    watcher.join()
    assert _states(study) == ["FAIL"] * n_jobs
    assert _reasons(study) == ["KeyboardInterrupt: "] * n_jobs
