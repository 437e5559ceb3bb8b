"""Tests of Study.optimize: outcomes of trials, errors, parallelism, stopping, options."""

from __future__ import annotations

import datetime
import gc
import logging
import threading
import time
from typing import Any

import pytest

import hpo
from hpo.samplers import RandomSampler
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState


def _study(**kwargs: Any) -> Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return hpo.create_study(**kwargs)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("hpo")
    ]


# -- normal runs ----------------------------------------------------------------------------


def test_runs_n_trials_and_records_values() -> None:
    study = _study()
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=5)
    trials = study.trials
    assert [t.number for t in trials] == [0, 1, 2, 3, 4]
    assert all(t.state == TrialState.COMPLETE for t in trials)
    for t in trials:
        assert t.value == pytest.approx((t.params["x"] - 0.5) ** 2)
        assert t.datetime_complete is not None and t.datetime_start is not None
        assert t.datetime_start <= t.datetime_complete


def test_repeated_calls_accumulate() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=2)
    study.optimize(lambda t: 2.0, n_trials=3)
    assert [t.value for t in study.trials] == [1.0, 1.0, 2.0, 2.0, 2.0]


def test_zero_trials() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=0)
    assert study.trials == []


def test_multi_objective() -> None:
    study = _study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=3)
    assert all(t.state == TrialState.COMPLETE and len(t.values) == 2 for t in study.trials)


def test_numpy_and_int_values_accepted() -> None:
    import numpy as np

    study = _study()
    study.optimize(lambda t: np.float32(0.5), n_trials=1)
    study.optimize(lambda t: 3, n_trials=1)
    assert [t.value for t in study.trials] == [0.5, 3.0]
    assert all(isinstance(t.value, float) for t in study.trials)


def test_inf_is_a_valid_value() -> None:
    study = _study()
    study.optimize(lambda t: float("inf"), n_trials=1)
    assert study.trials[0].state == TrialState.COMPLETE
    assert study.trials[0].value == float("inf")


# -- invalid return values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("returned", "n_objectives", "reason_part"),
    [
        (float("nan"), 1, "nan"),
        (None, 1, "none"),
        ("abc", 1, "abc"),
        ([1.0, 2.0], 1, "2 value"),
        (1.0, 2, "1 value"),
        ((1.0, float("nan")), 2, "nan"),
        (object(), 1, "object"),
    ],
)
def test_invalid_value_fails_trial_and_continues(
    caplog: pytest.LogCaptureFixture, returned: Any, n_objectives: int, reason_part: str
) -> None:
    study = _study(directions=["minimize"] * n_objectives)
    calls = []

    def objective(trial: Trial) -> Any:
        calls.append(trial.number)
        return returned

    with caplog.at_level(logging.WARNING):
        study.optimize(objective, n_trials=3)
    assert calls == [0, 1, 2]
    trials = study.trials
    assert [t.state for t in trials] == [TrialState.FAIL] * 3
    assert all(t.values is None for t in trials)
    for t in trials:
        assert reason_part in t.system_attrs["fail_reason"].lower()
    messages = _warnings(caplog)
    assert len(messages) == 3
    assert all("failed" in m and reason_part in m.lower() for m in messages)
    assert "Trial 0" in messages[0]


def test_failed_trial_does_not_become_best() -> None:
    study = _study()
    values = iter([2.0, float("nan"), 1.0])
    study.optimize(lambda t: next(values), n_trials=3)
    assert study.best_value == 1.0
    assert study.best_trial.number == 2


# -- pruning --------------------------------------------------------------------------------


def test_pruned_value_is_last_intermediate() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        trial.report(3.0, 0)
        trial.report(1.5, 4)
        trial.report(2.0, 2)
        raise hpo.TrialPruned()

    study.optimize(objective, n_trials=1)
    t = study.trials[0]
    assert t.state == TrialState.PRUNED
    assert t.value == 1.5  # the value of the largest step, not of the last call
    assert t.datetime_complete is not None


