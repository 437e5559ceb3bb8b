"""The optimize loop: run trials of an objective, sequentially or in threads."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo.exceptions import TrialPruned
from hpo.storages import HeartbeatThread, fail_stale_trials, is_heartbeat_enabled
from hpo.study import _tell
from hpo.study._arguments import check_optimize_arguments
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.study._protocol import ObjectiveFuncType
    from hpo.study._protocol import OptimizingStudy as Study

_logger = logging.get_logger(__name__)

# Callbacks get the Study itself, which the loop sees only as an OptimizingStudy.
Callback = Callable[[Any, FrozenTrial], None]


class _Budget:
    """Hands out permission to start trials until n_trials, the timeout or stop() ends it."""

    def __init__(self, study: Study, n_trials: int | None, timeout: float | None) -> None:
        self._study = study
        self._remaining = n_trials
        self._start = time.monotonic()
        self._deadline = None if timeout is None else self._start + timeout
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._study._stop_flag:
                return False
            if self._deadline is not None and time.monotonic() >= self._deadline:
                return False
            if self._remaining is not None:
                if self._remaining <= 0:
                    return False
                self._remaining -= 1
            return True

    def elapsed(self) -> float:
        return time.monotonic() - self._start


class _ProgressBar:
    """A tqdm bar over trials (with n_trials) or over seconds (with only a timeout)."""

    def __init__(self, enabled: bool, n_trials: int | None, timeout: float | None) -> None:
        self._bar: Any = None
        self._lock = threading.Lock()
        self._by_time = n_trials is None and timeout is not None
        self._shown_seconds = 0.0
        self._timeout = timeout
        if not enabled:
            return
        if n_trials is None and timeout is None:
            _logger.warning("show_progress_bar needs n_trials or timeout; no bar is shown.")
            return
        from tqdm.auto import tqdm

        if self._by_time:
            fmt = "{desc} {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}]"
            self._bar = tqdm(total=timeout, bar_format=fmt)
        else:
            self._bar = tqdm(total=n_trials)

    def update(self, study: Study, elapsed: float) -> None:
        if self._bar is None:
            return
        with self._lock:
            if self._by_time:
                assert self._timeout is not None
                target = min(elapsed, self._timeout)
                self._bar.update(target - self._shown_seconds)
                self._shown_seconds = target
            else:
                self._bar.update(1)
            if len(study._directions) == 1:
                try:
                    best = study._storage.get_best_trial(study._study_id)
                except ValueError:
                    return
                self._bar.set_description(
                    f"Best trial: {best.number}. Best value: {best._values[0]:.6g}"  # type: ignore[index]
                )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def optimize(
    study: Study,
    func: ObjectiveFuncType,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Iterable[type[Exception]] | type[Exception],
    callbacks: Iterable[Callback] | None,
    gc_after_trial: bool,
    show_progress_bar: bool,
) -> None:
    """Run the optimization loop of :meth:`Study.optimize`."""
    n_jobs, catch_types, callback_list = check_optimize_arguments(
        func, n_trials, timeout, n_jobs, catch, callbacks
    )
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1

    with study._optimize_lock:
        if study._in_optimize:
            raise RuntimeError(
                "optimize() is already running for this study; nested calls are not supported."
            )
        study._in_optimize = True
        study._stop_flag = False

    budget = _Budget(study, n_trials, timeout)
    progress = _ProgressBar(show_progress_bar, n_trials, timeout)
    worker_args = (study, func, budget, catch_types, callback_list, gc_after_trial, progress)
    try:
        if n_jobs == 1:
            _worker(*worker_args)
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as executor:
                futures = [executor.submit(_worker, *worker_args) for _ in range(n_jobs)]
                errors = [f.exception() for f in futures]
            for error in errors:
                if error is not None:
                    raise error
    finally:
        study._in_optimize = False
        progress.close()


def _worker(
    study: Study,
    func: ObjectiveFuncType,
    budget: _Budget,
    catch: tuple[type, ...],
    callbacks: list[Callback],
    gc_after_trial: bool,
    progress: _ProgressBar,
) -> None:
    try:
        while budget.take():
            frozen = run_trial(study, func, catch)
            if gc_after_trial:
                gc.collect()
            for callback in callbacks:
                callback(study, frozen)
            progress.update(study, budget.elapsed())
    except BaseException:
        # Let the other threads finish their current trial and stop.
        study._stop_flag = True
        raise


def run_trial(study: Study, func: ObjectiveFuncType, catch: tuple[type, ...]) -> FrozenTrial:
    """Run one trial of ``func`` and record its outcome; re-raise errors not in ``catch``.

    Returns
    -------
    FrozenTrial
        The finished trial.
    """
    storage = study._storage
    if is_heartbeat_enabled(storage):
        _fail_stale_trials_when_due(study)
    trial = study.ask()
    error: BaseException | None = None
    state: TrialState | None = None
    returned: Any = None
    with HeartbeatThread(trial._trial_id, storage):
        try:
            returned = func(trial)
        except TrialPruned as e:
            state, error = TrialState.PRUNED, e
        except (Exception, KeyboardInterrupt) as e:
            state, error = TrialState.FAIL, e

    if state == TrialState.FAIL:
        assert error is not None
        if not trial._cached_frozen_trial.state.is_finished():
            _tell.record_fail_reason(study, trial._cached_frozen_trial, error)
        frozen, _ = _tell.tell(study, trial, None, TrialState.FAIL, skip_if_finished=True)
        _logger.warning(
            "Trial %d failed with parameters: %s because of the following error: %r.",
            frozen.number,
            frozen.params,
            error,
            exc_info=error,
        )
        if not isinstance(error, catch):
            raise error
        return frozen

    frozen, reason = _tell.tell(study, trial, returned, state, skip_if_finished=True)
    if reason is not None:
        _logger.warning("Trial %d failed: %s", frozen.number, reason)
    elif _logger.isEnabledFor(logging.INFO):
        _log_finished(study, frozen, error)
    return frozen


def _fail_stale_trials_when_due(study: Study) -> None:
    # A trial turns stale only a grace period after its last beat, so looking once per
    # heartbeat interval finds it as soon as looking before every trial would, give or take
    # one interval, without a query per trial.
    interval = study._storage.get_heartbeat_interval()  # type: ignore[attr-defined]
    now = time.monotonic()
    if now < study._next_stale_check:
        return
    study._next_stale_check = now + float(interval)
    fail_stale_trials(study)


def _log_finished(study: Study, frozen: FrozenTrial, error: BaseException | None) -> None:
    if frozen.state == TrialState.PRUNED:
        _logger.info("Trial %d pruned. %s", frozen.number, error or "")
        return
    if frozen.state != TrialState.COMPLETE:
        return
    if len(study._directions) > 1:
        _logger.info(
            "Trial %d finished with values: %s and parameters: %s.",
            frozen.number,
            frozen.values,
            frozen.params,
        )
        return
    try:
        best = study._storage.get_best_trial(study._study_id)
    except ValueError:  # no feasible trial yet
        _logger.info(
            "Trial %d finished with value: %s and parameters: %s.",
            frozen.number,
            frozen.value,
            frozen.params,
        )
        return
    _logger.info(
        "Trial %d finished with value: %s and parameters: %s. Best is trial %d with value: %s.",
        frozen.number,
        frozen.value,
        frozen.params,
        best.number,
        best.value,
    )
