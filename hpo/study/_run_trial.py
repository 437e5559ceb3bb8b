"""One trial of the optimize loop: ask, call the objective, record the outcome.

Used by the threads of ``optimize`` (``_optimize.py``) and by the child processes of its
``isolation="process"`` mode (``_process_worker.py``).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo._keys import FAIL_REASON_KEY
from hpo.exceptions import TrialPruned, TrialTimeout, UpdateFinishedTrialError
from hpo.storages import HeartbeatThread, fail_stale_trials, is_heartbeat_enabled
from hpo.study import _tell
from hpo.study._trial_timeout import TIMEOUT_REASON
from hpo.trial import FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from hpo.study._protocol import ObjectiveFuncType
    from hpo.study._protocol import OptimizingStudy as Study

_logger = logging.get_logger(__name__)


def is_foreign_pruned(error: BaseException) -> bool:
    """Whether ``error`` is Optuna's ``TrialPruned``, raised by code written for Optuna.

    Optuna is looked up in ``sys.modules`` and never imported: if it is not loaded, nothing
    can have raised its exception.
    """
    exceptions = sys.modules.get("optuna.exceptions")
    foreign = getattr(exceptions, "TrialPruned", None)
    return isinstance(foreign, type) and isinstance(error, foreign)


def run_trial(
    study: Study,
    func: ObjectiveFuncType,
    catch: tuple[type, ...],
    trial_timeout: float | None = None,
    on_start: Callable[[Trial], None] | None = None,
) -> FrozenTrial:
    """Run one trial of ``func`` and record its outcome; re-raise errors not in ``catch``.

    Parameters
    ----------
    study:
        The study.
    func:
        The objective.
    catch:
        Exception types that fail the trial without propagating.
    trial_timeout:
        Seconds the trial may run, counted from its start; a trial still running then ends
        FAIL with ``fail_reason`` ``"timeout"`` and nothing propagates (but
        ``KeyboardInterrupt``).
    on_start:
        Called with the trial once it exists, before the objective runs.

    Returns
    -------
    FrozenTrial
        The finished trial.
    """
    storage = study._storage
    if is_heartbeat_enabled(storage):
        _fail_stale_trials_when_due(study)
    trial = study.ask()
    deadline = None
    if trial_timeout is not None:
        deadline = time.monotonic() + trial_timeout
        trial._deadline = deadline
    if on_start is not None:
        try:
            on_start(trial)
        except BaseException as e:
            _tell.fail_unfinished_trial(study, trial._cached_frozen_trial, e, True)
            raise
    error: BaseException | None = None
    state: TrialState | None = None
    returned: Any = None
    with HeartbeatThread(trial._trial_id, storage):
        try:
            returned = func(trial)
        except TrialPruned as e:
            state, error = TrialState.PRUNED, e
        except (Exception, KeyboardInterrupt, TrialTimeout) as e:
            state = TrialState.PRUNED if is_foreign_pruned(e) else TrialState.FAIL
            error = e

    # Whatever a trial past its deadline did (caught TrialTimeout and returned, or never
    # asked the trial anything again), its outcome came too late.
    if (
        deadline is not None
        and not isinstance(error, KeyboardInterrupt)
        and (isinstance(error, TrialTimeout) or time.monotonic() >= deadline)
    ):
        return _finish_timed_out(study, trial, trial_timeout, error)

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


def _finish_timed_out(
    study: Study, trial: Trial, trial_timeout: float | None, error: BaseException | None
) -> FrozenTrial:
    # The trial may have been failed meanwhile by another worker (stale heartbeat).
    with contextlib.suppress(UpdateFinishedTrialError):
        study._storage.set_trial_system_attr(trial._trial_id, FAIL_REASON_KEY, TIMEOUT_REASON)
    frozen, _ = _tell.tell(study, trial, None, TrialState.FAIL, skip_if_finished=True)
    late = "" if error is None or isinstance(error, TrialTimeout) else f" (then raised {error!r})"
    _logger.warning(
        "Trial %d failed: it ran longer than trial_timeout=%s seconds%s.",
        frozen.number,
        trial_timeout,
        late,
    )
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
