"""Heartbeats: detect trials whose worker died, fail them, and optionally retry them.

A storage that supports heartbeats implements :class:`BaseHeartbeat`. It records a trial's
first heartbeat when the trial becomes RUNNING (created, taken from the queue or started), in
the same transaction; while an objective runs, ``Study.optimize`` records one every
``heartbeat_interval`` seconds from a background thread. A RUNNING trial whose last
heartbeat is older than the grace period is *stale*; the next worker that calls
:func:`fail_stale_trials` marks it FAIL and runs the storage's ``failed_trial_callback`` (for
example :class:`RetryFailedTrialCallback`). A trial started by ``Study.ask`` outside
``optimize`` gets no beats after the first: keep it alive with ``record_heartbeat`` or a
:class:`HeartbeatThread`, or it is failed once the grace period has passed.
"""

from __future__ import annotations

import abc
import datetime
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from hpo import logging
from hpo._keys import FAIL_REASON_KEY, FIXED_PARAMS_KEY
from hpo.exceptions import UpdateFinishedTrialError
from hpo.trial import FrozenTrial, TrialState, create_trial

if TYPE_CHECKING:
    from hpo.storages._base import BaseStorage

_logger = logging.get_logger(__name__)


class HeartbeatStudy(Protocol):
    """What the heartbeat clean-up uses of a study (``hpo.Study`` is one)."""

    @property
    def _storage(self) -> BaseStorage: ...

    @property
    def _study_id(self) -> int: ...

    def add_trial(self, trial: FrozenTrial) -> None: ...


FailedTrialCallback = Callable[[HeartbeatStudy, FrozenTrial], None]


class BaseHeartbeat(abc.ABC):
    """The heartbeat interface a storage implements in addition to ``BaseStorage``.

    With heartbeats on, the storage gives every trial its first heartbeat when it becomes
    RUNNING, so that a trial whose worker dies before any other beat still turns stale.
    """

    @abc.abstractmethod
    def record_heartbeat(self, trial_id: int) -> None:
        """Record that the worker running ``trial_id`` is alive now."""

    @abc.abstractmethod
    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        """Return the ids of RUNNING trials whose heartbeat is older than the grace period."""

    def get_heartbeat_times(self, study_id: int) -> dict[int, datetime.datetime]:
        """Return the last heartbeat (UTC) of each RUNNING trial of a study that has one.

        Keyed by trial number; a monitor (the dashboard) shows each worker's age from it.
        """
        return {}

    @abc.abstractmethod
    def get_heartbeat_interval(self) -> int | None:
        """Return the heartbeat interval in seconds, or ``None`` if heartbeats are off."""

    @abc.abstractmethod
    def get_failed_trial_callback(self) -> FailedTrialCallback | None:
        """Return the callback run on each trial failed for a stale heartbeat."""


def is_heartbeat_enabled(storage: BaseStorage) -> bool:
    """Return whether ``storage`` supports heartbeats and has an interval set."""
    return isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None


class HeartbeatThread:
    """Record a trial's heartbeat periodically while the ``with`` block runs.

    Parameters
    ----------
    trial_id:
        The trial to keep alive.
    storage:
        A storage with heartbeats enabled; with any other storage the block runs unchanged.
    """

    def __init__(self, trial_id: int, storage: BaseStorage) -> None:
        self._trial_id = trial_id
        self._storage = storage
        # Made only when heartbeats are on: this wraps every trial of every storage.
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> HeartbeatThread:
        storage = self._storage
        if not isinstance(storage, BaseHeartbeat):
            return self
        interval = storage.get_heartbeat_interval()
        if interval is None:
            return self
        # The storage recorded the first beat when the trial became RUNNING.
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, args=(storage, float(interval), self._stop), daemon=True
        )
        self._thread.start()
        return self

    def _beat(self, storage: BaseHeartbeat, interval: float, stop: threading.Event) -> None:
        while not stop.wait(interval):
            try:
                storage.record_heartbeat(self._trial_id)
            except Exception:  # a missed beat is retried at the next interval
                _logger.warning("Recording the heartbeat of trial id %d failed.", self._trial_id)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join()


def fail_stale_trials(study: HeartbeatStudy) -> list[int]:
    """Mark the study's stale RUNNING trials FAIL and run the failed-trial callback on each.

    Workers call this before asking for a new trial. When several workers race, each stale
    trial is failed, and its callback run, by exactly one of them.

    Parameters
    ----------
    study:
        The study to clean up.

    Returns
    -------
    list[int]
        The numbers of the trials this call failed.
    """
    storage = study._storage
    if not isinstance(storage, BaseHeartbeat) or storage.get_heartbeat_interval() is None:
        return []
    failed: list[FrozenTrial] = []
    for trial_id in storage._get_stale_trial_ids(study._study_id):
        try:
            storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, "stale heartbeat")
            if storage.set_trial_state_values(trial_id, TrialState.FAIL):
                failed.append(storage.get_trial(trial_id))
        except UpdateFinishedTrialError:
            continue  # another worker failed it first
    callback = storage.get_failed_trial_callback()
    for trial in failed:
        _logger.warning("Trial %d failed: its worker stopped sending heartbeats.", trial.number)
        if callback is not None:
            callback(study, trial)
    return [t.number for t in failed]


class RetryFailedTrialCallback:
    """Re-enqueue a trial that failed for a stale heartbeat, with the same parameters.

    Pass an instance as ``failed_trial_callback`` of a storage with heartbeats. The new trial
    records the number of the trial it retries and the whole retry history in its system
    attributes.

    Parameters
    ----------
    max_retry:
        How many times one original trial may be retried; ``None`` for no limit.
    inherit_intermediate_values:
        Copy the failed trial's intermediate values into the retry.

    Raises
    ------
    ValueError
        If ``max_retry`` is negative.
    """

    def __init__(
        self, max_retry: int | None = None, inherit_intermediate_values: bool = False
    ) -> None:
        if max_retry is not None and max_retry < 0:
            raise ValueError(f"max_retry={max_retry} must be >= 0 or None.")
        self._max_retry = max_retry
        self._inherit_intermediate_values = inherit_intermediate_values

    def __call__(self, study: HeartbeatStudy, trial: FrozenTrial) -> None:
        history = list(trial.system_attrs.get("retry_history", []))
        if self._max_retry is not None and len(history) >= self._max_retry:
            return
        system_attrs: dict[str, Any] = {
            "failed_trial": history[0] if history else trial.number,
            "retry_history": [*history, trial.number],
        }
        if FIXED_PARAMS_KEY in trial.system_attrs:
            system_attrs[FIXED_PARAMS_KEY] = trial.system_attrs[FIXED_PARAMS_KEY]
        study.add_trial(
            create_trial(
                state=TrialState.WAITING,
                params=trial.params,
                distributions=trial.distributions,
                user_attrs=trial.user_attrs,
                system_attrs=system_attrs,
                intermediate_values=(
                    trial.intermediate_values if self._inherit_intermediate_values else None
                ),
            )
        )

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """Return the number of the original trial that ``trial`` retries, or ``None``."""
        return trial.system_attrs.get("failed_trial")

    @staticmethod
    def retry_history(trial: FrozenTrial) -> list[int]:
        """Return the numbers of the trials retried before ``trial``, oldest first."""
        return list(trial.system_attrs.get("retry_history", []))