def test_pruned_without_reports_has_no_value(caplog: pytest.LogCaptureFixture) -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        raise hpo.TrialPruned("too slow")

    with caplog.at_level(logging.WARNING):
        study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.PRUNED] * 2
    assert [t.value for t in study.trials] == [None, None]
    assert _warnings(caplog) == []


def test_pruned_trials_are_not_best() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number == 0:
            trial.report(-100.0, 0)
            raise hpo.TrialPruned()
        return 1.0

    study.optimize(objective, n_trials=2)
    assert study.best_trial.number == 1


def test_optuna_style_pruned_exception_from_exceptions_module() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        raise hpo.exceptions.TrialPruned()

    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED


# -- exceptions -----------------------------------------------------------------------------


class _Boom(Exception):
    pass


def test_uncaught_exception_fails_trial_and_propagates(caplog: pytest.LogCaptureFixture) -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise _Boom("kaboom")

    with caplog.at_level(logging.WARNING), pytest.raises(_Boom, match="kaboom"):
        study.optimize(objective, n_trials=5)
    trials = study.trials
    assert len(trials) == 1
    assert trials[0].state == TrialState.FAIL
    assert "kaboom" in trials[0].system_attrs["fail_reason"]
    assert "x" in trials[0].params
    assert any("kaboom" in m for m in _warnings(caplog))


def test_caught_exception_fails_trial_and_continues() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number % 2 == 0:
            raise _Boom("even")
        return 1.0

    study.optimize(objective, n_trials=4, catch=(_Boom,))
    assert [t.state for t in study.trials] == [
        TrialState.FAIL,
        TrialState.COMPLETE,
        TrialState.FAIL,
        TrialState.COMPLETE,
    ]
    assert "even" in study.trials[0].system_attrs["fail_reason"]


def test_catch_accepts_a_single_type_and_subclasses() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        raise KeyError("k")

    study.optimize(objective, n_trials=2, catch=LookupError)
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 2


def test_exception_outside_catch_still_propagates() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        raise ValueError("not caught")

    with pytest.raises(ValueError, match="not caught"):
        study.optimize(objective, n_trials=3, catch=(_Boom,))
    assert len(study.trials) == 1
    assert study.trials[0].state == TrialState.FAIL


def test_keyboard_interrupt_fails_trial_and_reraises() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number == 1:
            raise KeyboardInterrupt
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=5, catch=(Exception,))
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL]
    # The study is usable again afterwards.
    study.optimize(lambda t: 2.0, n_trials=1)
    assert study.trials[-1].state == TrialState.COMPLETE


def test_study_usable_after_exception() -> None:
    study = _study()
    with pytest.raises(_Boom):
        study.optimize(lambda t: (_ for _ in ()).throw(_Boom()), n_trials=1)
    study.optimize(lambda t: 1.0, n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE]


# -- parallel runs ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_jobs", [2, -1])
def test_n_jobs_runs_exactly_n_trials(n_jobs: int) -> None:
    study = _study()
    threads = set()

    def objective(trial: Trial) -> float:
        threads.add(threading.get_ident())
        time.sleep(0.005)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=12, n_jobs=n_jobs)
    trials = study.trials
    assert len(trials) == 12
    assert sorted(t.number for t in trials) == list(range(12))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert threading.get_ident() not in threads  # trials ran in worker threads


def test_n_jobs_error_propagates_and_stops() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number == 3:
            raise _Boom("in a thread")
        time.sleep(0.002)
        return 1.0

    with pytest.raises(_Boom):
        study.optimize(objective, n_trials=40, n_jobs=2)
    trials = study.trials
    assert len(trials) < 40
    assert all(t.state.is_finished() for t in trials)
    assert sum(t.state == TrialState.FAIL for t in trials) == 1


# -- stopping -------------------------------------------------------------------------------


