"""The trials a storage object runs, and its own record of each.

A storage object owns the trials it creates or pops. Each of its writes to an owned trial also
updates its record, under the trial's lock so that the record follows the order in which the
writes reached the database. Writes by anyone else increment ``trials.foreign_writes``; when
the owner's finish succeeds and that count is still the one the owner started from, the record
equals the database's, and it goes to the finished-trial cache without being read back.
"""

from __future__ import annotations

import os
import threading
import weakref

from hpo.trial import FrozenTrial

# Owned trials never finished by their owner (asked and never told) are forgotten beyond this.
MAX_OWNED = 10_000


class OwnedTrial:
    """An owned trial: its record, its study and the ``foreign_writes`` it started from."""

    __slots__ = ("baseline", "lock", "record", "study_id")

    def __init__(self, record: FrozenTrial, study_id: int, baseline: int) -> None:
        self.record = record
        self.study_id = study_id
        self.baseline = baseline
        self.lock = threading.Lock()


class OwnedTrials:
    """The owned trials of one storage object, by trial id."""

    def __init__(self) -> None:
        self._trials: dict[int, OwnedTrial] = {}
        self._lock = threading.Lock()
        _live.add(self)

    def add(self, record: FrozenTrial, study_id: int, baseline: int) -> None:
        """Own the trial of ``record`` (which must not be shared with the caller's copy)."""
        with self._lock:
            trials = self._trials
            trials[record._trial_id] = OwnedTrial(record, study_id, baseline)
            while len(trials) > MAX_OWNED:
                del trials[next(iter(trials))]

    def get(self, trial_id: int) -> OwnedTrial | None:
        """Return the owned trial ``trial_id``, or ``None`` if this object does not own it."""
        return self._trials.get(trial_id)

    def drop(self, trial_id: int) -> None:
        """Stop owning a trial: its record may no longer match the database."""
        self._trials.pop(trial_id, None)

    def _forget_after_fork(self) -> None:
        # The parent runs these trials; locks copied by fork may be held by lost threads.
        self._trials = {}
        self._lock = threading.Lock()


_live: weakref.WeakSet[OwnedTrials] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for owned in list(_live):
        owned._forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
