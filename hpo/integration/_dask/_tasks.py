"""What runs on a Dask worker: one trial per task, and the clean-up of a dead attempt.

Every task of one :func:`hpo.integration.dask.optimize` call is a *slot* (0 to n_trials - 1)
that yields one finished trial. The trial records its slot in a system attribute. Dask runs
a task again on another worker when its worker dies, and also when the dead worker held the
result of a task that had finished. The new attempt looks for trials of its slot: a RUNNING
one was left by the dead worker and is failed and its parameters re-enqueued; a finished one
means there is nothing to do. So a dead worker neither loses a trial nor adds one.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

from hpo import logging
from hpo._keys import FAIL_REASON_KEY
from hpo.storages import RetryFailedTrialCallback
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState

_logger = logging.get_logger(__name__)

# The system attribute that holds "<run id>:<slot>".
SLOT_KEY = "dask:slot"
# How often a trial whose worker died is retried when the storage has no callback of its own.
DEFAULT_MAX_RETRY = 3

# The studies this worker process has unpickled, by run id (one per optimize call).
_WORKER_RUNS: dict[str, tuple[Study, Callable[[Trial], Any], tuple[type, ...], list[Any]]] = {}
_LOCK = threading.Lock()


def _prepare(
    run_id: str, payload: bytes
) -> tuple[Study, Callable[[Trial], Any], tuple[type, ...], list[Any]]:
    with _LOCK:
        run = _WORKER_RUNS.get(run_id)
        if run is None:
            run = pickle.loads(payload)
            # Each worker's copy of a seeded sampler would propose the same values.
            run[0].sampler.reseed_rng()
            _WORKER_RUNS[run_id] = run
        return run


def forget_run(run_id: str) -> None:
    """Drop the study of a finished optimize call from this worker."""
    with _LOCK:
        _WORKER_RUNS.pop(run_id, None)


def _retry_callback(study: Study) -> Callable[[Study, FrozenTrial], None]:
    get_callback = getattr(study._storage, "get_failed_trial_callback", None)
    callback = get_callback() if get_callback is not None else None
    return callback if callback is not None else RetryFailedTrialCallback(DEFAULT_MAX_RETRY)


_DEAD_WORKER_REASON = "its Dask worker died while the trial ran"


def settle_slot(study: Study, slot_value: str) -> int | None:
    """Look at the trials earlier attempts of a slot left; return the one that finished.

    A RUNNING trial of the slot was left by a dead worker: it is failed and its parameters
    re-enqueued. A finished trial of the slot (not failed that way) means an earlier attempt
    completed and Dask only lost its result: its number is returned and no trial is run.
    """
    done: int | None = None
    for trial in study.get_trials(deepcopy=False):
        if trial.system_attrs.get(SLOT_KEY) != slot_value:
            continue
        if trial.state == TrialState.RUNNING:
            _fail_dead_attempt(study, trial)
        elif trial.system_attrs.get(FAIL_REASON_KEY) != _DEAD_WORKER_REASON:
            done = trial.number
    return done


def _fail_dead_attempt(study: Study, trial: FrozenTrial) -> None:
    study._storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, _DEAD_WORKER_REASON)
    failed = study.tell(trial.number, state=TrialState.FAIL, skip_if_finished=True)
    if failed.state != TrialState.FAIL:
        return  # it finished after all: its worker was only cut off
    _logger.warning("Trial %d failed: its Dask worker died; retrying it.", trial.number)
    _retry_callback(study)(study, trial)


def run_slot(run_id: str, payload: bytes, slot: int, deadline: float | None) -> int | None:
    """Run the trial of one slot on this worker; return its number (``None`` past the deadline).

    Raises
    ------
    Exception
        What the objective raised, unless it is one of the ``catch`` types.
    """
    study, func, catch, callbacks = _prepare(run_id, payload)
    if deadline is not None and time.time() >= deadline:
        return None
    slot_value = f"{run_id}:{slot}"
    done = settle_slot(study, slot_value)
    if done is not None:
        return done
    numbers: list[int] = []

    def objective(trial: Trial) -> Any:
        trial.set_system_attr(SLOT_KEY, slot_value)  # before any work, so a retry finds it
        numbers.append(trial.number)
        return func(trial)

    study.optimize(objective, n_trials=1, catch=catch, callbacks=callbacks)
    return numbers[0] if numbers else None