def test_timeout_stops() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        time.sleep(0.02)
        return 1.0

    start = time.monotonic()
    study.optimize(objective, timeout=0.2)
    elapsed = time.monotonic() - start
    trials = study.trials
    assert len(trials) >= 1
    assert all(t.state == TrialState.COMPLETE for t in trials)
    # It stopped on time (the bound is generous for busy machines): no trial started after
    # the timeout, and the last one ran to its end.
    assert elapsed < 0.2 + 5.0
    started = [t.datetime_start for t in trials if t.datetime_start is not None]
    assert max(started) - min(started) < datetime.timedelta(seconds=0.2 + 5.0)


def test_zero_trials_runs_nothing() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=0)
    assert study.trials == []


def test_timeout_with_n_trials_stops_at_n_trials() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=3, timeout=60)
    assert len(study.trials) == 3


def test_stop_from_objective_finishes_current_trial() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number == 2:
            trial.study.stop()
        return 1.0

    study.optimize(objective, n_trials=10)
    assert len(study.trials) == 3
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_stop_from_callback() -> None:
    study = _study()

    def callback(study: Study, trial: FrozenTrial) -> None:
        if trial.number == 1:
            study.stop()

    study.optimize(lambda t: 1.0, n_trials=10, callbacks=[callback])
    assert len(study.trials) == 2


def test_stop_without_n_trials() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number == 4:
            trial.study.stop()
        return 1.0

    study.optimize(objective)
    assert len(study.trials) == 5


def test_stop_is_reset_for_the_next_optimize() -> None:
    study = _study()
    study.optimize(lambda t: t.study.stop() or 1.0, n_trials=5)
    study.optimize(lambda t: 1.0, n_trials=2)
    assert len(study.trials) == 3


def test_stop_outside_optimize_raises() -> None:
    study = _study()
    with pytest.raises(RuntimeError):
        study.stop()
    study.optimize(lambda t: 1.0, n_trials=1)
    with pytest.raises(RuntimeError):
        study.stop()


def test_nested_optimize_raises() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        study.optimize(lambda t: 1.0, n_trials=1)
        return 1.0

    with pytest.raises(RuntimeError):
        study.optimize(objective, n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


# -- callbacks and options ------------------------------------------------------------------


def test_callbacks_receive_frozen_finished_trials() -> None:
    study = _study()
    received: list[tuple[Study, FrozenTrial]] = []
    other: list[int] = []

    def objective(trial: Trial) -> float:
        if trial.number == 1:
            raise hpo.TrialPruned()
        return float(trial.number)

    study.optimize(
        objective,
        n_trials=3,
        callbacks=[lambda s, t: received.append((s, t)), lambda s, t: other.append(t.number)],
    )
    assert [t.number for _, t in received] == [0, 1, 2]
    assert other == [0, 1, 2]
    assert all(s is study for s, _ in received)
    assert all(isinstance(t, FrozenTrial) for _, t in received)
    assert [t.state for _, t in received] == [
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.COMPLETE,
    ]
    assert received[2][1].value == 2.0


def test_callbacks_run_for_caught_failures() -> None:
    study = _study()
    states: list[TrialState] = []

    def objective(trial: Trial) -> float:
        raise _Boom()

    study.optimize(
        objective, n_trials=2, catch=(_Boom,), callbacks=[lambda s, t: states.append(t.state)]
    )
    assert states == [TrialState.FAIL, TrialState.FAIL]


def test_callback_exception_propagates() -> None:
    study = _study()

    def callback(study: Study, trial: FrozenTrial) -> None:
        raise _Boom("in callback")

    with pytest.raises(_Boom):
        study.optimize(lambda t: 1.0, n_trials=3, callbacks=[callback])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]


@pytest.mark.parametrize(("enabled", "expected_calls"), [(True, 3), (False, 0)])
def test_gc_after_trial(
    monkeypatch: pytest.MonkeyPatch, enabled: bool, expected_calls: int
) -> None:
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a, **k: calls.append(1) or 0)
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=3, gc_after_trial=enabled)
    assert len(calls) == expected_calls


def test_progress_bar_with_n_trials(capsys: pytest.CaptureFixture[str]) -> None:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, show_progress_bar=True)
    assert len(study.trials) == 3
    err = capsys.readouterr().err
    assert "3/3" in err


