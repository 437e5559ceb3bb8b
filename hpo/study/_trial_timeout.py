"""Per-trial time limits of ``optimize``: argument checks and the record of a timed-out trial.

A trial that runs longer than ``trial_timeout`` seconds ends FAIL with the system attribute
``fail_reason`` set to :data:`TIMEOUT_REASON`. In threads the limit is cooperative (the
trial's next ``suggest_*``/``report``/``should_prune``/``set_user_attr`` raises
:class:`~hpo.exceptions.TrialTimeout`); with ``isolation="process"`` the trial's process is
killed (``_process_worker.py``).
"""

from __future__ import annotations

import math
import numbers
import pickle
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo._keys import FAIL_REASON_KEY
from hpo.exceptions import UpdateFinishedTrialError
from hpo.storages import InMemoryStorage
from hpo.study._arguments import _describe
from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study._protocol import TellingStudy as Study

_logger = logging.get_logger(__name__)

#: The ``fail_reason`` of a trial stopped by ``trial_timeout``, the same in every mode.
TIMEOUT_REASON = "timeout"

#: The values of ``optimize``'s ``isolation`` argument.
ISOLATIONS = ("thread", "process")


def check_trial_timeout(trial_timeout: Any) -> float | None:
    """Return ``trial_timeout`` as a float (or None) after checking it.

    Raises
    ------
    TypeError
        If it is not a real number or None (a bool or a string is not).
    ValueError
        If it is NaN, zero or negative.
    """
    if trial_timeout is None:
        return None
    if isinstance(trial_timeout, bool) or not isinstance(trial_timeout, numbers.Real):
        raise TypeError(
            f"trial_timeout must be a number of seconds or None, got {_describe(trial_timeout)}."
        )
    seconds = float(trial_timeout)
    if math.isnan(seconds) or not seconds > 0:
        raise ValueError(
            f"trial_timeout={trial_timeout!r} must be a positive number of seconds or None."
        )
    return seconds


def check_isolation(isolation: Any, study: Study, func: Any) -> str:
    """Return ``isolation`` after checking it; for ``"process"``, check the storage and ``func``.

    Raises
    ------
    ValueError
        If ``isolation`` is not ``"thread"`` or ``"process"``, or it is ``"process"`` and the
        study's storage is in memory (a child process cannot reach it).
    TypeError
        If it is ``"process"`` and ``func`` cannot be pickled.
    """
    if isolation not in ISOLATIONS:
        raise ValueError(f"isolation={isolation!r} must be 'thread' or 'process'.")
    if isolation == "thread":
        return isolation
    if isinstance(study._storage, InMemoryStorage):
        raise ValueError(
            "isolation='process' runs each trial in a child process, which cannot reach the "
            "study's in-memory storage; create the study with a database URL (such as "
            "storage='sqlite:///study.db') or a JournalStorage."
        )
    try:
        pickle.dumps(func)
    except Exception as e:
        raise TypeError(
            f"isolation='process' sends the objective to child processes by pickling it, and "
            f"{_describe(func)} cannot be pickled ({type(e).__name__}: {e}). Define the "
            f"objective at the top level of a module (not a lambda or a nested function), "
            f"or pass a picklable callable object."
        ) from e
    return isolation


def fail_stopped_trial(study: Study, trial_id: int, reason: str) -> bool:
    """Write FAIL with ``fail_reason`` ``reason`` for a trial whose process was stopped.

    Called while a worker moves on or an error propagates, so a failure to write is logged,
    not raised: with heartbeats on, a worker that finds the trial stale fails it later.

    Returns
    -------
    bool
        True if this call failed the trial; False if it had finished already (its outcome is
        kept) or the write failed.
    """
    storage = study._storage
    try:
        storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, reason)
        storage.set_trial_state_values(trial_id, TrialState.FAIL, None)
    except UpdateFinishedTrialError:
        return False
    except Exception:
        _logger.exception("Could not mark the trial with id %d as failed.", trial_id)
        return False
    return True
