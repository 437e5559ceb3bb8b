"""The optimize loop: run trials of an objective, sequentially, in threads or in processes."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from hpo import logging
from hpo.study._arguments import check_optimize_arguments
from hpo.study._process_worker import ProcessTrialRunner, make_payload
from hpo.study._run_trial import run_trial
from hpo.study._trial_timeout import check_isolation, check_trial_timeout
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo.study._protocol import ObjectiveFuncType
    from hpo.study._protocol import OptimizingStudy as Study

_logger = logging.get_logger(__name__)

# Callbacks get the Study itself, which the loop sees only as an OptimizingStudy.
Callback = Callable[[Any, FrozenTrial], None]


class _Runner(Protocol):
    """Runs one trial at a time for one worker thread, in that thread or a child process."""

    def run(self) -> FrozenTrial: ...

    def abort(self, error: BaseException) -> None: ...

    def interrupt(self, error: BaseException) -> None: ...

    def close(self) -> None: ...


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


class _ThreadTrialRunner:
    """Runs trials in the calling thread."""

    def __init__(
        self,
        study: Study,
        func: ObjectiveFuncType,
        catch: tuple[type, ...],
        trial_timeout: float | None,
        gc_after_trial: bool,
    ) -> None:
        self._study = study
        self._func = func
        self._catch = catch
        self._trial_timeout = trial_timeout
        self._gc_after_trial = gc_after_trial

    def run(self) -> FrozenTrial:
        frozen = run_trial(self._study, self._func, self._catch, self._trial_timeout)
        if self._gc_after_trial:
            gc.collect()
        return frozen

    def abort(self, error: BaseException) -> None:
        pass  # run_trial has recorded the trial's outcome

    def interrupt(self, error: BaseException) -> None:
        pass  # a thread cannot be stopped from outside

    def close(self) -> None:
        pass


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
    trial_timeout: float | None = None,
    isolation: str = "thread",
) -> None:
    """Run the optimization loop of :meth:`Study.optimize`."""
    n_jobs, catch_types, callback_list = check_optimize_arguments(
        func, n_trials, timeout, n_jobs, catch, callbacks
    )
    trial_timeout = check_trial_timeout(trial_timeout)
    isolation = check_isolation(isolation, study, func)
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1

    with study._optimize_lock:
        if study._in_optimize:
            raise RuntimeError(
                "optimize() is already running for this study; nested calls are not supported."
            )
        study._in_optimize = True
        study._stop_flag = False

    runners: list[_Runner] = []
    try:
        if isolation == "process":
            payload = make_payload(study, func, catch_types, trial_timeout, gc_after_trial)

            def make_runner() -> _Runner:
                runner = ProcessTrialRunner(
                    study, payload, trial_timeout, getattr(func, "__module__", None)
                )
                runners.append(runner)
                return runner
        else:

            def make_runner() -> _Runner:
                return _ThreadTrialRunner(study, func, catch_types, trial_timeout, gc_after_trial)

        budget = _Budget(study, n_trials, timeout)
        progress = _ProgressBar(show_progress_bar, n_trials, timeout)
        try:
            worker_args = (study, make_runner, budget, callback_list, progress)
            if n_jobs == 1:
                _worker(*worker_args)
            else:
                with ThreadPoolExecutor(max_workers=n_jobs) as executor:
                    futures = [executor.submit(_worker, *worker_args) for _ in range(n_jobs)]
                    try:
                        errors = [f.exception() for f in futures]
                    except BaseException as e:
                        # Ctrl-C reaches this thread only: the workers start no new trial,
                        # and trial processes are killed (threads finish their trial).
                        study._stop_flag = True
                        for runner in runners:
                            runner.interrupt(e)
                        raise
                for error in errors:
                    if error is not None:
                        raise error
        finally:
            progress.close()
    finally:
        study._in_optimize = False


def _worker(
    study: Study,
    make_runner: Callable[[], _Runner],
    budget: _Budget,
    callbacks: list[Callback],
    progress: _ProgressBar,
) -> None:
    runner = make_runner()
    try:
        while budget.take():
            frozen = runner.run()
            for callback in callbacks:
                callback(study, frozen)
            progress.update(study, budget.elapsed())
    except BaseException as e:
        # Let the other threads finish their current trial and stop.
        study._stop_flag = True
        runner.abort(e)
        raise
    finally:
        runner.close()