def test_progress_bar_with_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        time.sleep(0.02)
        return 1.0

    start = time.monotonic()
    study.optimize(objective, timeout=0.1, show_progress_bar=True)
    assert time.monotonic() - start < 0.1 + 5.0
    assert len(study.trials) >= 1
    assert "%" in capsys.readouterr().err


def test_progress_bar_multi_objective_and_no_limit() -> None:
    study = _study(directions=["minimize", "minimize"])
    study.optimize(lambda t: (1.0, 2.0), n_trials=2, show_progress_bar=True)
    assert len(study.trials) == 2


def test_progress_bar_with_n_jobs() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=4, n_jobs=2, show_progress_bar=True)
    assert len(study.trials) == 4


# -- argument validation --------------------------------------------------------------------


@pytest.mark.parametrize("n_trials", [-1, -10])
def test_invalid_n_trials(n_trials: int) -> None:
    study = _study()
    with pytest.raises(ValueError, match=str(n_trials)):
        study.optimize(lambda t: 1.0, n_trials=n_trials)
    assert study.trials == []


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_invalid_timeout(timeout: float) -> None:
    study = _study()
    with pytest.raises(ValueError, match="timeout"):
        study.optimize(lambda t: 1.0, n_trials=1, timeout=timeout)
    assert study.trials == []


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5])
def test_invalid_n_jobs(n_jobs: Any) -> None:
    study = _study()
    with pytest.raises(ValueError, match="n_jobs"):
        study.optimize(lambda t: 1.0, n_trials=1, n_jobs=n_jobs)
    assert study.trials == []


@pytest.mark.parametrize("catch", [[1], ["ValueError"], (ValueError, None)])
def test_invalid_catch(catch: Any) -> None:
    study = _study()
    with pytest.raises(TypeError):
        study.optimize(lambda t: 1.0, n_trials=1, catch=catch)
    assert study.trials == []


def test_invalid_arguments_leave_study_usable() -> None:
    study = _study()
    with pytest.raises(ValueError):
        study.optimize(lambda t: 1.0, n_trials=-1)
    study.optimize(lambda t: 1.0, n_trials=1)
    assert len(study.trials) == 1


def test_enqueued_trials_each_run_once_with_threads() -> None:
    study = _study()
    for i in range(10):
        study.enqueue_trial({"x": i / 10})
    seen: list[float] = []
    lock = threading.Lock()

    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        with lock:
            seen.append(x)
        time.sleep(0.002)
        return x

    study.optimize(objective, n_trials=10, n_jobs=2)
    assert sorted(seen) == [i / 10 for i in range(10)]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert len(study.trials) == 10


def test_stop_with_threads() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number == 3:
            trial.study.stop()
        time.sleep(0.002)
        return 1.0

    study.optimize(objective, n_trials=100, n_jobs=2)
    # Each thread finishes at most the trial it is running.
    assert 4 <= len(study.trials) <= 6
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_timeout_with_threads() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        time.sleep(0.02)
        return 1.0

    start = time.monotonic()
    study.optimize(objective, timeout=0.2, n_jobs=2)
    assert time.monotonic() - start < 0.2 + 5.0
    assert len(study.trials) >= 2
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_sampler_error_fails_trial_and_propagates() -> None:
    class BrokenSampler(RandomSampler):
        def sample_independent(self, *args: Any) -> Any:
            raise _Boom("sampler broke")

    study = _study(sampler=BrokenSampler())
    with pytest.raises(_Boom):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert study.trials[0].datetime_complete is not None


def test_callback_cannot_alter_stored_trial() -> None:
    study = _study()

    def callback(study: Study, trial: FrozenTrial) -> None:
        trial.params["x"] = -1.0
        trial.user_attrs["added"] = True
        trial.values = [123.0]

    def objective(trial: Trial) -> float:
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=2, callbacks=[callback])
    for t in study.trials:
        assert 0 <= t.params["x"] <= 1
        assert t.user_attrs == {}
        assert t.value == t.params["x"]
